// Turns an index written now into one of format 1, as indexes written before the vocabulary's
// table was stored are: lexical.bin with the "LEX1" header and the postings only, meta.json
// saying formatVersion 1. Written from the byte layout, independently of index-store.ts.
import fs from 'node:fs/promises';
import path from 'node:path';

export async function downgradeToFormat1(dir: string): Promise<void> {
  const file = path.join(dir, 'lexical.bin');
  const v2 = await fs.readFile(file);
  const header = new Uint32Array(v2.buffer.slice(v2.byteOffset, v2.byteOffset + 20));
  const [, docCount, terms, postings] = header;
  const body = (terms + 1) * 4 + postings * 4 + postings + ((4 - (postings % 4)) % 4) + docCount * 4;
  const v1Header = Buffer.from(new Uint32Array([0x4c455831, docCount, terms, postings]).buffer);
  await fs.writeFile(file, Buffer.concat([v1Header, v2.subarray(20, 20 + body)]));
  const meta = JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8'));
  await fs.writeFile(path.join(dir, 'meta.json'), JSON.stringify({ ...meta, formatVersion: 1 }));
}
