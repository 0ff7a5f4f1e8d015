// Hostile documents: the service's memory while it refuses DOCX bombs through the admin upload path
// (KnowledgeBase.addDocument, which the HTTP API and the Telegram/Zalo admin uploads share). Runs
// in its own process with --expose-gc, so "before" and "after" are measured after a full collection.
// The bombs are built by streaming through zlib, never held inflated here.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { crc32, createDeflateRaw } from 'node:zlib';
import { loadConfig } from '../src/config.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { createLogger } from '../src/logger.js';

const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;

/** A stored-header zip of one deflated entry streamed from `repeat` copies of `unit`. */
async function zipEntry(
  name: string,
  head: Buffer,
  unit: Buffer,
  repeat: number,
  tail: Buffer,
): Promise<{ local: Buffer; central: Buffer }> {
  const deflate = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => deflate.on('end', r));
  let crc = 0;
  let size = 0;
  const write = async (b: Buffer) => {
    crc = crc32(b, crc);
    size += b.length;
    if (!deflate.write(b)) await new Promise((r) => deflate.once('drain', r));
  };
  await write(head);
  const block = Buffer.concat(Array.from({ length: 1024 }, () => unit));
  for (let i = 0; i < Math.floor(repeat / 1024); i++) await write(block);
  await write(tail);
  deflate.end();
  await done;
  const data = Buffer.concat(out);
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size >>> 0, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size >>> 0, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  return { local: Buffer.concat([local, nameBuf, data]), central: Buffer.concat([central, nameBuf]) };
}

/** A DOCX whose document.xml inflates to about `textBytes` bytes of paragraphs. */
async function docxBomb(textBytes: number): Promise<Buffer> {
  const ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const parts: [string, string][] = [
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ],
  ];
  const unit = Buffer.from('<w:p><w:r><w:t>Người dân giữ gìn vệ sinh chung nơi công cộng, không lấn chiếm vỉa hè.</w:t></w:r></w:p>');
  const entries = [
    ...(await Promise.all(parts.map(([n, c]) => zipEntry(n, Buffer.from(c), Buffer.alloc(0), 0, Buffer.alloc(0))))),
    await zipEntry(
      'word/document.xml',
      Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><w:document ${ns}><w:body>`),
      unit,
      Math.floor(textBytes / unit.length),
      Buffer.from('</w:body></w:document>'),
    ),
  ];
  let offset = 0;
  const centrals: Buffer[] = [];
  for (const e of entries) {
    e.central.writeUInt32LE(offset, 42);
    centrals.push(e.central);
    offset += e.local.length;
  }
  const centralBuf = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBuf.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...entries.map((e) => e.local), centralBuf, end]);
}

const rssMb = () => Math.round(process.memoryUsage().rss / MB);

async function settle(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
  return rssMb();
}

/** In the child: open the shipped knowledge, then upload each bomb, sampling RSS all along. */
async function measure(): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-bench-hostile-'));
  try {
    await fs.cp(path.resolve(path.dirname(SELF), '../knowledge'), path.join(dir, 'knowledge'), { recursive: true });
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(dir, 'data'), KNOWLEDGE_DIR: path.join(dir, 'knowledge') }, dir);
    const kb = await KnowledgeBase.open(config.engine, createLogger({ level: 'silent' }));
    const rows = [];
    for (const textMb of [9, 50, 1024]) {
      const bomb = await docxBomb(textMb * MB);
      const before = await settle();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
      const started = performance.now();
      const reason = await kb.addDocument('bom.docx', bomb).then(
        () => 'ACCEPTED',
        (e: Error) => e.message,
      );
      const ms = Math.round(performance.now() - started);
      clearInterval(sampler);
      await kb.close().catch(() => undefined);
      const after = await settle();
      rows.push({ fileKb: Math.round(bomb.length / 1024), textMb, before, peak, after, ms, reason });
      // The knowledge base is reopened for the next bomb (close() also stopped its parse worker).
      Object.assign(kb, await KnowledgeBase.open(config.engine, createLogger({ level: 'silent' })));
    }
    console.log(JSON.stringify(rows));
    await kb.close();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export async function runHostileBench(): Promise<void> {
  const run = promisify(execFile);
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, 'measure'], { maxBuffer: 1 << 20 });
  const rows = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, string | number>[];
  console.log('| DOCX | inflates to | RSS before | peak | after | refused in | reason |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.fileKb} KB | ${r.textMb} MB | ${r.before} MB | ${r.peak} MB | ${r.after} MB | ${r.ms} ms | ${r.reason} |`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'measure') await measure();
