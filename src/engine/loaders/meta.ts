// Document metadata: validated from front matter (Markdown, CSV comment lines, YAML tables) or,
// for documents that carry none (PDF, DOCX, HTML, plain text), guessed from the opening lines in
// the way Vietnamese administrative documents are laid out.
import path from 'node:path';
import YAML from 'yaml';
import { fold, normalizeText } from '../normalize.js';
import { DOC_KINDS, type DocKind, type DocumentMeta } from '../types.js';
import { DocumentParseError, reasons } from './errors.js';

export type MetaFields = Partial<Omit<DocumentMeta, 'id'>>;

/** Parses front matter YAML; `firstLine` is the file line the YAML starts on, for error messages. */
export function parseFrontMatter(yamlText: string, firstLine: number): MetaFields {
  const doc = YAML.parseDocument(yamlText);
  if (doc.errors.length) {
    const err = doc.errors[0];
    const line = err.linePos?.[0]?.line;
    throw new DocumentParseError(reasons.frontMatterYaml(line ? line + firstLine - 1 : undefined, shortYamlMessage(err.message)));
  }
  const data = yamlData(doc, (detail) => reasons.frontMatterYaml(undefined, detail));
  if (data == null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new DocumentParseError(reasons.frontMatterNotMap);
  return metaFromRecord(data as Record<string, unknown>);
}

/**
 * The document's data. toJS() throws on an alias to nothing ("*x") and on an alias bomb (the yaml
 * library stops "billion laughs" at its maxAliasCount): both are a broken file, said in words.
 */
export function yamlData(doc: YAML.Document, reason: (detail: string) => string): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    throw new DocumentParseError(reason(shortYamlMessage(err instanceof Error ? err.message : String(err))));
  }
}

export function shortYamlMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Validates the known keys of a front matter record; unknown keys (tags...) are ignored. */
export function metaFromRecord(data: Record<string, unknown>): MetaFields {
  const meta: MetaFields = {};
  const title = text(data, 'title');
  if (title) meta.title = title;
  const kind = text(data, 'kind');
  if (kind) {
    if (!(DOC_KINDS as readonly string[]).includes(kind)) throw new DocumentParseError(reasons.badKind(kind, DOC_KINDS));
    meta.kind = kind as DocKind;
  }
  const number = text(data, 'number');
  if (number) meta.number = number;
  const issued = date(data, 'issued') ?? date(data, 'issued_date') ?? date(data, 'date');
  if (issued) meta.issued = issued;
  const issuer = text(data, 'issuer');
  if (issuer) meta.issuer = issuer;
  const author = text(data, 'author');
  if (author) meta.author = author;
  const address = text(data, 'source_url') ?? text(data, 'url');
  if (address) {
    if (!isHttpUrl(address)) throw new DocumentParseError(reasons.badUrl(address));
    meta.sourceUrl = address;
  }
  // `source` is either the address or, when the address is unknown, where the text came from in
  // words ("Bài viết của tác giả ..., nguồn chưa rõ").
  const source = text(data, 'source');
  if (source && isHttpUrl(source)) meta.sourceUrl ??= source;
  else if (source) meta.source = source;
  const expires = date(data, 'expires');
  if (expires) meta.expires = expires;
  return meta;
}

function text(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  if (value == null || value === '') return undefined;
  if (typeof value === 'string') return normalizeText(value) || undefined;
  if (typeof value === 'number') return String(value);
  throw new DocumentParseError(reasons.badField(key));
}

function date(data: Record<string, unknown>, key: string): string | undefined {
  const value = data[key];
  if (value == null || value === '') return undefined;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  const raw = String(value).trim();
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(raw);
  const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(raw);
  const parts = iso ? [iso[1], iso[2], iso[3]] : vn ? [vn[3], vn[2], vn[1]] : undefined;
  const result = parts && isoDate(Number(parts[0]), Number(parts[1]), Number(parts[2]));
  if (!result) throw new DocumentParseError(reasons.badDate(key, raw));
  return result;
}

function isoDate(y: number, m: number, d: number): string | undefined {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return undefined;
  return dt.toISOString().slice(0, 10);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** "nghi-quyet_12-2024.pdf" → "nghi quyet 12 2024": the last resort for a title. */
export function titleFromFileName(relPath: string): string {
  const base = path.posix.basename(relPath).replace(/\.[^.]+$/, '');
  return base.replace(/[-_]+/g, ' ').trim() || base;
}

const BOILERPLATE = [
  /^cong hoa xa hoi chu nghia viet nam$/,
  /^doc lap\s*[-–—]\s*tu do\s*[-–—]\s*hanh phuc$/,
  /^dang cong san viet nam$/,
  /^so\s*:/,
  /ngay \d{1,2} thang \d{1,2} nam \d{4}$/,
  /^[-–—_*=\s]+$/,
];
const DOC_TYPE_LINE = /^(nghi quyet|quyet dinh|ke hoach|chuong trinh|thong bao|chi thi|cong van|bao cao|huong dan|to trinh)$/;

/**
 * Title, number and date of an administrative document from its opening lines: the national
 * motto, "Số: 12/NQ-HĐND" and "..., ngày 5 tháng 3 năm 2024" are skipped for the title, and a
 * bare "NGHỊ QUYẾT" line (below the issuing body's name) is joined with the subject line under it.
 */
export function guessMeta(lines: string[]): MetaFields {
  const head = lines
    .slice(0, 25)
    .map((l) => l.trim())
    .filter(Boolean);
  const meta: MetaFields = {};
  const number = head.map((l) => /^Số\s*:\s*(\S+)/i.exec(l)?.[1]).find(Boolean);
  if (number) meta.number = number.replace(/[.,;]$/, '');
  const dated = head.map((l) => /ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})/i.exec(l)).find(Boolean);
  if (dated) meta.issued = isoDate(Number(dated[3]), Number(dated[2]), Number(dated[1]));
  const candidates = head.filter((l) => !BOILERPLATE.some((re) => re.test(fold(l))));
  const typeLine = candidates.findIndex((l) => DOC_TYPE_LINE.test(fold(l)));
  const title =
    typeLine >= 0 && candidates[typeLine + 1] ? `${capitalize(candidates[typeLine])} ${candidates[typeLine + 1]}` : candidates[0];
  if (title) meta.title = title.length > 200 ? `${title.slice(0, 200).replace(/\s+\S*$/, '')}…` : title;
  return meta;
}

function capitalize(word: string): string {
  const lower = word.toLocaleLowerCase('vi');
  return lower.charAt(0).toLocaleUpperCase('vi') + lower.slice(1);
}

const KIND_PREFIXES: [RegExp, DocKind][] = [
  [/^nghi quyet\b/, 'resolution'],
  [/^chuong trinh\b/, 'programme'],
  [/^ke hoach\b/, 'plan'],
  [/^thong bao\b/, 'announcement'],
  [/^(hoi dap|hoi - dap|cau hoi thuong gap|faq)\b/, 'faq'],
];

/** The kind a title announces ("Nghị quyết ...", "Kế hoạch ..."); news otherwise. */
export function kindFromTitle(title: string): DocKind {
  const folded = fold(title);
  return KIND_PREFIXES.find(([re]) => re.test(folded))?.[1] ?? 'news';
}
