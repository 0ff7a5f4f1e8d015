// DOCX through mammoth's HTML conversion, so Word headings stay headings and tables stay rows.
import mammoth from 'mammoth';
import { parse } from 'node-html-parser';
import { DocumentParseError, reasons } from './errors.js';
import { htmlBlocks } from './html.js';
import type { LoadedDocument } from './loaded.js';

export async function loadDocx(bytes: Uint8Array): Promise<LoadedDocument> {
  let html: string;
  try {
    // Images are left out: by default mammoth inlines each one as base64 text, which only costs memory.
    const convertImage = mammoth.images.imgElement(async () => ({ src: '' }));
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes) }, { ignoreEmptyParagraphs: true, convertImage })).value;
  } catch {
    throw new DocumentParseError(reasons.docxBroken);
  }
  const blocks = htmlBlocks(parse(html));
  const title = blocks.find((b) => b.heading === 1)?.text;
  return { meta: title ? { title } : {}, blocks };
}
