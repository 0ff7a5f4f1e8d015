// CSV and YAML tables (e.g. a project-status list): every row becomes its own record block,
// rendered "Cột: giá trị; Cột: giá trị" so that a row is retrieved and cited on its own.
//
// Metadata: a CSV file may open with comment lines "# title: ...", "# kind: ...", "# source_url: ..."
// (read as front matter; other "#" lines at the top are notes); a YAML table is either a list of rows or a map with `rows:` beside
// the same front matter keys (title, kind, ...). Without a title the file name is used.
import { CsvError, parse as parseCsv } from 'csv-parse/sync';
import YAML from 'yaml';
import type { TextBlock } from '../types.js';
import { DocumentParseError, reasons } from './errors.js';
import type { LoadedDocument } from './loaded.js';
import { metaFromRecord, parseFrontMatter, shortYamlMessage, yamlData } from './meta.js';
import { decodeText } from './text.js';

/** "Tên công trình: Cầu Đội Kỳ; Tình trạng: đã hoàn thiện" — empty cells are left out. */
export function renderRecord(pairs: [string, string][]): string {
  return pairs
    .map(([k, v]) => [k.trim(), v.trim()])
    .filter(([, v]) => v)
    .map(([k, v]) => (k ? `${k}: ${v}` : v))
    .join('; ');
}

export function loadCsv(bytes: Uint8Array): LoadedDocument {
  const lines = decodeText(bytes)
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  let skip = 0;
  while (skip < lines.length && (/^\s*#/.test(lines[skip]) || !lines[skip].trim())) skip++;
  // Only "# key: value" comment lines are metadata; other comment lines are notes for people
  // (blanked, not removed, so YAML error line numbers still match the file).
  const comments = lines
    .slice(0, skip)
    .map((l) => l.replace(/^\s*#\s?/, ''))
    .map((l) => (/^[A-Za-z_]+\s*:/.test(l) ? l : ''));
  const meta = parseFrontMatter(comments.join('\n'), 1);
  const body = lines.slice(skip).join('\n');
  let rows: string[][];
  try {
    rows = parseCsv(body, {
      delimiter: guessDelimiter(lines[skip] ?? ''),
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) {
      const line = typeof err.lines === 'number' ? err.lines + skip : undefined;
      throw new DocumentParseError(reasons.csvError(line, reasons.csvProblems[err.code] ?? err.message));
    }
    throw err;
  }
  const [header, ...data] = rows;
  if (!header || !data.length) throw new DocumentParseError(reasons.tableNoRows);
  return { meta, blocks: data.map((row) => record(header.map((h, i) => [h, row[i] ?? '']))) };
}

// Vietnamese spreadsheets are often exported with ";" (comma is the decimal separator).
function guessDelimiter(headerLine: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, headerLine.split(d).length] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

export function loadYamlTable(bytes: Uint8Array): LoadedDocument {
  const doc = YAML.parseDocument(decodeText(bytes));
  if (doc.errors.length) {
    const err = doc.errors[0];
    throw new DocumentParseError(reasons.yamlError(err.linePos?.[0]?.line, shortYamlMessage(err.message)));
  }
  const data = yamlData(doc, (detail) => reasons.yamlError(undefined, detail));
  const isMap = data != null && typeof data === 'object' && !Array.isArray(data);
  const rows = Array.isArray(data) ? data : isMap ? (data as Record<string, unknown>).rows : undefined;
  if (!Array.isArray(rows)) throw new DocumentParseError(reasons.yamlNoRows);
  if (!rows.length) throw new DocumentParseError(reasons.tableNoRows);
  const meta = isMap ? metaFromRecord(data as Record<string, unknown>) : {};
  const blocks = rows.map((row, i) => {
    if (row == null || typeof row !== 'object' || Array.isArray(row)) throw new DocumentParseError(reasons.tableRowNotMap(i + 1));
    return record(Object.entries(row as Record<string, unknown>).map(([k, v]) => [k, cellText(v)]));
  });
  return { meta, blocks };
}

function cellText(value: unknown): string {
  if (value == null) return '';
  if (Array.isArray(value)) return value.map(cellText).filter(Boolean).join(', ');
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function record(pairs: [string, string][]): TextBlock {
  return { text: renderRecord(pairs), record: true };
}
