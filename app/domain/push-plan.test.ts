import { describe, expect, it } from "vitest";
import { unexplainedCommitted } from "./committed";
import { inPlaceTargets, moveFor, planPushes, type KnownLevel } from "./push-plan";

const known = (entries: [string, number, number?][]) => new Map<string, KnownLevel>(entries.map(([l, a, h]) => [l, { available: a, heldByUs: h ?? 0 }]));

describe("planPushes: channel location", () => {
  it("sets the channel location's available to the ATS, changing from what Shopify holds", () => {
    const plan = planPushes({ ats: { amazon: 12 }, targets: [{ kind: "location", channel: "amazon", location: "901" }], known: known([["901", 40]]) });
    expect(plan.changes).toEqual([{ kind: "set", location: "901", channel: "amazon", from: 40, to: 12 }]);
  });

  it("plans nothing when Shopify already shows the ATS", () => {
    const plan = planPushes({ ats: { amazon: 12 }, targets: [{ kind: "location", channel: "amazon", location: "901" }], known: known([["901", 12]]) });
    expect(plan.changes).toEqual([]);
  });

  it("skips (and says why) a channel location the item is not stocked at", () => {
    const plan = planPushes({ ats: { amazon: 5 }, targets: [{ kind: "location", channel: "amazon", location: "901" }], known: known([]) });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([{ channel: "amazon", location: "901", reason: "item not stocked at the channel location" }]);
  });

  it("two channels on one location: the smaller ATS wins", () => {
    const plan = planPushes({
      ats: { a: 9, b: 4 },
      targets: [
        { kind: "location", channel: "a", location: "9" },
        { kind: "location", channel: "b", location: "9" },
      ],
      known: known([["9", 0]]),
    });
    expect(plan.changes).toEqual([{ kind: "set", location: "9", channel: "b", from: 0, to: 4 }]);
  });

  it("a negative or fractional ATS is never written", () => {
    const plan = planPushes({ ats: { a: -3.5 }, targets: [{ kind: "location", channel: "a", location: "9" }], known: known([["9", 2]]) });
    expect(plan.changes[0]).toMatchObject({ to: 0 });
  });

  it("refuses an ATS missing for a published channel, naming it", () => {
    expect(() => planPushes({ ats: {}, targets: [{ kind: "location", channel: "pos", location: "9" }], known: known([["9", 2]]) })).toThrow('ats: no value for channel "pos"');
  });
});

describe("planPushes: in place", () => {
  it("a fresh shop at 100% (ATS = Σ available) changes nothing", () => {
    const plan = planPushes({ ats: { web: 70 }, targets: [{ kind: "in_place", channel: "web", facilities: ["1", "2"] }], known: known([["1", 50], ["2", 20]]) });
    expect(plan.changes).toEqual([]);
  });

  it("holds the excess, last facility first: 70 free, ATS 45 → hold 20 at #2 and 5 at #1", () => {
    const plan = planPushes({ ats: { web: 45 }, targets: [{ kind: "in_place", channel: "web", facilities: ["1", "2"] }], known: known([["1", 50], ["2", 20]]) });
    expect(plan.changes).toEqual([
      { kind: "move", location: "1", channel: "web", from: 50, to: 45, hold: 5 },
      { kind: "move", location: "2", channel: "web", from: 20, to: 0, hold: 20 },
    ]);
  });

  it("releases what we hold when ATS grows, never more than we hold", () => {
    // free at 1 = 10 + 15 held = 25; ATS 40 > 25: release all 15, cannot create the rest.
    const plan = planPushes({ ats: { web: 40 }, targets: [{ kind: "in_place", channel: "web", facilities: ["1"] }], known: known([["1", 10, 15]]) });
    expect(plan.changes).toEqual([{ kind: "move", location: "1", channel: "web", from: 10, to: 25, hold: -15 }]);
  });

  it("oversold facility (negative available) counts as nothing free", () => {
    expect(inPlaceTargets(5, ["1", "2"], known([["1", -3], ["2", 8]]))).toEqual(new Map([["2", 5], ["1", 0]]));
  });

  it("moveFor: hold the difference, or release at most what we hold", () => {
    expect(moveFor({ available: 10, heldByUs: 0 }, 4)).toBe(6);
    expect(moveFor({ available: 4, heldByUs: 3 }, 10)).toBe(-3);
    expect(moveFor({ available: 4, heldByUs: 3 }, 4)).toBe(0);
  });

  it("refuses one location published both ways", () => {
    expect(() =>
      planPushes({
        ats: { a: 1, b: 1 },
        targets: [
          { kind: "location", channel: "a", location: "1" },
          { kind: "in_place", channel: "b", facilities: ["1"] },
        ],
        known: known([["1", 3]]),
      }),
    ).toThrow(/published both as a channel location \(a\) and in place \(b\)/);
  });
});

describe("unexplainedCommitted", () => {
  it("committed that no known order explains is a reservation", () => {
    expect(unexplainedCommitted([{ location: "901", committed: 5, assigned: 2 }], 0)).toEqual(new Map([["901", 3]]));
  });
  it("unrouted known lines explain excess first", () => {
    expect(
      unexplainedCommitted(
        [
          { location: "1", committed: 4, assigned: 0 },
          { location: "2", committed: 3, assigned: 1 },
        ],
        5,
      ),
    ).toEqual(new Map([["2", 1]]));
  });
  it("more known than committed explains nothing away (no negative reservations)", () => {
    expect(unexplainedCommitted([{ location: "1", committed: 1, assigned: 4 }], 2)).toEqual(new Map());
  });
});
