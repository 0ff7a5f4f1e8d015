// RFC 4180 CSV with a BOM (so spreadsheet programs read Vietnamese as UTF-8). Cells that a
// spreadsheet would run as a formula (=, +, -, @ first) get a leading apostrophe: residents' text
// ends up in these files.
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: unknown): string {
  let s = value === undefined || value === null ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(rows: readonly (readonly unknown[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
