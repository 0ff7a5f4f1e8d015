// Ingest across processes: the lock that keeps two ingests of one data folder apart, and a real
// crash (SIGKILL) between build and swap, after which the old index still answers.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EngineConfig, loadConfig } from '../src/config.js';
import { EmbeddingCache } from '../src/engine/embedding-cache.js';
import { LocalEmbeddings } from '../src/engine/embeddings/local.js';
import { readIndexFiles } from '../src/engine/index-store.js';
import { ingest } from '../src/engine/ingest.js';
import { IngestLockedError, LOCK_FILE } from '../src/engine/ingest-lock.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import type { IngestSummary } from '../src/engine/types.js';
import type { IngestChildOptions } from './helpers/ingest-child.js';
import { captureLogs, REPO_ROOT } from './helpers/test-env.js';

const CHILD = path.join(REPO_ROOT, 'test/helpers/ingest-child.ts');
const DIMENSIONS = 64;

let root: string;
let config: EngineConfig;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-ingest-proc-'));
  await fs.mkdir(path.join(root, 'knowledge'));
  config = loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: path.join(root, 'data'),
      KNOWLEDGE_DIR: path.join(root, 'knowledge'),
      PROMPTS_DIR: path.join(REPO_ROOT, 'prompts'),
      EMBEDDING_DIMENSIONS: String(DIMENSIONS),
    },
    root,
  ).engine;
});

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await fs.rm(root, { recursive: true, force: true });
});

const MARKET = (day: string) =>
  `---\ntitle: Thông báo về chợ phiên\nkind: announcement\n---\n\nChợ phiên nông sản họp tại quảng trường thành phố vào sáng ${day} hằng tuần.\n`;

async function writeDocs(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const body = Array.from(
      { length: 6 },
      (_, j) =>
        `Điều ${j + 1}. Phường số ${i} triển khai nhiệm vụ ${j} về đô thị văn minh, giao thông và cải cách hành chính năm ${2020 + j}.`,
    ).join('\n\n');
    await fs.writeFile(
      path.join(root, 'knowledge', `nghi-quyet-${i}.md`),
      `---\ntitle: Nghị quyết số ${i}\nkind: resolution\n---\n\n${body}\n`,
    );
  }
}

const runHere = (extra: Partial<Parameters<typeof ingest>[0]> = {}) =>
  ingest({
    sourceDir: config.paths.knowledge,
    indexDir: config.paths.index,
    config,
    embeddings: new LocalEmbeddings(DIMENSIONS),
    ...extra,
  });

function startChild(options: Omit<IngestChildOptions, 'root' | 'dimensions'> = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify({ root, dimensions: DIMENSIONS, ...options })], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  children.push(child);
  return child;
}

/** The child's stdout lines, and how it ended. */
function outcome(child: ChildProcessWithoutNullStreams) {
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    lines,
    ended,
    stderr: () => stderr,
    /** Resolves when the child prints `line`. */
    printed: (line: string) =>
      new Promise<void>((resolve, reject) => {
        const check = setInterval(() => {
          if (lines.includes(line)) resolve(clearInterval(check));
          else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`child ended: ${stderr}`));
        }, 20);
      }),
    summary: () => JSON.parse(lines[lines.length - 1]) as IngestSummary,
  };
}

/** Records in the embedding cache file, and distinct keys among them. */
async function cacheRecords(): Promise<{ records: number; distinct: number }> {
  const cacheRoot = path.join(config.paths.data, 'embedding-cache');
  const [dir] = await fs.readdir(cacheRoot);
  const { size } = await fs.stat(path.join(cacheRoot, dir, 'vectors.bin'));
  const cache = await EmbeddingCache.open(config.paths.data, { id: 'local:v2', dimensions: DIMENSIONS });
  return { records: size / (32 + DIMENSIONS * 4), distinct: cache.size };
}

async function expectConsistentIndex(documents: number): Promise<void> {
  const index = await readIndexFiles(config.paths.index);
  expect(index?.meta.documents).toHaveLength(documents);
  expect(index?.meta.chunkCount).toBe(index?.chunks.length);
  expect(new Set(index?.chunks.map((c) => c.id)).size).toBe(index?.chunks.length);
}

describe('the ingest lock', () => {
  it('makes a second ingest wait for the process holding it, then find nothing to do', async () => {
    await writeDocs(5);
    const child = startChild({ beforeSwap: 'hold' });
    const out = outcome(child);
    await out.printed('built');

    // The child holds the lock: an ingest that will not wait is refused, naming it.
    const refused = await runHere({ lockTimeoutMs: 0 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IngestLockedError);
    expect((refused as Error).message).toContain(`pid ${child.pid}`);
    expect((refused as Error).message).toContain('ingest-child.ts');

    let finished = false;
    const waiting = runHere().finally(() => (finished = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(finished).toBe(false);

    child.stdin.write('go\n');
    expect(await out.ended).toEqual({ code: 0, signal: null });
    expect(out.summary()).toMatchObject({ added: 5, swapped: true });
    expect(await waiting).toMatchObject({ added: 0, unchanged: 5, embedded: 0, swapped: false });

    await expectConsistentIndex(5);
    const cache = await cacheRecords();
    expect(cache.records).toBe(cache.distinct);
    await expect(fs.access(path.join(config.paths.data, LOCK_FILE))).rejects.toThrow();
  });

  it('lets two processes started together ingest one after the other: one index, no cache record twice', async () => {
    await writeDocs(40);
    const outs = [startChild(), startChild()].map(outcome);
    const ended = await Promise.all(outs.map((o) => o.ended));
    expect(ended, outs.map((o) => o.stderr()).join('\n')).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    const summaries = outs.map((o) => o.summary()).sort((a, b) => b.added - a.added);
    expect(summaries[0]).toMatchObject({ added: 40, swapped: true });
    expect(summaries[1]).toMatchObject({ added: 0, unchanged: 40, embedded: 0, swapped: false });
    await expectConsistentIndex(40);
    const cache = await cacheRecords();
    expect(cache.records).toBe(cache.distinct);
    expect(cache.distinct).toBe((await readIndexFiles(config.paths.index))?.meta.chunkCount);
  });

  it('takes over the lock of a process that is gone', async () => {
    await writeDocs(1);
    await fs.mkdir(config.paths.data, { recursive: true });
    await fs.writeFile(
      path.join(config.paths.data, LOCK_FILE),
      JSON.stringify({ pid: 999_999_999, startedAt: new Date().toISOString(), command: 'ingest.ts' }),
    );
    const logs = captureLogs();
    expect(await runHere({ logger: logs.logger, lockTimeoutMs: 0 })).toMatchObject({ added: 1, swapped: true });
    expect(logs.text()).toContain('took over the lock');
    await expect(fs.access(path.join(config.paths.data, LOCK_FILE))).rejects.toThrow();
  });

  it('runs the ingests of one process one after the other', async () => {
    await writeDocs(3);
    const results = await Promise.all([runHere(), runHere()]);
    expect(results.map((r) => r.swapped).sort()).toEqual([false, true]);
    const cache = await cacheRecords();
    expect(cache.records).toBe(cache.distinct);
  });
});

describe('a crash between build and swap', () => {
  it('leaves the old index answering; the next ingest cleans up and swaps in the new content', async () => {
    const file = path.join(root, 'knowledge', 'cho-phien.md');
    await fs.writeFile(file, MARKET('thứ Bảy'));
    await writeDocs(2);
    expect(await runHere()).toMatchObject({ added: 3, swapped: true });

    await fs.writeFile(file, MARKET('Chủ nhật'));
    const crashed = spawnSync(
      process.execPath,
      ['--import', 'tsx', CHILD, JSON.stringify({ root, dimensions: DIMENSIONS, beforeSwap: 'kill' })],
      {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      },
    );
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');
    const leftovers = (await fs.readdir(config.paths.data)).filter((n) => n.startsWith(`index.v-${crashed.pid}-`));
    expect(leftovers).toHaveLength(1);

    // Another process opens the index: the old content answers.
    const kb = await KnowledgeBase.open(config, captureLogs().logger, { buildIfMissing: false });
    try {
      const before = await kb.ask('Chợ phiên nông sản họp vào hôm nào?');
      expect(before.status, before.text).toBe('answered');
      expect(before.text).toContain('thứ Bảy');
      expect(before.text).not.toContain('Chủ nhật');

      // The next ingest takes over the dead process's lock, removes its build and swaps.
      expect(await runHere({ lockTimeoutMs: 0 })).toMatchObject({ changed: 1, unchanged: 2, swapped: true });
      expect(await fs.readdir(config.paths.data)).not.toContain(leftovers[0]);
      expect(await kb.reloadIfChanged()).toBe(true);
      const after = await kb.ask('Chợ phiên nông sản họp vào hôm nào?');
      expect(after.text).toContain('Chủ nhật');
    } finally {
      await kb.close();
    }
  });
});
