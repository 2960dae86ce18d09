import { describe, expect, it } from "vitest";
import { groupPreview, previewSummary } from "./preview-rows";

const row = (sku: string, before: [number, number], after: [number, number], extra: { changed?: boolean; atRebalance?: { before: number; after: number } } = {}) => ({
  itemId: sku.charCodeAt(0),
  sku,
  channel: "amazon",
  before: { atp: before[0], ats: before[1] },
  after: { atp: after[0], ats: after[1] },
  changed: extra.changed ?? (before[0] !== after[0] || before[1] !== after[1]),
  ...(extra.atRebalance ? { atRebalance: extra.atRebalance } : {}),
});

describe("groupPreview", () => {
  it("lists as changes only rows whose numbers differ, even if a row is flagged changed", () => {
    // The ring-fenced bug: a new deciding rule flagged the row although ATP 100 / ATS 30 stayed.
    const g = groupPreview([row("A", [100, 30], [100, 30], { changed: true }), row("B", [50, 15], [50, 10])]);
    expect(g.now.map((r) => r.sku)).toEqual(["B"]);
    expect(g.unchanged).toBe(1);
  });

  it("puts ring-fenced rows that only move at the next rebalance in their own list", () => {
    const g = groupPreview([
      row("A", [100, 30], [100, 30], { atRebalance: { before: 30, after: 10 } }),
      row("B", [50, 15], [50, 15], { atRebalance: { before: 15, after: 15 } }),
      row("C", [20, 6], [20, 2], { atRebalance: { before: 6, after: 2 } }),
    ]);
    expect(g.now.map((r) => r.sku)).toEqual(["C"]);
    expect(g.atRebalance.map((r) => r.sku)).toEqual(["A", "C"]);
    expect(g.unchanged).toBe(1);
  });
});

describe("previewSummary", () => {
  it("counts exactly the rows listed", () => {
    const g = groupPreview([row("A", [100, 30], [100, 30], { changed: true, atRebalance: { before: 30, after: 10 } }), row("B", [50, 15], [50, 10]), row("C", [5, 5], [5, 5])]);
    expect(previewSummary(g, 3, 3)).toBe(
      "This change applies to 3 variants. ATP or ATS changes now for 1 variant × channel pair. ATS changes at the next rebalance for 1 ring-fenced pair. Unchanged: 1.",
    );
  });

  it("says when nothing changes and when only part of a large target was evaluated", () => {
    const g = groupPreview([row("A", [1, 1], [1, 1])]);
    expect(previewSummary(g, 800, 500)).toBe("This change applies to 800 variants (the first 500 were evaluated). No ATP or ATS changes now. Unchanged: 1.");
  });
});
