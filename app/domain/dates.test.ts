import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, formatDay, parseDay, tryParseDay } from "./dates";

describe("dates as day numbers", () => {
  it.each([
    ["1970-01-01", 0],
    ["2000-02-29", 11016],
    ["2026-11-24", 20781],
    ["1969-12-31", -1],
  ])("%s is day %i", (s, n) => {
    expect(parseDay(s)).toBe(n);
    expect(formatDay(n)).toBe(s);
  });
  it.each(["2026-02-29", "2026-13-01", "2026-00-10", "2026-1-5", "2026-11-24T00:00", "", "20261124", "2100-02-29"])(
    "rejects %j",
    (s) => {
      expect(tryParseDay(s)).toBeNull();
    },
  );
  it("crosses month, year and leap boundaries", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-11-24", 14)).toBe("2026-12-08");
  });
  it("round-trips every day from 1900 to 2200 (and agrees with UTC calendar arithmetic)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -25567, max: 84000 }), (n) => {
        const s = formatDay(n);
        expect(parseDay(s)).toBe(n);
        expect(new Date(n * 86400000).toISOString().slice(0, 10)).toBe(s);
      }),
    );
  });
});
