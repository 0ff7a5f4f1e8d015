// How long an announcement stays in the knowledge base: one stopped while it is being sent leaves
// it at once (residents are not answered from a notice the city withdrew); one sent without an
// expiry gets ANNOUNCEMENT_KNOWLEDGE_DAYS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { BroadcastService } from '../src/broadcast/service.js';
import type { ChannelSender, SendOutcome } from '../src/broadcast/types.js';
import { Store } from '../src/db/store.js';
import { cityLastDay } from '../src/domain/index.js';
import { seedSubscribers, silentLogger, testConfig } from './helpers/broadcast-child.js';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A sender whose messages wait until released: the announcement stays "sending". */
function heldSender(): ChannelSender & { release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  return {
    channel: 'telegram',
    ratePerSecond: 100,
    perChatIntervalMs: 0,
    maxTextLength: 4096,
    release: () => release(),
    async send(): Promise<SendOutcome> {
      await gate;
      return { kind: 'sent' };
    },
    async sendNotice(): Promise<SendOutcome> {
      await gate;
      return { kind: 'sent' };
    },
  };
}

it('removes the knowledge-base file of an announcement stopped while sending', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-cancel-'));
  const config = testConfig(dir);
  const store = Store.open(config.paths.database);
  seedSubscribers(store, 5);
  const sender = heldSender();
  let refreshes = 0;
  const service = new BroadcastService({
    store,
    config,
    logger: silentLogger(),
    senders: [sender],
    refreshKnowledge: async () => void refreshes++,
    options: { tickMs: 20 },
  });
  service.start();
  cleanups.push(async () => {
    sender.release();
    await service.stop();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const a = service.sendNow(service.create({ title: 'Cắt nước', body: 'Ngày mai cắt nước từ 8 giờ.', author: 't' }).id);
  const file = service.get(a.id)!.knowledgeFile!;
  expect(fs.existsSync(file)).toBe(true);
  const before = refreshes;

  const stopped = service.cancel(a.id);
  expect(stopped.status).toBe('cancelled');
  expect(stopped.knowledgeFile).toBeUndefined();
  expect(fs.existsSync(file)).toBe(false);
  await expect.poll(() => refreshes, { timeout: 5000 }).toBeGreaterThan(before);
});

function sendOne(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-expiry-'));
  const config = testConfig(dir, env);
  const store = Store.open(config.paths.database);
  const service = new BroadcastService({ store, config, logger: silentLogger(), senders: [heldSender()], options: { tickMs: 20 } });
  cleanups.push(async () => {
    await service.stop();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const before = Date.now();
  const a = service.sendNow(service.create({ title: 'Lịch tiêm chủng', body: 'Tiêm chủng ngày 25.', author: 't' }).id);
  return { a, before, text: fs.readFileSync(a.knowledgeFile!, 'utf8') };
}

it('gives an announcement sent without an expiry the configured days in the knowledge base, or none with 0', () => {
  const { a, before, text } = sendOne({ ANNOUNCEMENT_KNOWLEDGE_DAYS: '30' });
  expect(a.expiresAt).toBeGreaterThanOrEqual(before + 30 * 86_400_000);
  expect(a.expiresAt).toBeLessThan(before + 30 * 86_400_000 + 60_000);
  expect(text).toContain(`expires: ${cityLastDay(a.expiresAt!)}`);

  const forever = sendOne({ ANNOUNCEMENT_KNOWLEDGE_DAYS: '0' });
  expect(forever.a.expiresAt).toBeUndefined();
  expect(forever.text).not.toContain('expires:');
});
