/**
 * A small RFC 4180 CSV reader and writer (no dependency). Accepts CRLF or LF line ends, quoted
 * fields with doubled quotes and embedded line breaks, and a leading UTF-8 BOM (what spreadsheet
 * exports start with). Isomorphic: the admin can parse a file in the browser before uploading.
 */

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvError";
  }
}

/** Rows of fields, exactly as written. Blank lines are kept out (a trailing newline adds none). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let fieldStarted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;

  const endField = () => {
    row.push(field);
    field = "";
    fieldStarted = false;
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === "")) rows.push(row);
    row = [];
  };

  while (i < n) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = text[i];
        if (i < n && next !== "," && next !== "\n" && next !== "\r") {
          throw new CsvError(`unexpected ${JSON.stringify(next)} after a closing quote`, line);
        }
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (fieldStarted || field !== "") throw new CsvError("a quote inside an unquoted field", line);
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (ch === ",") {
      endField();
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endRow();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      field += ch;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new CsvError("a quoted field is never closed", line);
  if (fieldStarted || field !== "" || row.length > 0) endRow();
  return rows;
}

export interface CsvRecord {
  /** Row number as a spreadsheet shows it: the header is row 1, the first record row 2. */
  row: number;
  values: Record<string, string>;
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

/**
 * Parses a CSV whose first row names the columns. Column names are trimmed and lower-cased;
 * `required` columns must be present, unknown ones are refused (a typo must not be ignored).
 * Missing trailing cells read as "".
 */
export function parseCsvTable(text: string, columns: { required: string[]; optional?: string[] }): CsvTable {
  const rows = parseCsv(text);
  if (rows.length === 0) throw new CsvError("the file is empty (expected a header row)", 1);
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const known = new Set([...columns.required, ...(columns.optional ?? [])]);
  const seen = new Set<string>();
  for (const h of header) {
    if (h === "") throw new CsvError("the header has an empty column name", 1);
    if (!known.has(h)) throw new CsvError(`unknown column "${h}" (expected: ${[...known].join(", ")})`, 1);
    if (seen.has(h)) throw new CsvError(`column "${h}" appears twice`, 1);
    seen.add(h);
  }
  const missing = columns.required.filter((c) => !seen.has(c));
  if (missing.length > 0) throw new CsvError(`missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, 1);
  const records = rows.slice(1).map((cells, k) => {
    if (cells.length > header.length) {
      throw new CsvError(`${cells.length} cells but the header has ${header.length} columns`, k + 2);
    }
    const values: Record<string, string> = {};
    header.forEach((h, j) => (values[h] = cells[j] ?? ""));
    return { row: k + 2, values };
  });
  return { header, records };
}

function quoteField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export type CsvCell = string | number | boolean | null | undefined;

/** Writes rows with CRLF line ends (RFC 4180); null and undefined become empty cells. */
export function writeCsv(rows: readonly (readonly CsvCell[])[]): string {
  return rows.map((r) => r.map((v) => quoteField(v === null || v === undefined ? "" : String(v))).join(",")).join("\r\n") + "\r\n";
}
