import { CsvError, parseCsvTable, type CsvTable } from "../../lib/csv";
import { ValidationError, type FieldIssue } from "../../validation/common";

/** Row-level issue of an import, as a spreadsheet user reads it: `row 4, quantity: ...`. */
export function rowIssue(row: number, field: string, message: string): FieldIssue {
  return { path: `row ${row}, ${field}`, message };
}

/** Parses an import file; an unreadable file or header is a ValidationError naming the line. */
export function readImportTable(text: string, columns: { required: string[]; optional?: string[] }): CsvTable {
  let table: CsvTable;
  try {
    table = parseCsvTable(text, columns);
  } catch (error) {
    if (error instanceof CsvError) {
      throw new ValidationError([{ path: `line ${error.line}`, message: error.message.replace(/^line \d+: /, "") }], "the CSV file cannot be read");
    }
    throw error;
  }
  if (table.records.length === 0) throw new ValidationError([{ path: "file", message: "has no rows under the header" }], "nothing imported");
  return table;
}

/** Throws when any row was bad: all or nothing, every bad row listed in row order. */
export function refuseIfBadRows(issues: FieldIssue[]): void {
  if (issues.length === 0) return;
  const rowOf = (i: FieldIssue) => Number(/^row (\d+)/.exec(i.path)?.[1] ?? 0);
  issues.sort((a, b) => rowOf(a) - rowOf(b));
  throw new ValidationError(issues, `nothing imported: ${new Set(issues.map(rowOf)).size} bad row(s)`);
}
