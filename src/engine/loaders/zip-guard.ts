// Checks a zip container (DOCX) before the loader inflates it: how many entries, and how many
// bytes they really inflate to. The sizes written in the zip's directory are not trusted (a bomb
// can lie about them): every entry is inflated as a stream and counted, and the count stops at the
// limit, so a bomb costs at most `maxUnzippedBytes` of work and one chunk of memory at a time.
// Pictures (word/media/) are not counted: the DOCX loader never inflates them (it leaves images
// out), and the file size limit bounds them already. JSZip is the zip reader mammoth itself uses.
import JSZip from 'jszip';
import type { DocumentLimits } from '../limits.js';
import { DocumentParseError, reasons } from './errors.js';

const NOT_READ = /^word\/media\//;

export async function checkZip(bytes: Uint8Array, limits: Pick<DocumentLimits, 'maxUnzippedBytes' | 'maxZipEntries'>): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    throw new DocumentParseError(reasons.docxBroken);
  }
  const entries = Object.values(zip.files).filter((f) => !f.dir);
  if (entries.length > limits.maxZipEntries) throw new DocumentParseError(reasons.zipTooManyEntries(limits.maxZipEntries));
  let total = 0;
  for (const entry of entries) {
    if (NOT_READ.test(entry.name)) continue;
    const over = await new Promise<boolean>((resolve, reject) => {
      const stream = entry.nodeStream('nodebuffer');
      stream
        .on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > limits.maxUnzippedBytes) {
            stream.pause();
            resolve(true);
          }
        })
        .on('error', reject)
        .on('end', () => resolve(false));
    }).catch(() => {
      throw new DocumentParseError(reasons.docxBroken);
    });
    if (over) throw new DocumentParseError(reasons.zipTooLarge(limits.maxUnzippedBytes));
  }
}
