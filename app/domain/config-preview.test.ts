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

  it("a new deciding rule whose numbers stay is not a change (ring-fenced pool carried to the next rebalance)", () => {
    // Amazon is ring-fenced: its pool (30 of ATP 100) stays until the next rebalance, so a new 10%
    // rule becomes the deciding rule while ATP and ATS stay 100 / 30. Not a change, and not listed
    // unless the caller keeps the rule's channel.
    const before = [row("A", "amazon", 100, 30, null), row("A", "web", 70, 70)];
    const after = [row("A", "amazon", 100, 30, "proposed"), row("A", "web", 70, 70)];
    expect(diffAvailability(before, after, () => false)).toEqual([]);
    expect(diffAvailability(before, after, (r) => r.channel === "amazon")).toEqual([
      { item: "A", channel: "amazon", before: { atp: 100, ats: 30, rule: null }, after: { atp: 100, ats: 30, rule: "proposed" }, changed: false },
    ]);
  });

  it("compares deciding rules through ruleRef but never lists a row for its rule alone", () => {
    const diff = diffAvailability([row("A", "dtc", 5, 5, "R1")], [row("A", "dtc", 5, 4, "R2/I1")], () => false, (id) => id?.split("/")[0] ?? null);
    expect(diff).toHaveLength(1);
    expect(diff[0]).toMatchObject({ before: { ats: 5, rule: "R1" }, after: { ats: 4, rule: "R2" }, changed: true });
    expect(diffAvailability([row("A", "dtc", 5, 5, "R1/I1")], [row("A", "dtc", 5, 5, "R2/I1")], () => false, (id) => id?.split("/")[0] ?? null)).toEqual([]);
  });

  it("every listed row marked changed has different numbers, and every row with different numbers is marked", () => {
    const before = [row("A", "amazon", 10, 3, "R1"), row("B", "amazon", 10, 3), row("C", "amazon", 8, 8)];
    const after = [row("A", "amazon", 10, 3, "R2"), row("B", "amazon", 9, 3), row("C", "amazon", 8, 8, "R2"), row("D", "amazon", 0, 0)];
    const diff = diffAvailability(before, after, () => true);
    expect(diff.map((d) => [d.item, d.changed])).toEqual([["A", false], ["B", true], ["C", false], ["D", false]]);
    for (const d of diff) expect(d.changed).toBe(d.before.atp !== d.after.atp || d.before.ats !== d.after.ats);
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
