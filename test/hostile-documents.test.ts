// Hostile files: a DOCX bomb, too many zip entries, too much text, too many passages, a file over
// the size limit, a parser that runs out of memory or time. Each is refused with its reason in
// Vietnamese, nothing is saved, and the index being served keeps answering.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolatedParser } from '../src/engine/isolated-parser.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { DEFAULT_DOCUMENT_LIMITS } from '../src/engine/limits.js';
import { DocumentParseError } from '../src/engine/loaders/index.js';
import { createLogger } from '../src/logger.js';
import { parseReasons } from '../src/texts/ingest.js';
import { makeDocxBomb, makeDocxWithEntries } from './fixtures/make-bomb.js';
import { makeDocx } from './fixtures/make-docx.js';
import { makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { startWebServer, type TestServer } from './helpers/web-server.js';

const logger = createLogger({ level: 'silent' });
const MB = 1024 * 1024;
const ADMIN_TOKEN = 'Adm1n-hostile-docs-7f3c9b2e4d1a8c6f0e5b';

async function rejection(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DocumentParseError);
  return (err as Error).message;
}

describe('hostile documents through the knowledge base', () => {
  let env: TestEnv;
  let kb: KnowledgeBase;

  beforeAll(async () => {
    env = await makeTestEnv({
      DOC_MAX_UNZIPPED_MB: '4',
      DOC_MAX_ZIP_ENTRIES: '50',
      DOC_MAX_TEXT_CHARS: '60000',
      DOC_MAX_PASSAGES: '30',
      DOC_MAX_FILE_MB: '0.5',
    });
    kb = await KnowledgeBase.open(env.config.engine, logger);
  });
  afterAll(async () => {
    await kb?.close();
    await env?.cleanup();
  });

  const knowledgeFiles = async () => (await fs.readdir(env.knowledgeDir)).sort();

  it('refuses a DOCX bomb by what it really inflates to, and saves nothing', async () => {
    const before = await knowledgeFiles();
    const bomb = await makeDocxBomb(6 * MB);
    expect(bomb.length).toBeLessThan(100_000);
    expect(await rejection(kb.addDocument('bom.docx', bomb))).toBe(parseReasons.zipTooLarge(4 * MB));
    expect(await knowledgeFiles()).toEqual(before);
    expect((await kb.ask('Cầu Đội Kỳ đã xong chưa?')).status).toBe('answered');
  });

  it('refuses a zip of too many entries', async () => {
    expect(await rejection(kb.addDocument('nhieu.docx', await makeDocxWithEntries(60)))).toBe(parseReasons.zipTooManyEntries(50));
  });

  it('refuses a document with more text than one document may have', async () => {
    const text = 'Người dân giữ gìn vệ sinh chung nơi công cộng. '.repeat(1500);
    expect(await rejection(kb.addDocument('dai.docx', makeDocx([{ text }])))).toBe(parseReasons.textTooLong(60000));
  });

  it('refuses a document that would add more passages than allowed', async () => {
    const paragraphs = Array.from(
      { length: 40 },
      (_, i) => `Điều ${i + 1}. ${'Nội dung quy định chi tiết về nếp sống văn minh. '.repeat(20)}`,
    );
    expect(await rejection(kb.addDocument('nhieu-doan.md', Buffer.from(paragraphs.join('\n\n'))))).toBe(parseReasons.tooManyPassages(30));
  });

  it('refuses a file over the size limit, and ingest reports one found in the knowledge folder', async () => {
    const big = Buffer.from('Thông báo của thành phố về lịch tiếp công dân. '.repeat(12_000));
    expect(await rejection(kb.addDocument('lon.txt', big))).toBe(parseReasons.fileTooLarge(0.5 * MB));
    await fs.writeFile(path.join(env.knowledgeDir, 'lon.txt'), big);
    const summary = await kb.refresh();
    expect(summary.failed).toEqual([{ path: 'lon.txt', reason: parseReasons.fileTooLarge(0.5 * MB) }]);
    expect((await kb.ask('Cầu Đội Kỳ đã xong chưa?')).status).toBe('answered');
  });

  it('still accepts an ordinary document after all that', async () => {
    const doc = makeDocx([
      { text: 'Thông báo lịch tiếp công dân', heading: 1 },
      { text: 'Lãnh đạo thành phố tiếp công dân vào sáng thứ Năm hằng tuần tại trụ sở.' },
    ]);
    const summary = await kb.addDocument('tiep-cong-dan.docx', doc);
    expect(summary.savedAs).toBe('tiep-cong-dan.docx');
    expect((await kb.ask('Lãnh đạo tiếp công dân vào ngày nào?')).status).toBe('answered');
  });
});

describe('the parse worker', () => {
  it('stops a parser that needs more memory than it was given, and the next file parses', async () => {
    const limits = { ...DEFAULT_DOCUMENT_LIMITS, parseMemoryMb: 64, maxUnzippedBytes: 200 * MB, maxTextChars: 500_000_000 };
    const parser = new IsolatedParser(limits, { targetChars: 900, overlapChars: 150 }, logger);
    try {
      const bomb = await makeDocxBomb(40 * MB);
      expect(await rejection(parser.parse('bom.docx', bomb))).toBe(parseReasons.parseMemory(64));
      const ok = await parser.parse('ok.md', Buffer.from('# Tiêu đề\n\nMột đoạn văn bản bình thường.'));
      expect(ok.chunks.length).toBe(1);
    } finally {
      await parser.close();
    }
  });

  it('stops a parse that takes longer than allowed', async () => {
    // Starting the worker alone takes longer than 1 ms, so the limit is always reached.
    const parser = new IsolatedParser({ ...DEFAULT_DOCUMENT_LIMITS, parseTimeoutMs: 1 }, { targetChars: 900, overlapChars: 150 }, logger);
    try {
      expect(await rejection(parser.parse('a.md', Buffer.from('Một đoạn văn bản.')))).toBe(parseReasons.parseTimeout(1));
    } finally {
      await parser.close();
    }
  });
});

describe('hostile documents through the admin API', () => {
  let env: TestEnv;
  let server: TestServer;

  beforeAll(async () => {
    env = await makeTestEnv({ ADMIN_TOKEN, DOC_MAX_UNZIPPED_MB: '4' });
    server = await startWebServer(env, logger);
  });
  afterAll(async () => {
    await server?.close();
    await env?.cleanup();
  });

  it('answers 422 with the Vietnamese reason for a DOCX bomb', async () => {
    const res = await fetch(`${server.url}/api/admin/documents?name=bom.docx`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from(await makeDocxBomb(6 * MB)) as unknown as BodyInit,
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('document_rejected');
    expect(body.error.message).toContain(parseReasons.zipTooLarge(4 * MB));
  });
});
