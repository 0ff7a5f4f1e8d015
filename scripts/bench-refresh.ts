// Questions during a refresh: the index of N passages is served, one document changes, and while
// KnowledgeBase.refresh() runs (the ingest in its worker thread, then the new index loaded here)
// questions keep coming every 20 ms. Reports their latency before and during the refresh, the longest
// the serving thread's event loop was held during it, and the machine's load (the figures are wall
// times, and the machine may be shared). Runs in its own process; the corpus is the retrieval
// benchmark's.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { percentile } from '../src/engine/stats.js';
import { createLogger } from '../src/logger.js';
import { writeSyntheticDocuments } from './bench-retrieval.js';

const SELF = fileURLToPath(import.meta.url);
const QUESTIONS = [
  'Nghị quyết tổng hợp số 5 quy định gì?',
  'quy định thứ 3 về đô thị',
  'xây dựng hạ tầng giao thông',
  'cải cách hành chính',
];

interface Latencies {
  count: number;
  p50: number;
  p95: number;
  max: number;
}

/**
 * CPU seconds the serving thread (the main thread) has used, from /proc (Linux; undefined
 * elsewhere): what the questions and the swap cost it, apart from the time it waited for a core.
 */
async function servingThreadCpuSeconds(): Promise<number | undefined> {
  try {
    const stat = await fs.readFile(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function summarize(ms: number[]): Latencies {
  const sorted = [...ms].sort((a, b) => a - b);
  return { count: ms.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 };
}

/** Asks questions one after another, 20 ms apart, until `until` settles; returns their latencies. */
async function askWhile(kb: KnowledgeBase, until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const ms: number[] = [];
  for (let i = 0; !done; i++) {
    const started = performance.now();
    await kb.ask(QUESTIONS[i % QUESTIONS.length]);
    ms.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 20));
  }
  return ms;
}

async function measure(count: number, root: string): Promise<void> {
  await writeSyntheticDocuments(count, path.join(root, 'knowledge'));
  const config = loadConfig({ ...process.env, DATA_DIR: 'data', KNOWLEDGE_DIR: 'knowledge', CHUNK_TARGET_CHARS: '2000' }, root).engine;
  const kb = await KnowledgeBase.open(config, createLogger({ level: 'silent' }));
  const chunks = kb.status().chunks;
  const quiet = await askWhile(kb, new Promise((r) => setTimeout(r, 3000)));
  await fs.appendFile(
    path.join(config.paths.knowledge, 'nhom-0', 'nghi-quyet-0.md'),
    '\nĐiều 99. Sửa đổi\n\nNghị quyết này được sửa đổi, bổ sung một điều khoản mới về đô thị.\n',
  );
  const loadBefore = os.loadavg()[0];
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpuBefore = await servingThreadCpuSeconds();
  const started = performance.now();
  const refresh = kb.refresh();
  const during = await askWhile(kb, refresh);
  const summary = await refresh;
  const refreshSeconds = (performance.now() - started) / 1000;
  loop.disable();
  const cpuAfter = await servingThreadCpuSeconds();
  const servingCpuMsPerQuestion =
    cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / during.length : undefined;
  if (!summary.swapped) throw new Error('bench refresh: nothing was swapped in');
  await kb.close();
  const load = [loadBefore, os.loadavg()[0]];
  const loopMaxMs = loop.max / 1e6;
  console.log(
    JSON.stringify({
      chunks,
      refreshSeconds,
      quiet: summarize(quiet),
      during: summarize(during),
      loopMaxMs,
      load,
      servingCpuMsPerQuestion,
    }),
  );
}

export async function runRefreshBench(sizes = [100_000]): Promise<void> {
  const run = promisify(execFile);
  console.log(`(${os.cpus().length} cores; load average = runnable processes on the machine, before and after the refresh)`);
  console.log(
    '| passages | refresh | questions asked during it | p50 | p95 | max | event loop held at most | serving thread CPU per question | p95 when quiet | load average |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const size of sizes) {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-bench-refresh-'));
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', SELF, 'measure', String(size), root], { maxBuffer: 1 << 20 });
      const r = JSON.parse(stdout.trim().split('\n').pop()!);
      const f = (x: number) => `${x.toFixed(1)} ms`;
      console.log(
        `| ${r.chunks.toLocaleString('en-US')} | ${r.refreshSeconds.toFixed(1)} s | ${r.during.count} | ${f(r.during.p50)} | ${f(r.during.p95)} | ${f(r.during.max)} | ${f(r.loopMaxMs)} | ${r.servingCpuMsPerQuestion === undefined ? '—' : f(r.servingCpuMsPerQuestion)} | ${f(r.quiet.p95)} | ${r.load.map((l: number) => l.toFixed(1)).join(' → ')} |`,
      );
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === 'measure')
  await measure(Number(process.argv[3]), process.argv[4]);
