import { describe, expect, it } from "vitest";
import { classifyOrder, defaultChannel, type ChannelOrderRules, type OrderFacts } from "./classify";

function channel(id: number, key: string, rules: Partial<ChannelOrderRules> = {}): ChannelOrderRules {
  return { id, key, priority: id, sourceNames: [], appIds: [], b2b: false, posLocationIds: [], orderTags: [], ...rules };
}

function order(facts: Partial<OrderFacts> = {}): OrderFacts {
  return { sourceName: "web", appId: null, b2b: false, posLocationId: null, tags: [], ...facts };
}

const online = channel(1, "online", { sourceNames: ["web"] });
const amazon = channel(2, "amazon", { sourceNames: ["amazon"], appIds: ["555"] });
const wholesale = channel(3, "wholesale", { b2b: true, orderTags: ["wholesale"] });
const pos = channel(4, "pos", { sourceNames: ["pos"] });
const timesSquare = channel(5, "times-square", { posLocationIds: ["101"] });
const all = [online, amazon, wholesale, pos, timesSquare];

describe("classifyOrder", () => {
  it.each([
    ["an Online Store order by source name", order({ sourceName: "web" }), "online", "sourceName"],
    ["a marketplace order by its app id", order({ sourceName: "some-connector", appId: "555" }), "amazon", "appId"],
    ["a source name compared case-insensitively", order({ sourceName: "Amazon" }), "amazon", "sourceName"],
    ["a B2B company order", order({ sourceName: "shopify_draft_order", b2b: true }), "wholesale", "b2b"],
    ["a tagged order beats its source name", order({ sourceName: "web", tags: ["Wholesale"] }), "wholesale", "tag"],
    ["a POS sale at a store with its own channel", order({ sourceName: "pos", posLocationId: "101" }), "times-square", "posLocation"],
    ["a POS sale at another store falls to the POS channel", order({ sourceName: "pos", posLocationId: "102" }), "pos", "sourceName"],
  ])("%s", (_name, facts, key, matchedBy) => {
    expect(classifyOrder(all, facts)).toMatchObject({ key, matchedBy });
  });

  it("breaks a tie at the same specificity by priority, then by id, not by list order", () => {
    const a = channel(7, "a", { sourceNames: ["web"], priority: 2 });
    const b = channel(8, "b", { sourceNames: ["web"], priority: 1 });
    const c = channel(6, "c", { sourceNames: ["web"], priority: 1 });
    expect(classifyOrder([a, b, c], order()).key).toBe("c");
    expect(classifyOrder([c, b, a], order()).key).toBe("c");
  });

  it("never gives an order to an archived channel", () => {
    const archived = { ...timesSquare, archived: true };
    expect(classifyOrder([online, pos, archived], order({ sourceName: "pos", posLocationId: "101" })).key).toBe("pos");
  });

  it("puts an unmatched order on the default channel", () => {
    expect(classifyOrder(all, order({ sourceName: "tiktok" }))).toMatchObject({ key: "online", matchedBy: "default" });
  });

  it("returns no channel when the shop has none", () => {
    expect(classifyOrder([], order())).toEqual({ channelId: null, key: null, matchedBy: null });
  });
});

describe("defaultChannel", () => {
  it("prefers a catch-all channel without rules", () => {
    const catchAll = channel(9, "everything-else", { priority: 5 });
    expect(defaultChannel([...all, catchAll])?.key).toBe("everything-else");
  });

  it("otherwise takes the channel selling Online Store orders", () => {
    const first = channel(1, "amazon-first", { sourceNames: ["amazon"], priority: 1 });
    const web = channel(2, "web-second", { sourceNames: ["web"], priority: 2 });
    expect(defaultChannel([first, web])?.key).toBe("web-second");
  });

  it("otherwise the highest-priority channel", () => {
    const x = channel(1, "x", { sourceNames: ["x"], priority: 3 });
    const y = channel(2, "y", { sourceNames: ["y"], priority: 2 });
    expect(defaultChannel([x, y])?.key).toBe("y");
  });
});
