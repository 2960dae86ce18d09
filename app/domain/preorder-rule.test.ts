import { describe, expect, it } from "vitest";
import { classifyPreorders, lineIsPreorder, orderIsPreorder } from "./preorder-rule";

describe("orderIsPreorder", () => {
  it("accepts the pre-order tag in any case and common spelling", () => {
    for (const tag of ["pre-order", "preorder", "Pre-Order", "PREORDER", " pre order ", "pre_order"]) expect(orderIsPreorder(["vip", tag]), tag).toBe(true);
  });

  it("ignores other tags, including ones that merely contain the word", () => {
    expect(orderIsPreorder([])).toBe(false);
    for (const tag of ["preorders-closed", "no-preorder", "_preorder", "order", "pre"]) expect(orderIsPreorder([tag]), tag).toBe(false);
  });
});

describe("lineIsPreorder", () => {
  it("reads a truthy _preorder or Pre-order line item property", () => {
    expect(lineIsPreorder({ properties: [{ name: "_preorder", value: "true" }] })).toBe(true);
    expect(lineIsPreorder({ properties: [{ name: "Pre-order", value: "Ships in March" }] })).toBe(true);
    expect(lineIsPreorder({ properties: [{ name: "_PreOrder", value: 1 }] })).toBe(true);
    expect(lineIsPreorder({ properties: [{ name: "gift", value: "yes" }, { name: "preorder", value: true }] })).toBe(true);
  });

  it("refuses falsy values, other properties and malformed property lists", () => {
    for (const value of ["", "false", "No", "0", "off", null, false, 0]) expect(lineIsPreorder({ properties: [{ name: "_preorder", value }] }), String(value)).toBe(false);
    expect(lineIsPreorder({ properties: [{ name: "_preorder_note", value: "yes" }] })).toBe(false);
    expect(lineIsPreorder({ properties: { _preorder: "true" } })).toBe(false);
    expect(lineIsPreorder({ properties: [null, "x", { value: "true" }] })).toBe(false);
    expect(lineIsPreorder({})).toBe(false);
  });

  it("reads a selling plan whose name mentions pre-order", () => {
    expect(lineIsPreorder({ sellingPlanName: "Pre-order: ships in 6 weeks" })).toBe(true);
    expect(lineIsPreorder({ sellingPlanName: "Spring preorders" })).toBe(true);
    expect(lineIsPreorder({ sellingPlanName: "Subscribe & save 10%" })).toBe(false);
    expect(lineIsPreorder({ sellingPlanName: null })).toBe(false);
  });
});

describe("classifyPreorders", () => {
  it("flags the order from its tags and each line from its own facts", () => {
    expect(classifyPreorders(["Preorder"], [{}, {}])).toEqual({ order: true, lines: [false, false] });
    expect(classifyPreorders(["sale"], [{}, { properties: [{ name: "_preorder", value: "yes" }] }])).toEqual({ order: false, lines: [false, true] });
  });
});
