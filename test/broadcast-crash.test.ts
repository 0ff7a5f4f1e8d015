// kill -9 in the middle of a broadcast, restart, and count at the fake Bot API: everyone gets the
// announcement, and only the deliveries in flight at the kill can arrive twice.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Store } from '../src/db/store.js';
import { startFakeTelegram, type FakeTelegram } from './fakes/telegram-api.js';
import { seedSubscribers } from './helpers/broadcast-child.js';

const SUBSCRIBERS = 1000;
const RATE = '400';
const CHILD = path.join(import.meta.dirname, 'helpers/broadcast-child.ts');

let dir: string;
let tg: FakeTelegram;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-crash-'));
  tg = await startFakeTelegram();
});

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs the child (node + tsx loader in one process, so SIGKILL hits the process that sends). */
function runChild(mode: 'start' | 'resume') {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, tg.apiRoot, RATE, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const events: Record<string, any>[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => events.push(JSON.parse(line)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, events, exited };
}

it('resumes after SIGKILL; duplicates are bounded by the deliveries in flight at the kill', async () => {
  const store = Store.open(path.join(dir, 'civicbot.db'));
  seedSubscribers(store, SUBSCRIBERS);
  store.close();

  const first = runChild('start');
  await tg.waitFor(() => tg.sent().length >= 300, 20_000);
  first.child.kill('SIGKILL');
  await first.exited;
  const sentBeforeKill = tg.sent().length;

  const after = Store.open(path.join(dir, 'civicbot.db'));
  const inFlightAtKill = (after.db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE status = 'sending'`).get() as { n: number }).n;
  after.close();

  const second = runChild('resume');
  expect(await second.exited).toBe(0);
  expect(second.events.at(-1)).toMatchObject({ event: 'done', progress: { status: 'done', total: SUBSCRIBERS, sent: SUBSCRIBERS, pending: 0 } });

  const perChat = tg.countByChat();
  const duplicates = [...perChat.values()].reduce((n, c) => n + c - 1, 0);
  console.log(`kill -9 after ${sentBeforeKill} messages: ${inFlightAtKill} deliveries in flight, ${duplicates} delivered twice`);
  expect(perChat.size).toBe(SUBSCRIBERS);
  expect(duplicates).toBeLessThanOrEqual(inFlightAtKill);
  expect(Math.max(...perChat.values())).toBeLessThanOrEqual(2);
  expect(tg.sent().length).toBe(SUBSCRIBERS + duplicates);
});
