// kill -9 between a case's status change and its delivery: the change and its notices (the status,
// the rating question) are committed together, so a process killed before delivering them, or
// killed after a failed attempt, leaves them in the outbox; the next process delivers each exactly
// once. Real child processes, counted at the fake Bot API.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { caseTexts } from '../src/texts/cases.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { CRASH_RESIDENT, spawnCaseChild } from './helpers/case-child.js';

let dir: string;
let tg: FakeTelegram;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'case-crash-'));
  tg = await startFakeTelegram();
});

afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function run(mode: 'change' | 'serve') {
  const running = spawnCaseChild(dir, tg.apiRoot, mode);
  children.push(running.child);
  return running;
}

const toResident = (ok: boolean) =>
  tg.calls.filter((c) => c.method === 'sendMessage' && c.ok === ok && String(c.params.chat_id) === CRASH_RESIDENT);

it('delivers a status change and its rating question exactly once after kill -9 before and during delivery', {
  timeout: 90_000,
}, async () => {
  // 1. The status changes; the process dies before any worker looked at the outbox.
  const changing = run('change');
  const { number } = await changing.waitForLine((l) => l.event === 'changed', 30_000);
  changing.child.kill('SIGKILL');
  await changing.exited;
  expect(toResident(true)).toEqual([]);

  // 2. A worker tries while the API fails, and dies after the failed attempt.
  tg.failFor(CRASH_RESIDENT, { code: 500 });
  const failing = run('serve');
  await tg.waitFor((c) => c.method === 'sendMessage' && !c.ok && String(c.params.chat_id) === CRASH_RESIDENT, 30_000);
  failing.child.kill('SIGKILL');
  await failing.exited;
  expect(toResident(true)).toEqual([]);

  // 3. The API is back: the next process delivers both notices.
  tg.clearFailures();
  const serving = run('serve');
  const status = caseTexts.statusChanged(number, 'closed');
  const rating = caseTexts.askRating(number);
  await tg.waitFor((c) => c.ok && c.params.text === status, 30_000);
  await tg.waitFor((c) => c.ok && c.params.text === rating, 30_000);
  // Time for a duplicate to show up, were there one.
  await new Promise((r) => setTimeout(r, 1500));
  serving.child.kill('SIGKILL');
  await serving.exited;

  const texts = toResident(true).map((c) => c.params.text);
  expect(texts.filter((t) => t === status)).toHaveLength(1);
  expect(texts.filter((t) => t === rating)).toHaveLength(1);
  expect(texts).toHaveLength(2);
  const buttons = toResident(true)
    .find((c) => c.params.text === rating)
    ?.params.reply_markup.inline_keyboard.flat();
  expect(buttons.map((b: { callback_data: string }) => b.callback_data)).toEqual([1, 2, 3, 4, 5].map((n) => `case-rate:1:${n}`));
});
