// Drains one channel's outbox at that channel's limits. Each message: wait for a rate token and a
// free slot, claim one delivery (committed as 'sending'), send, record the outcome. A crash can
// therefore repeat only the few deliveries that were between claim and record. The outbox carries
// announcements (to subscribers) and direct notices (to any chat) alike.
//
// Only one worker per channel drains, across every process on the database (the service, a CLI
// run, a second instance): the one holding the channel's lease, renewed by a heartbeat. The others
// stand by and take over when the holder stops, dies (same host) or lets its lease expire.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClaimedDelivery } from '../db/deliveries.js';
import type { Store } from '../db/store.js';
import type { OutgoingAnnouncement } from '../domain/index.js';
import type { Logger } from '../logger.js';
import { takeChannelLease } from './channel-lease.js';
import { TokenBucket } from './token-bucket.js';
import type { ChannelSender, SendOutcome } from './types.js';
import { newWorkerId, workerIsGone } from './worker-identity.js';

export interface DeliveryWorkerOptions {
  /** Attempts per delivery before it is failed for good (BROADCAST_MAX_ATTEMPTS); 429s do not count. */
  maxAttempts: number;
  /** Flood-control answers (429) per delivery before it is failed for good. */
  maxRateLimited?: number;
  /** First backoff after a 5xx / network error; doubles per attempt. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Parallel sends; bounds the deliveries in flight (the possible duplicates after a crash). */
  concurrency?: number;
  /** How often an idle worker looks for work written by another process. */
  idlePollMs?: number;
  /** How long the lease outlives its last heartbeat: a standby on another host waits this long. */
  leaseTtlMs?: number;
  /** Heartbeat of the lease holder, and how often a standby worker asks for the lease. */
  leaseRenewMs?: number;
}

export interface DeliveryWorkerDeps {
  /** The outbox, the leases, the notices and the subscribers (a chat that blocked the bot is marked so). */
  store: Pick<Store, 'outbox' | 'leases' | 'subscribers' | 'notices' | 'immediate' | 'transaction'>;
  sender: ChannelSender;
  logger: Logger;
  /** The message of an announcement, or undefined when it no longer exists. */
  loadMessage: (announcementId: number) => OutgoingAnnouncement | undefined;
  /** Called after each recorded outcome of an announcement's delivery (progress, completion). */
  onSettled: (announcementId: number, outcome: SendOutcome) => void;
}

/** Enough parallel sends to reach the rate at ~200 ms per request, never more than 32. */
export const defaultConcurrency = (ratePerSecond: number) => Math.min(32, Math.max(2, Math.ceil(ratePerSecond / 5)));

export class DeliveryWorker {
  /** This worker's name in the lease table and in `deliveries.claimed_by`. */
  readonly id = newWorkerId();
  private readonly bucket: TokenBucket;
  /** Holds the channel's lease: drains the outbox. */
  private holding = false;
  private standbyNoted = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly lastSendToChat = new Map<string, number>();
  private readonly messages = new Map<number, OutgoingAnnouncement | undefined>();
  private readonly recent429: number[] = [];
  private readonly recentOutcomes: number[] = [];
  private abort = new AbortController();
  private wakeIdle: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly opts: Required<DeliveryWorkerOptions>;

  constructor(
    private readonly deps: DeliveryWorkerDeps,
    options: DeliveryWorkerOptions,
  ) {
    this.opts = {
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      concurrency: defaultConcurrency(deps.sender.ratePerSecond),
      idlePollMs: 1000,
      maxRateLimited: 100,
      leaseTtlMs: 15_000,
      leaseRenewMs: Math.round((options.leaseTtlMs ?? 15_000) / 5),
      ...options,
    };
    this.bucket = new TokenBucket(deps.sender.ratePerSecond);
  }

  get channel() {
    return this.deps.sender.channel;
  }

  start(): void {
    if (this.loop) return;
    this.abort = new AbortController();
    this.loop = this.run().catch((err) => {
      if (!this.abort.signal.aborted) this.deps.logger.error({ err, channel: this.channel }, 'broadcast worker stopped');
    });
  }

  /** New deliveries were written: stop idling. */
  wake(): void {
    this.wakeIdle?.();
  }

  /** Stops claiming, waits for the sends in flight to be recorded, and hands the lease back. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.wake();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    this.loop = undefined;
    if (this.holding) this.deps.store.leases.release(this.channel, this.id);
    this.holding = false;
  }

  /** Forgets cached message text (the announcement changed or finished). */
  forget(announcementId: number): void {
    this.messages.delete(announcementId);
  }

  /** Stand by until the lease is ours, drain while it stays ours, stand by again if it is lost. */
  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      if (!this.takeLease()) {
        await sleep(this.opts.leaseRenewMs, undefined, { signal }).catch(() => undefined);
        continue;
      }
      const heartbeat = setInterval(() => this.renewLease(), this.opts.leaseRenewMs);
      try {
        await this.drain();
      } finally {
        clearInterval(heartbeat);
      }
    }
  }

  private takeLease(): boolean {
    const { store, logger } = this.deps;
    let taken: { reset: number } | undefined;
    try {
      taken = takeChannelLease(store, this.channel, this.id, this.opts.leaseTtlMs, workerIsGone);
    } catch (err) {
      // SQLITE_BUSY beyond the busy timeout: another process is writing hard; ask again later.
      logger.warn({ err, channel: this.channel }, 'broadcast: could not ask for the worker lease');
      return false;
    }
    if (!taken) {
      if (!this.standbyNoted)
        logger.info(
          { channel: this.channel, holder: store.leases.holder(this.channel) },
          'broadcast: another process delivers this channel; standing by',
        );
      this.standbyNoted = true;
      return false;
    }
    this.holding = true;
    this.standbyNoted = false;
    if (taken.reset)
      logger.warn(
        { channel: this.channel, reset: taken.reset },
        'broadcast: claims left by a stopped worker are retried (possible duplicates)',
      );
    logger.info({ channel: this.channel, worker: this.id, reset: taken.reset }, 'broadcast: worker lease taken, delivering this channel');
    return true;
  }

  private renewLease(): void {
    try {
      if (this.deps.store.leases.renew(this.channel, this.id, this.opts.leaseTtlMs)) return;
    } catch (err) {
      // Keep the lease for now: it only lapses after leaseTtlMs without a heartbeat.
      this.deps.logger.warn({ err, channel: this.channel }, 'broadcast: could not renew the worker lease');
      return;
    }
    // Our heartbeats stalled long enough for another worker to take over: stop claiming.
    this.holding = false;
    this.deps.logger.warn({ channel: this.channel }, 'broadcast: worker lease lost to another process; standing by');
    this.wake();
  }

  private async drain(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted && this.holding) {
      if (this.inFlight.size >= this.opts.concurrency) {
        await Promise.race(this.inFlight);
        continue;
      }
      await this.bucket.take(signal);
      const now = Date.now();
      const claim = this.deps.store.outbox.claimNext(this.channel, this.id, now);
      if (!claim) {
        this.bucket.refund();
        await this.idle();
        continue;
      }
      const last = this.lastSendToChat.get(claim.chatId) ?? -Infinity;
      const readyAt = last + this.deps.sender.perChatIntervalMs;
      if (readyAt > now) {
        // A send to this chat still in flight (Infinity): look again one interval later.
        this.deps.store.outbox.postpone(claim.id, Number.isFinite(readyAt) ? readyAt : now + this.deps.sender.perChatIntervalMs);
        this.bucket.refund();
        continue;
      }
      this.rememberChat(claim.chatId, Infinity);
      const job: Promise<void> = this.deliver(claim)
        .catch((err) =>
          this.deps.logger.error({ err, channel: this.channel, delivery: claim.id }, 'broadcast: could not record an outcome'),
        )
        .finally(() => this.inFlight.delete(job));
      this.inFlight.add(job);
    }
  }

  private async deliver(claim: ClaimedDelivery): Promise<void> {
    const { store, logger } = this.deps;
    const { outbox } = store;
    const { subject } = claim;
    const outcome = await this.send(claim);
    // The gap counts from the answer: the messenger has surely seen the message by then.
    this.rememberChat(claim.chatId, Date.now());
    switch (outcome.kind) {
      case 'sent':
        outbox.markSent(claim.id);
        break;
      case 'blocked':
        // A notice's chat may have no subscription at all: only an announcement's subscriber is marked.
        if (subject.kind === 'notice') outbox.markBlocked(claim.id, outcome.error);
        else
          store.transaction(() => {
            outbox.markBlocked(claim.id, outcome.error);
            store.subscribers.setStatus(subject.subscriberId, 'blocked');
          });
        break;
      case 'failed':
        outbox.markFailed(claim.id, outcome.error);
        break;
      case 'retry': {
        const rateLimited = outcome.rateLimited ?? outcome.retryAfterMs !== undefined;
        const delay = outcome.retryAfterMs ?? this.backoff(rateLimited ? claim.rateLimited + 1 : claim.attempts - claim.rateLimited);
        const budget = { maxAttempts: this.opts.maxAttempts, maxRateLimited: this.opts.maxRateLimited };
        const status = outbox.markRetry(claim.id, outcome.error, Date.now() + delay, budget, rateLimited);
        if (outcome.retryAfterMs !== undefined) this.note429(outcome.retryAfterMs);
        if (status === 'failed')
          logger.warn({ channel: this.channel, delivery: claim.id, error: outcome.error }, 'broadcast: delivery failed after retries');
        break;
      }
    }
    this.noteOutcome();
    // An idle worker looks again: a retry has a due time now, and a chat's next notice may go.
    this.wake();
    if (subject.kind === 'announcement') this.deps.onSettled(subject.announcementId, outcome);
  }

  private async send(claim: ClaimedDelivery): Promise<SendOutcome> {
    const { subject } = claim;
    const { sender } = this.deps;
    try {
      if (subject.kind === 'notice') {
        const notice = this.deps.store.notices.message(subject.noticeId);
        return notice ? await sender.sendNotice(claim.chatId, notice) : { kind: 'failed', error: 'notice no longer exists' };
      }
      const id = subject.announcementId;
      if (!this.messages.has(id)) this.messages.set(id, this.deps.loadMessage(id));
      const message = this.messages.get(id);
      return message ? await sender.send(claim.chatId, message) : { kind: 'failed', error: 'announcement no longer exists' };
    } catch (err) {
      // A sender is meant to map every error; an unexpected throw is treated as temporary.
      return { kind: 'retry', error: String(err) };
    }
  }

  /** Exponential with jitter, so chats that failed together do not retry together. */
  private backoff(attempts: number): number {
    const exp = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(exp * (0.5 + Math.random() * 0.5));
  }

  /**
   * A 429 for one chat only delays that chat (its delivery waits retry_after). When many sends in
   * the last second hit 429, the bot as a whole is over its limit: the whole channel pauses.
   */
  private note429(retryAfterMs: number): void {
    const now = Date.now();
    this.recent429.push(now);
    prune(this.recent429, now - 1000);
    prune(this.recentOutcomes, now - 1000);
    if (this.recent429.length >= 3 && this.recent429.length >= this.recentOutcomes.length * 0.2) {
      this.bucket.pauseUntil(now + retryAfterMs);
      this.deps.logger.warn({ channel: this.channel, retryAfterMs }, 'broadcast: flood limit, channel paused');
    }
  }

  private noteOutcome(): void {
    const now = Date.now();
    this.recentOutcomes.push(now);
    if (this.recentOutcomes.length > 4096) prune(this.recentOutcomes, now - 1000);
  }

  /** `at`: when the last message to the chat was answered; Infinity while one is in flight. */
  private rememberChat(chatId: string, at: number): void {
    if (this.deps.sender.perChatIntervalMs <= 0) return;
    this.lastSendToChat.set(chatId, at);
    if (this.lastSendToChat.size > 10_000) {
      const horizon = Date.now() - this.deps.sender.perChatIntervalMs;
      for (const [chat, when] of this.lastSendToChat) if (when < horizon) this.lastSendToChat.delete(chat);
    }
  }

  /** Sleeps until the next retry is due, new work is announced, or the poll interval passes. */
  private async idle(): Promise<void> {
    const due = this.deps.store.outbox.nextDueAt(this.channel);
    const ms = Math.max(1, Math.min(this.opts.idlePollMs, due === undefined ? Infinity : due - Date.now()));
    const signal = this.abort.signal;
    if (signal.aborted) return;
    // Timer and abort listener are removed on every way out: a worker woken after each recorded
    // outcome would otherwise pile up sleeping timers and listeners until they ran out.
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wakeIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.wakeIdle = done;
    });
  }
}

function prune(times: number[], before: number): void {
  let i = 0;
  while (i < times.length && times[i] < before) i++;
  if (i) times.splice(0, i);
}
