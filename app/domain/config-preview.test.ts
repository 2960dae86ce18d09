import { describe, expect, it } from "vitest";
import { diffAvailability, diffPools } from "./config-preview";

const row = (sku: string, channel: string, atp: number, ats: number, rule: string | null = null) => ({ sku, channel, atp, ats, rule });

describe("diffAvailability", () => {
  it("keeps the selected channel's rows and any row whose numbers moved", () => {
    const before = [row("A", "amazon", 100, 100), row("A", "dtc", 100, 100), row("B", "amazon", 10, 10), row("B", "dtc", 10, 10)];
    // A 30% rule on amazon: A's amazon ATS 100 → 30; B's numbers do not move (not targeted).
    const after = [row("A", "amazon", 100, 30, "R1"), row("A", "dtc", 100, 100), row("B", "amazon", 10, 10), row("B", "dtc", 10, 10)];
    const diff = diffAvailability(before, after, (r) => r.channel === "amazon");
    expect(diff).toEqual([
      { item: "A", channel: "amazon", before: { atp: 100, ats: 100, rule: null }, after: { atp: 100, ats: 30, rule: "R1" }, changed: true },
      { item: "B", channel: "amazon", before: { atp: 10, ats: 10, rule: null }, after: { atp: 10, ats: 10, rule: null }, changed: false },
    ]);
  });

  it("reports a change of the deciding rule even when the numbers agree", () => {
    const diff = diffAvailability([row("A", "dtc", 5, 5, "R1")], [row("A", "dtc", 5, 5, "R2/I1")], () => false, (id) => id?.split("/")[0] ?? null);
    expect(diff).toHaveLength(1);
    expect(diff[0].before.rule).toBe("R1");
    expect(diff[0].after.rule).toBe("R2");
    const same = diffAvailability([row("A", "dtc", 5, 5, "R1/I1")], [row("A", "dtc", 5, 5, "R1/I1")], () => false, (id) => id?.split("/")[0] ?? null);
    expect(same).toEqual([]);
  });

  it("counts a row missing before as zeros", () => {
    expect(diffAvailability([], [row("A", "new", 4, 4)], () => false)[0].before).toEqual({ atp: 0, ats: 0, rule: null });
  });
});

describe("diffPools", () => {
  it("lists only pools that change, absent pools as 0", () => {
    const before = [{ sku: "A", channel: "amazon", qty: 12 }, { sku: "A", channel: "web", qty: 28 }];
    const after = [{ sku: "A", channel: "amazon", qty: 12 }, { sku: "A", channel: "web", qty: 30 }, { sku: "B", channel: "web", qty: 7 }];
    expect(diffPools(before, after)).toEqual([
      { item: "A", channel: "web", before: 28, after: 30 },
      { item: "B", channel: "web", before: 0, after: 7 },
    ]);
  });
});
