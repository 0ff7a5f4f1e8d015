// RFC 4180 CSV with a BOM (so spreadsheet programs read Vietnamese as UTF-8). Cells that a
// spreadsheet would run as a formula get a leading apostrophe: residents' text ends up in these
// files. That is a cell starting with = + - @ (or their full-width forms, which East Asian input
// methods type and some spreadsheets read as the same), also after leading spaces, or with a
// tab or line break.
const FORMULA_START = /^(?:[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|[\t\r\n])/;

function cell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
