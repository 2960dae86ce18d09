import { describe, expect, it, vi } from "vitest";
import { channelCreateSchema, channelUpdateSchema } from "../validation/channel";
import { purchaseOrderCreateSchema } from "../validation/purchasing";
import { ruleCreateSchema, ruleUpdateSchema } from "../validation/rule";
import { channelCreateInput, channelToState, channelUpdateInput, EMPTY_CHANNEL } from "./channel-form";
import { errorAt, fieldBinder, inWords, splitList, validateWith } from "./forms";
import { EMPTY_PO, poCreateInput } from "./po-form";
import { emptyRule, RULE_WORDS, ruleCreateInput, ruleToState, ruleUpdateInput } from "./rule-form";

describe("form state → the schema's input (the same check in the browser and on the server)", () => {
  it("a filled channel form parses to the values typed", () => {
    const state = { ...EMPTY_CHANNEL, key: "wholesale", priority: "2", percent: "60", cap: "", facilityIds: ["7", "3"], sourceNames: "b2b, , faire", tags: "wholesale", publishKind: "location" as const, publishLocationId: "9" };
    const parsed = channelCreateSchema.parse(channelCreateInput(state));
    expect(parsed).toMatchObject({ key: "wholesale", priority: 2, percent: 60, cap: null, facilityIds: [7, 3], publish: { kind: "location", locationId: 9 } });
    expect(parsed.orders).toEqual({ sourceNames: ["b2b", "faire"], appIds: [], b2b: false, posLocationIds: [], tags: ["wholesale"] });
  });

  it("an empty channel form names each missing or wrong field", () => {
    const errors = validateWith(channelCreateSchema, channelCreateInput({ ...EMPTY_CHANNEL, percent: "101", publishKind: "location" }));
    expect(Object.keys(errors).sort()).toEqual(["facilityIds", "key", "percent", "publish.locationId"]);
    expect(errorAt(errors, "publish")).toBe(errors["publish.locationId"]);
  });

  it("a stored channel round-trips through the edit form unchanged", () => {
    const stored = {
      key: "amazon", name: "Amazon", priority: 1, promiseWindowDays: 3, safetyStock: 2, mode: "ringfenced" as const, percent: 30, cap: 25, zeroBelow: 1,
      liveFrom: "2026-11-28", liveUntil: null, facilities: [{ id: 4 }],
      orders: { sourceNames: ["amazon"], appIds: ["123"], b2b: false, posLocationIds: [], tags: [] },
      publish: { kind: "location" as const, location: { id: 8 } },
    };
    const parsed = channelUpdateSchema.parse(channelUpdateInput(channelToState(stored)));
    expect(parsed).toMatchObject({ name: "Amazon", priority: 1, promiseWindowDays: 3, safetyStock: 2, mode: "ringfenced", percent: 30, cap: 25, zeroBelow: 1, liveFrom: "2026-11-28", liveUntil: null, facilityIds: [4], orders: stored.orders, publish: { kind: "location", locationId: 8 } });
  });

  it("rule forms: an empty setting clears it on edit; a rule that sets nothing is refused on percent", () => {
    expect(validateWith(ruleCreateSchema, ruleCreateInput(emptyRule("3")))).toEqual({ percent: expect.stringMatching(/at least one of/) });
    const state = ruleToState({ channelId: 3, target: { kind: "tag", value: "drop" }, percent: 50, cap: null, zeroBelow: null, safetyStock: null, liveFrom: null, liveUntil: null });
    expect(ruleUpdateSchema.parse(ruleUpdateInput({ ...state, cap: "" }))).toMatchObject({ target: { kind: "tag", value: "drop" }, percent: 50, cap: null });
  });

  it("PO lines typed one per line become lines with their own ETA", () => {
    const input = poCreateInput({ ...EMPTY_PO, number: "PO-1", destinationLocationId: "2", eta: "2026-12-04", lines: "TEE-M, 120\n\nTEE-L, 80, 2026-12-10\n" });
    expect(purchaseOrderCreateSchema.parse(input).lines).toEqual([
      { sku: "TEE-M", quantity: 120 },
      { sku: "TEE-L", quantity: 80, eta: "2026-12-10" },
    ]);
    expect(validateWith(purchaseOrderCreateSchema, poCreateInput({ ...EMPTY_PO, lines: "TEE-M, lots" }))).toMatchObject({ "lines[0].quantity": expect.any(String) });
  });

  it("splits lists on commas and new lines, dropping blanks", () => {
    expect(splitList(" a, b\nc ,, ")).toEqual(["a", "b", "c"]);
  });

  it("puts the schema's field names in the form's words, so an error says what to fix on the page", () => {
    const errors = validateWith(ruleCreateSchema, ruleCreateInput(emptyRule("3")));
    expect(inWords(errors, RULE_WORDS).percent).toBe("a rule must set at least one of percent, cap, out-of-stock threshold, safety stock, the live-from date, the live-until date");
    const dates = validateWith(ruleCreateSchema, ruleCreateInput({ ...emptyRule("3"), cap: "4", liveFrom: "2026-12-10", liveUntil: "2026-12-01" }));
    expect(inWords(dates, RULE_WORDS).liveUntil).toBe("must be on or after the live-from date (2026-12-10)");
    // Only whole names are replaced, and a phrase can be dropped.
    expect(inWords({ sku: "is required (or itemId)", note: "liveFromX stays" }, { "(or itemId)": "", liveFrom: "the live-from date" })).toEqual({ sku: "is required", note: "liveFromX stays" });
  });
});

describe("fieldBinder", () => {
  it("gives a text field its value, its setter and its own inline error", () => {
    const state = { cap: "12", percent: "" };
    const set = vi.fn((k: keyof typeof state) => (v: string) => void v);
    const field = fieldBinder(state, set, { cap: "must be a whole number ≥ 0", "percent.x": "inner" });
    const cap = field("cap");
    expect(cap).toMatchObject({ value: "12", error: "must be a whole number ≥ 0", autoComplete: "off" });
    expect(set).toHaveBeenCalledWith("cap");
    expect(field("percent").error).toBe("inner");
    expect(fieldBinder(state, set, undefined)("cap").error).toBeUndefined();
  });
});
