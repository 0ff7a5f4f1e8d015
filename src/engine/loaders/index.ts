// One entry point for every supported format: picks the loader by extension, normalizes the
// text (Vietnamese NFC and tone placement, spaces, hyphenation) and completes the metadata.
import path from 'node:path';
import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from '../limits.js';
import { normalizeText } from '../normalize.js';
import type { DocumentMeta, ParsedDocument } from '../types.js';
import { loadDocx } from './docx.js';
import { DocumentParseError, reasons } from './errors.js';
import { loadHtml } from './html.js';
import type { LoadedDocument } from './loaded.js';
import { loadMarkdown } from './markdown.js';
import { guessMeta, kindFromTitle, titleFromFileName } from './meta.js';
import { loadPdf } from './pdf.js';
import { loadCsv, loadYamlTable } from './table.js';
import { loadText } from './text.js';
import { checkZip } from './zip-guard.js';

export { DocumentParseError } from './errors.js';

type Loader = (bytes: Uint8Array) => LoadedDocument | Promise<LoadedDocument>;

const LOADERS: Record<string, Loader> = {
  '.md': loadMarkdown,
  '.markdown': loadMarkdown,
  '.txt': loadText,
  '.pdf': loadPdf,
  '.docx': loadDocx,
  '.html': loadHtml,
  '.htm': loadHtml,
  '.csv': loadCsv,
  '.yaml': loadYamlTable,
  '.yml': loadYamlTable,
};

export const SUPPORTED_EXTENSIONS: readonly string[] = Object.keys(LOADERS);

/** "nghi-quyet/so-12.pdf" → "nghi-quyet/so-12": stable across runs and independent of the OS. */
export function documentId(relPath: string): string {
  return relPath
    .split(path.sep)
    .join('/')
    .replace(/\.[^./]+$/, '');
}

/** Formats stored as zip containers: checked for bombs before their loader inflates them. */
const ZIPPED = new Set(['.docx']);

/**
 * Parses one file (relative path used for id and reporting) within `limits` (size, zip, text).
 * Throws DocumentParseError. Untrusted files are parsed in the parse worker (isolated-parser.ts),
 * which adds the time and memory limits a loop inside a library can only be stopped by.
 */
export async function parseDocumentFile(
  relPath: string,
  bytes: Uint8Array,
  limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS,
): Promise<ParsedDocument> {
  const ext = path.extname(relPath).toLowerCase();
  const loader = LOADERS[ext];
  if (!loader) throw new DocumentParseError(reasons.unsupported(ext));
  if (!bytes.length) throw new DocumentParseError(reasons.empty);
  if (bytes.length > limits.maxFileBytes) throw new DocumentParseError(reasons.fileTooLarge(limits.maxFileBytes));
  if (ZIPPED.has(ext)) await checkZip(bytes, limits);
  const loaded = await loader(bytes);
  let chars = 0;
  for (const b of loaded.blocks) {
    chars += b.text.length;
    if (chars > limits.maxTextChars) throw new DocumentParseError(reasons.textTooLong(limits.maxTextChars));
  }
  const blocks = loaded.blocks.map((b) => ({ ...b, text: normalizeText(b.text) })).filter((b) => b.text);
  if (!blocks.length) throw new DocumentParseError(reasons.noText);

  const posixPath = relPath.split(path.sep).join('/');
  const explicit = loaded.meta;
  // Without front matter, title, number and date come from the opening lines (tables: file name).
  const prose = blocks.filter((b) => !b.record);
  const guessed = explicit.title || !prose.length ? {} : guessMeta(prose.slice(0, 10).flatMap((b) => b.text.split('\n')));
  // A title of invisible characters only (a zero-width space) is no title: the file name is used.
  const title = normalizeText(explicit.title ?? guessed.title ?? '') || normalizeText(titleFromFileName(posixPath));
  const meta: DocumentMeta = {
    id: documentId(posixPath),
    title,
    kind: explicit.kind ?? kindFromTitle(title),
    number: explicit.number ?? guessed.number,
    issued: explicit.issued ?? guessed.issued,
    issuer: explicit.issuer,
    author: explicit.author,
    sourceUrl: explicit.sourceUrl,
    source: explicit.source,
    expires: explicit.expires,
  };
  for (const key of Object.keys(meta) as (keyof DocumentMeta)[]) if (meta[key] === undefined) delete meta[key];
  return { meta, path: posixPath, blocks };
}
