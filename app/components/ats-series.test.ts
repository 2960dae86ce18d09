import { describe, expect, it } from "vitest";
import { resampleAtsHistory } from "./ats-series";

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute)).toISOString();

describe("resampleAtsHistory", () => {
  it("puts every channel on the same evenly spaced times, holding the last known ATS", () => {
    const series = resampleAtsHistory(
      [
        { channel: "Online Store", points: [{ at: at(0), ats: 10 }, { at: at(5), ats: 7 }] },
        { channel: "Wholesale", points: [{ at: at(4), ats: 50 }] },
      ],
      new Date(at(10)),
      11,
    );
    expect(series.map((s) => s.name)).toEqual(["Online Store", "Wholesale"]);
    expect(series[0].data.map((d) => d.key)).toEqual(series[1].data.map((d) => d.key));
    expect(series[0].data[0].key).toBe(at(0));
    expect(series[0].data[10].key).toBe(at(10));
    expect(series[0].data.map((d) => d.value)).toEqual([10, 10, 10, 10, 10, 7, 7, 7, 7, 7, 7]);
    expect(series[1].data.map((d) => d.value)).toEqual([null, null, null, null, 50, 50, 50, 50, 50, 50, 50]);
  });

  it("reads unsorted points in time order", () => {
    const [s] = resampleAtsHistory([{ channel: "POS", points: [{ at: at(2), ats: 1 }, { at: at(0), ats: 3 }] }], new Date(at(2)), 3);
    expect(s.data.map((d) => d.value)).toEqual([3, 3, 1]);
  });

  it("returns no series when no channel has history, and one time when all history is one instant", () => {
    expect(resampleAtsHistory([{ channel: "POS", points: [] }], new Date(at(0)))).toEqual([]);
    const [s] = resampleAtsHistory([{ channel: "POS", points: [{ at: at(3), ats: 4 }] }], new Date(at(1)));
    expect(s.data).toEqual([{ key: at(3), value: 4 }]);
  });

  it("refuses a sample count below two", () => {
    expect(() => resampleAtsHistory([], new Date(), 1)).toThrow(/samples/);
  });
});
