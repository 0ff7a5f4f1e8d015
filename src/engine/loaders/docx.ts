// DOCX through mammoth's HTML conversion, so Word headings stay headings and tables stay rows.
import mammoth from 'mammoth';
import { parse } from 'node-html-parser';
import { DocumentParseError, reasons } from './errors.js';
import { htmlBlocks } from './html.js';
import type { LoadedDocument } from './loaded.js';

export async function loadDocx(bytes: Uint8Array): Promise<LoadedDocument> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { ignoreEmptyParagraphs: true })).value;
  } catch {
    throw new DocumentParseError(reasons.docxBroken);
  }
  const blocks = htmlBlocks(parse(html));
  const title = blocks.find((b) => b.heading === 1)?.text;
  return { meta: title ? { title } : {}, blocks };
}
