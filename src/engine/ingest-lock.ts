// One ingest at a time per data folder, across processes: the ingest CLI, the service and a
// second `--only` process all write the same index and the same embedding cache, and two at once
// wrote every cache record twice. The lock is a file created exclusively ("wx") holding the
// owner's pid, start time and command. It is stale, and taken over, when that process is gone,
// when it was written before the machine last booted (pids are reused), or when it names this
// very process without this process holding it (a restarted container reuses its pid).
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { processExists } from '../process-exists.js';
import { engineTexts } from '../texts/engine.js';

export const LOCK_FILE = 'ingest.lock';

export interface LockOwner {
  pid: number;
  startedAt: string;
  command: string;
}

export class IngestLockedError extends Error {
  constructor(
    readonly owner: LockOwner,
    readonly lockFile: string,
    waitedMs: number,
  ) {
    super(engineTexts.ingestLocked(owner, Math.round(waitedMs / 1000), lockFile));
    this.name = 'IngestLockedError';
  }
}

export interface LockOptions {
  /** How long to wait for another process's ingest before giving up with IngestLockedError. */
  timeoutMs: number;
  pollMs?: number;
  logger?: Logger;
}

/** A lock file of unreadable content younger than this may be one being written right now. */
const UNREADABLE_GRACE_MS = 5000;

/** Lock files this process holds now (several ingests of one process wait for each other too). */
const heldHere = new Set<string>();

/** Runs `task` while holding `<dataDir>/ingest.lock`; waits for another holder up to `timeoutMs`. */
export async function withIngestLock<T>(dataDir: string, task: () => Promise<T>, options: LockOptions): Promise<T> {
  const file = path.join(dataDir, LOCK_FILE);
  const mine = await acquire(file, options);
  try {
    return await task();
  } finally {
    await release(file, mine);
  }
}

async function acquire(file: string, { timeoutMs, pollMs = 200, logger }: LockOptions): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const started = Date.now();
  let waitingLogged = false;
  for (;;) {
    const content = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), command: commandLine() } satisfies LockOwner);
    try {
      await fs.writeFile(file, content, { flag: 'wx' });
      heldHere.add(file);
      return content;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const found = await readLock(file);
    if (!found) continue; // released between our attempt and the read
    if (await isStale(file, found)) {
      await takeOver(file, found.raw, logger);
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= timeoutMs) throw new IngestLockedError(found.owner, file, waited);
    if (!waitingLogged) {
      logger?.warn({ owner: found.owner, lockFile: file }, 'ingest: another ingest is running; waiting for it');
      waitingLogged = true;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, timeoutMs - waited)));
  }
}

/** Deletes the lock only if it is still ours (a lock wrongly judged stale may have been taken). */
async function release(file: string, mine: string): Promise<void> {
  heldHere.delete(file);
  const found = await readLock(file);
  if (found?.raw === mine) await fs.rm(file, { force: true });
}

async function readLock(file: string): Promise<{ raw: string; owner: LockOwner } | undefined> {
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockOwner>;
    return { raw, owner: { pid: Number(parsed.pid), startedAt: String(parsed.startedAt ?? ''), command: String(parsed.command ?? '') } };
  } catch {
    return { raw, owner: { pid: NaN, startedAt: '', command: '' } };
  }
}

async function isStale(file: string, { owner }: { owner: LockOwner }): Promise<boolean> {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) {
    // Written by a process that died between creating the file and filling it, or one that is
    // filling it right now: only the first is stale.
    const stat = await fs.stat(file).catch(() => undefined);
    return !stat || Date.now() - stat.mtimeMs > UNREADABLE_GRACE_MS;
  }
  if (owner.pid === process.pid) return !heldHere.has(file);
  const bootedAt = Date.now() - os.uptime() * 1000;
  if (Date.parse(owner.startedAt) < bootedAt) return true;
  return !processExists(owner.pid);
}

/**
 * Moves the stale lock aside (a rename: of several processes breaking it at once, one wins) and
 * checks that what it moved is the lock it judged stale; if another process had meanwhile taken
 * the lock, that lock is put back.
 */
async function takeOver(file: string, staleRaw: string, logger?: Logger): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    await fs.rename(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = await fs.readFile(aside, 'utf8').catch(() => '');
  if (moved !== staleRaw) {
    await fs.link(aside, file).catch(() => undefined);
  } else {
    logger?.warn({ stale: staleRaw }, 'ingest: took over the lock of an ingest that is no longer running');
  }
  await fs.rm(aside, { force: true });
}

/** "ingest.ts --source docs": enough to recognize the other process. */
function commandLine(): string {
  const [script, ...args] = process.argv.slice(1);
  return [script ? path.basename(script) : process.title, ...args].join(' ').slice(0, 200);
}
