// Plain text: one paragraph per blank-line-separated block. The title is guessed from the opening
// lines (the first line, unless it is the national motto or an issuing body above "NGHỊ QUYẾT").
import { DocumentParseError, reasons } from './errors.js';
import type { LoadedDocument } from './loaded.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
// Older Vietnamese documents are often saved in the Windows code page rather than UTF-8.
const cp1258 = new TextDecoder('windows-1258');

export function decodeText(bytes: Uint8Array): string {
  if (bytes.includes(0)) throw new DocumentParseError(reasons.binary);
  try {
    return utf8.decode(bytes);
  } catch {
    return cp1258.decode(bytes);
  }
}

/** Blank-line separated paragraphs, line breaks inside a paragraph kept. */
export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

export function loadText(bytes: Uint8Array): LoadedDocument {
  return { meta: {}, blocks: paragraphs(decodeText(bytes)).map((p) => ({ text: p })) };
}
