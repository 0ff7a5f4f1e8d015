// PDF through unpdf (pdf.js), page by page so chunks keep their page number. Running headers,
// footers and page numbers ("Trang 3", "- 3 -", "3/10") are removed before chunking: they would
// otherwise land in the middle of sentences and in every chunk.
import { extractText, getDocumentProxy } from 'unpdf';
import { fold, normalizeText } from '../normalize.js';
import type { TextBlock } from '../types.js';
import { DocumentParseError, reasons } from './errors.js';
import type { LoadedDocument } from './loaded.js';

const EDGE_LINES = 3;
const PAGE_NUMBER = [
  /^(trang\s*)?\d{1,4}(\s*(\/|trên|of)\s*\d{1,4})?$/,
  /^[-–—]\s*\d{1,4}\s*[-–—]$/,
  /^page\s*\d{1,4}(\s*(\/|of)\s*\d{1,4})?$/,
];

export async function loadPdf(bytes: Uint8Array): Promise<LoadedDocument> {
  let pages: string[];
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given, so it gets a copy.
    const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    pages = (await extractText(pdf, { mergePages: false })).text;
    await pdf.destroy();
  } catch (err) {
    throw new DocumentParseError((err as Error)?.name === 'PasswordException' ? reasons.pdfPassword : reasons.pdfBroken);
  }
  const cleaned = removePageNoise(pages.map((p) => normalizeText(p).split('\n')));
  const blocks: TextBlock[] = cleaned.map((lines, i) => ({ text: lines.join('\n').trim(), page: i + 1 })).filter((b) => b.text);
  if (!blocks.length) throw new DocumentParseError(reasons.pdfNoText);
  return { meta: {}, blocks };
}

/** Drops page numbers at page edges and edge lines repeated on most pages (digits ignored). */
export function removePageNoise(pages: string[][]): string[][] {
  const key = (line: string) => fold(line).replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  const counts = new Map<string, number>();
  for (const lines of pages) {
    const edge = new Set([...lines.slice(0, EDGE_LINES), ...lines.slice(-EDGE_LINES)].map(key).filter(Boolean));
    for (const k of edge) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const minRepeats = Math.max(2, Math.ceil(pages.length * 0.6));
  const repeated = pages.length >= 2 ? new Set([...counts].filter(([, n]) => n >= minRepeats).map(([k]) => k)) : new Set<string>();
  return pages.map((lines) =>
    lines.filter((line, i) => {
      const atEdge = i < EDGE_LINES || i >= lines.length - EDGE_LINES;
      if (!atEdge) return true;
      const folded = fold(line).trim();
      return !PAGE_NUMBER.some((re) => re.test(folded)) && !repeated.has(key(line));
    }),
  );
}
