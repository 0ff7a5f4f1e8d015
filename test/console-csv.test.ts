// The console's CSV exports: whatever residents wrote comes back cell for cell when the file is
// read as CSV, and no cell starts like a formula a spreadsheet would run.
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../src/server/console/csv.js';

const read = (csv: string): string[][] => parse(csv.replace(/^\uFEFF/, ''), { relax_column_count: true });
const looksLikeFormula = (cell: string) => /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell) || /^[\t\r\n]/.test(cell);

describe('CSV export', () => {
  it('defuses formulas, also after spaces and in full-width forms', () => {
    const cells = ['=1+1', '+84 912', '-2', '@SUM(A1)', '  =cmd|"/c calc"!A0', '\t=1', '＝1+1', 'Đường Trường Chinh, số 12', '12 = 12'];
    const [row] = read(toCsv([cells]));
    expect(row).toEqual([
      "'=1+1",
      "'+84 912",
      "'-2",
      "'@SUM(A1)",
      `'  =cmd|"/c calc"!A0`,
      "'\t=1",
      "'＝1+1",
      'Đường Trường Chinh, số 12',
      '12 = 12',
    ]);
  });

  it('keeps every text, quotes and line breaks included, and never leaves a formula', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ unit: 'grapheme' }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const back = read(toCsv(rows));
          expect(back).toHaveLength(rows.length);
          back.forEach((row, i) =>
            row.forEach((cell, j) => {
              expect(looksLikeFormula(cell)).toBe(false);
              expect(cell).toBe(looksLikeFormula(rows[i][j]) ? `'${rows[i][j]}` : rows[i][j]);
            }),
          );
        },
      ),
    );
  });
});
