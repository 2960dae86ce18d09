import { describe, expect, it } from "vitest";
import { CsvError, parseCsv, parseCsvTable, writeCsv } from "./csv";

describe("parseCsv", () => {
  it("reads plain fields with LF and CRLF line ends", () => {
    expect(parseCsv("a,b\n1,2\r\n3,4")).toEqual([
      ["a", "b"],
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("reads quoted fields with commas, doubled quotes and line breaks", () => {
    expect(parseCsv('sku,note\r\nX,"size run, ""tall""\r\nline two"\r\n')).toEqual([
      ["sku", "note"],
      ["X", 'size run, "tall"\r\nline two'],
    ]);
  });

  it("keeps empty fields, skips blank lines and a BOM", () => {
    expect(parseCsv("\uFEFFa,,c\n\n,\n")).toEqual([
      ["a", "", "c"],
      ["", ""],
    ]);
  });

  it("reads an empty quoted field as empty", () => {
    expect(parseCsv('"",x')).toEqual([["", "x"]]);
  });

  it("refuses an unclosed quote and a stray quote, naming the line", () => {
    expect(() => parseCsv('a\n"open')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('a\nb"c')).toThrow(CsvError);
    expect(() => parseCsv('"a"b')).toThrow(/after a closing quote/);
  });
});

describe("parseCsvTable", () => {
  const columns = { required: ["sku", "quantity"], optional: ["note"] };

  it("maps cells to lower-cased column names with spreadsheet row numbers", () => {
    const t = parseCsvTable(" SKU ,Quantity\nA,1\nB\n", columns);
    expect(t.records).toEqual([
      { row: 2, values: { sku: "A", quantity: "1" } },
      { row: 3, values: { sku: "B", quantity: "" } },
    ]);
  });

  it("refuses missing, unknown and duplicate columns and extra cells", () => {
    expect(() => parseCsvTable("sku\nA", columns)).toThrow(/missing column quantity/);
    expect(() => parseCsvTable("sku,quantity,colour\n", columns)).toThrow(/unknown column "colour"/);
    expect(() => parseCsvTable("sku,sku,quantity\n", columns)).toThrow(/appears twice/);
    expect(() => parseCsvTable("sku,quantity\nA,1,2\n", columns)).toThrow(/line 2: 3 cells/);
    expect(() => parseCsvTable("", columns)).toThrow(/empty/);
  });
});

describe("writeCsv", () => {
  it("quotes only what needs quoting and round-trips", () => {
    const rows = [
      ["sku", "note", "qty"],
      ["A", 'say "hi", then\nleave', 3],
      ["B", null, 0],
      [" padded", "", true],
    ];
    const text = writeCsv(rows);
    expect(text).toBe('sku,note,qty\r\nA,"say ""hi"", then\nleave",3\r\nB,,0\r\n" padded",,true\r\n');
    expect(parseCsv(text)).toEqual(rows.map((r) => r.map((v) => (v === null ? "" : String(v)))));
  });
});
