// One delivery worker per channel across processes: the holder of the channel's lease drains the
// outbox, another service on the same database stands by and takes over when the holder stops,
// dies, or lets its lease expire — and a takeover re-sends only the dead holder's claims.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { takeChannelLease } from '../src/broadcast/channel-lease.js';
import { BroadcastService } from '../src/broadcast/service.js';
import type { ChannelSender, SendOutcome } from '../src/broadcast/types.js';
import type { Config } from '../src/config.js';
import { Store } from '../src/db/store.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { seedSubscribers, silentLogger, spawnBroadcastChild, testConfig } from './helpers/broadcast-child.js';

let dir: string;
let config: Config;
const stores: Store[] = [];
const take = (store: Store, channel: 'telegram', holder: string, ttlMs: number) =>
  takeChannelLease(store, channel, holder, ttlMs, () => false);
const services: BroadcastService[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'broadcast-lease-'));
  config = testConfig(dir);
});

afterEach(async () => {
  for (const s of services.splice(0)) await s.stop();
  for (const s of stores.splice(0)) s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A Telegram stand-in that records which service sent what. */
function recordingSender(): ChannelSender & { chats: string[] } {
  const chats: string[] = [];
  return {
    channel: 'telegram',
    ratePerSecond: 500,
    perChatIntervalMs: 0,
    maxTextLength: 4096,
    chats,
    async send(chatId): Promise<SendOutcome> {
      chats.push(chatId);
      return { kind: 'sent' };
    },
    async sendNotice(chatId): Promise<SendOutcome> {
      chats.push(chatId);
      return { kind: 'sent' };
    },
  };
}

/** A service with its own connection to the shared database file, as another process would have. */
function service(sender: ChannelSender = recordingSender(), leaseTtlMs = 5000): BroadcastService {
  const store = Store.open(config.paths.database);
  stores.push(store);
  const s = new BroadcastService({
    store,
    config,
    logger: silentLogger(),
    senders: [sender],
    options: { tickMs: 30, progressIntervalMs: 10, worker: { idlePollMs: 20, leaseTtlMs, leaseRenewMs: 30 } },
  });
  services.push(s);
  return s;
}

async function send(s: BroadcastService, title = 'Thông báo') {
  const a = s.create({ title, body: 'Nội dung', author: 't' });
  s.sendNow(a.id);
  return s.waitUntilFinished(a.id);
}

describe('worker lease, in one process', () => {
  it('only the holder delivers; a standby takes over when the holder stops', async () => {
    const seeding = Store.open(config.paths.database);
    seedSubscribers(seeding, 40);
    seeding.close();
    const first = recordingSender();
    const second = recordingSender();
    const a = service(first);
    const b = service(second);
    a.start();
    await sleep(50);
    b.start();
    await sleep(100);
    expect(b.deliveredElsewhere()).toEqual(['telegram']);
    expect(a.deliveredElsewhere()).toEqual([]);

    expect(await send(b)).toMatchObject({ status: 'done', sent: 40 });
    expect(first.chats).toHaveLength(40);
    expect(second.chats).toHaveLength(0);

    await a.stop(); // hands the lease back
    expect(await send(b, 'Lần hai')).toMatchObject({ status: 'done', sent: 40 });
    expect(second.chats).toHaveLength(40);
    expect(first.chats).toHaveLength(40);
  });

  it('takes over an expired lease of a worker elsewhere and re-sends only its unfinished claims', async () => {
    const s = service(recordingSender(), 5000);
    seedSubscribers(stores[0], 10);
    const a = s.create({ title: 'T', body: 'B', author: 't' });
    // A worker on another machine took the lease, claimed two deliveries, and went silent.
    const foreign = 'other-host/4242/abcd';
    expect(take(stores[0], 'telegram', foreign, 300)).toEqual({ reset: 0 });
    s.sendNow(a.id);
    const claimed = [stores[0].outbox.claimNext('telegram', foreign)!, stores[0].outbox.claimNext('telegram', foreign)!];
    stores[0].outbox.markSent(claimed[0].id);

    const sender = recordingSender();
    const taker = service(sender, 5000);
    taker.start();
    await sleep(100);
    expect(sender.chats).toEqual([]); // the lease has not expired yet
    const final = await taker.waitUntilFinished(a.id);
    expect(final).toMatchObject({ status: 'done', sent: 10 });
    // The delivery recorded as sent is not repeated; the one left 'sending' is.
    expect(sender.chats).toHaveLength(9);
    expect(sender.chats).toContain(claimed[1].chatId);
    expect(sender.chats).not.toContain(claimed[0].chatId);
  });

  it('a worker that lost its lease claims nothing', () => {
    const s = service();
    seedSubscribers(stores[0], 1);
    s.sendNow(s.create({ title: 'T', body: 'B', author: 't' }).id);
    const { leases, outbox } = stores[0];
    leases.take('telegram', 'h/1/old', 1, () => false, Date.now() - 10);
    expect(take(stores[0], 'telegram', 'h/2/new', 10_000)).toEqual({ reset: 0 });
    expect(leases.renew('telegram', 'h/1/old', 10_000)).toBe(false);
    expect(outbox.claimNext('telegram', 'h/1/old')).toBeUndefined();
    expect(outbox.claimNext('telegram', 'h/2/new')).toBeDefined();
  });
});

describe('two services on one database file', () => {
  let tg: FakeTelegram;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    tg = await startFakeTelegram();
  });

  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await tg.close();
  });

  it('only one sends; after kill -9 of the holder the other takes over, duplicates only among the claims in flight', {
    timeout: 20_000,
  }, async () => {
    const SUBSCRIBERS = 600;
    const store = Store.open(config.paths.database);
    stores.push(store);
    seedSubscribers(store, SUBSCRIBERS);

    const spawnService = (token: string) => {
      const c = spawnBroadcastChild({ dataDir: dir, apiRoot: tg.apiRoot, rate: '300', mode: 'serve', token });
      children.push(c.child);
      return c;
    };
    const tokenA = '111111:AAAA-token-of-the-first-service';
    const tokenB = '222222:BBBB-token-of-the-second-service';
    const a = spawnService(tokenA);
    await a.waitForLine((l) => l.event === 'ready');
    const leaseHolder = () => store.leases.holder('telegram', 0);
    while (!leaseHolder()?.includes(`/${a.child.pid}/`)) await sleep(20);
    const b = spawnService(tokenB);
    await b.waitForLine((l) => l.event === 'ready');

    // Staff queue the announcement from a third process (like the CLI beside a running service).
    const queuing = new BroadcastService({ store, config, logger: silentLogger(), senders: [recordingSender()] });
    services.push(queuing);
    expect(queuing.deliveredElsewhere()).toEqual(['telegram']);
    const id = queuing.sendNow(queuing.create({ title: 'Hai dịch vụ', body: 'Nội dung', author: 't' }).id).id;
    let final: { sent: number; status: string } | undefined;
    const finished = new Promise<void>((resolve) => queuing.watch(id, (p, done) => done && ((final = p), resolve()), 50));

    await tg.waitFor(() => tg.countByChat().size >= 200, 10_000);
    a.child.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();
    await finished;

    const calls = tg.sent();
    const byA = calls.filter((c) => c.token === tokenA);
    const byB = calls.filter((c) => c.token === tokenB);
    // B stood by while A held the lease: it sent nothing before the kill, so the rate never doubled.
    expect(byA.length).toBeGreaterThanOrEqual(200);
    expect(byB.length).toBeGreaterThan(0);
    expect(Math.min(...byB.map((c) => c.at))).toBeGreaterThanOrEqual(byA.length ? Math.max(...byA.map((c) => c.at)) : 0);
    expect(Math.min(...byB.map((c) => c.at))).toBeLessThanOrEqual(killedAt + 5000);
    expect(final).toMatchObject({ status: 'done', sent: SUBSCRIBERS });

    const perChat = tg.countByChat();
    const duplicates = [...perChat.values()].reduce((n, c) => n + c - 1, 0);
    const takeover = await b.waitForLine((l) => l.msg?.startsWith('broadcast: worker lease taken') ?? false);
    console.log(
      `two services: A sent ${byA.length}, B took over and sent ${byB.length}; ${takeover.reset} claims reset, ${duplicates} delivered twice`,
    );
    expect(perChat.size).toBe(SUBSCRIBERS);
    expect(duplicates).toBeLessThanOrEqual(takeover.reset);
  });
});
