// The one broadcast service behind every entry point (Telegram and Zalo staff commands, the CLI,
// the HTTP API): validates and stores announcements, turns them into an outbox when sending
// starts, runs one delivery worker per channel and a scheduler, and reports progress.
import type { Config } from '../config.js';
import type { AnnouncementStore } from '../db/announcements.js';
import type { Store } from '../db/store.js';
import type { Announcement } from '../domain/index.js';
import { type Attachment, BROADCAST_CHANNELS, type BroadcastChannel, type BroadcastProgress, renderAnnouncement } from '../domain/index.js';
import type { Logger } from '../logger.js';
import { broadcastTexts as t } from '../texts/broadcast.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.js';
import { AnnouncementError } from './errors.js';
import { KnowledgePublisher } from './knowledge-publisher.js';
import { DEFAULT_LIMITS } from './render.js';
import type { ChannelSender } from './types.js';
import { validateDraft } from './validate.js';
import { workerIsGone } from './worker-identity.js';

export type { Announcement, BroadcastProgress };
export { AnnouncementError };

export interface AnnouncementDraft {
  title: string;
  body: string;
  attachment?: Attachment;
  channels?: BroadcastChannel[];
  topics?: string[];
  wards?: string[];
  scheduledAt?: Date;
  expiresAt?: Date;
  author: string;
}

export interface Preview {
  text: string;
  recipients: Record<BroadcastChannel, number>;
  total: number;
  /** What some recipients will get differently from the preview (Vietnamese, for the author). */
  warnings: string[];
}

export interface BroadcastServiceOptions {
  /** Scheduler period: due announcements, expiries, progress of runs started elsewhere. */
  tickMs?: number;
  /** Progress is computed at most this often per announcement while it runs. */
  progressIntervalMs?: number;
  /** Window over which the sending rate is measured. */
  rateWindowMs?: number;
  worker?: Partial<Omit<DeliveryWorkerOptions, 'maxAttempts'>>;
}

export interface BroadcastServiceDeps {
  store: Store;
  config: Config;
  logger: Logger;
  senders: ChannelSender[];
  /** KnowledgeBase.refresh: re-indexes after an announcement file was written or removed. */
  refreshKnowledge?: () => Promise<unknown>;
  options?: BroadcastServiceOptions;
}

export class BroadcastService {
  readonly announcements: AnnouncementStore;
  private readonly senders = new Map<BroadcastChannel, ChannelSender>();
  private readonly workers: DeliveryWorker[] = [];
  private readonly listeners = new Set<(p: BroadcastProgress) => void>();
  private readonly progressTimers = new Map<number, NodeJS.Timeout>();
  private readonly watchers = new Set<() => void>();
  private readonly publisher: KnowledgePublisher;
  private readonly logger: Logger;
  private readonly opts: Required<Omit<BroadcastServiceOptions, 'worker'>>;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly deps: BroadcastServiceDeps) {
    // A stateless wrapper over the shared connection; Store may carry the same one later.
    this.announcements = deps.store.announcements;
    for (const s of deps.senders) this.senders.set(s.channel, s);
    this.logger = deps.logger.child({ module: 'broadcast' });
    this.publisher = new KnowledgePublisher(deps.config.paths.knowledge, this.logger, deps.refreshKnowledge);
    this.opts = { tickMs: 1000, progressIntervalMs: 200, rateWindowMs: 5000, ...deps.options };
  }

  /** Channels this process can deliver to (a configured sender each). */
  get channels(): BroadcastChannel[] {
    return BROADCAST_CHANNELS.filter((c) => this.senders.has(c));
  }

  /** Validates and stores a draft (or a scheduled announcement when `scheduledAt` is set). */
  create(draft: AnnouncementDraft): Announcement {
    const valid = this.validate(draft);
    const a = this.announcements.create({
      ...valid,
      scheduledAt: valid.scheduledAt?.getTime(),
      expiresAt: valid.expiresAt?.getTime(),
      author: draft.author,
      status: valid.scheduledAt ? 'scheduled' : 'draft',
    });
    this.logger.info({ id: a.id, author: a.author, status: a.status }, 'announcement created');
    return a;
  }

  /** What a draft would look like and whom it would reach now, without storing anything. */
  previewDraft(draft: AnnouncementDraft): Preview {
    const valid = this.validate(draft);
    return this.previewOf(valid);
  }

  preview(id: number): Preview {
    return this.previewOf(this.mustGet(id));
  }

  /** Starts sending now: the audience is resolved into deliveries, the text joins the knowledge base. */
  sendNow(id: number): Announcement {
    const a = this.mustGet(id);
    if (a.status !== 'draft' && a.status !== 'scheduled') throw new AnnouncementError([t.cannotSend(id, a.status)], 'conflict');
    const now = Date.now();
    const total = this.announcements.startSending(id, this.channels, now);
    if (total === undefined) throw new AnnouncementError([t.cannotSend(id, this.mustGet(id).status)], 'conflict');
    this.logger.info({ id, total }, 'announcement sending');
    try {
      this.announcements.setKnowledgeFile(id, this.publisher.publish(a, now));
    } catch (err) {
      // Residents still get the message; only the later questions about it would miss it.
      this.logger.error({ err, id }, 'broadcast: could not publish the announcement to the knowledge base');
    }
    for (const w of this.workers) w.wake();
    this.checkSoon(id, 0);
    return this.mustGet(id);
  }

  schedule(id: number, at: Date): Announcement {
    const a = this.mustGet(id);
    if (a.status !== 'draft' && a.status !== 'scheduled') throw new AnnouncementError([t.cannotSchedule(id, a.status)], 'conflict');
    this.validate({ ...a, scheduledAt: at, expiresAt: a.expiresAt === undefined ? undefined : new Date(a.expiresAt) });
    if (!this.announcements.schedule(id, at.getTime()))
      throw new AnnouncementError([t.cannotSchedule(id, this.mustGet(id).status)], 'conflict');
    this.logger.info({ id, at: at.toISOString() }, 'announcement scheduled');
    return this.mustGet(id);
  }

  /** Stops a draft, scheduled or running announcement; deliveries not yet sent are skipped. */
  cancel(id: number): Announcement {
    const a = this.mustGet(id);
    if (!this.announcements.cancel(id)) throw new AnnouncementError([t.cannotCancel(id, a.status)], 'conflict');
    this.logger.info({ id }, 'announcement cancelled');
    this.checkSoon(id, 0);
    return this.mustGet(id);
  }

  get(id: number): Announcement | undefined {
    return this.announcements.get(id);
  }

  recent(limit = 20): (Announcement & { progress: BroadcastProgress })[] {
    return this.announcements.recent(limit).map((a) => ({ ...a, progress: this.progressOf(a) }));
  }

  progress(id: number): BroadcastProgress {
    return this.progressOf(this.mustGet(id));
  }

  onProgress(listener: (p: BroadcastProgress) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the final progress once the announcement is done or cancelled — at once when
   * this process records it, within one scheduler period when another process does.
   */
  waitUntilFinished(id: number): Promise<BroadcastProgress> {
    return new Promise((resolve) => {
      const settle = (p: BroadcastProgress) => {
        if (p.id !== id || (p.status !== 'done' && p.status !== 'cancelled')) return;
        off();
        stopWatching();
        resolve(p);
      };
      const off = this.onProgress(settle);
      const stopWatching = this.watch(id, (p, done) => done && settle(p), this.opts.tickMs);
    });
  }

  /**
   * Follows an announcement for its author by reading the database, so it works wherever the
   * delivery worker runs (this process or another). Calls `onUpdate` when the counts or status
   * change, and a last time with `done` once it is done or cancelled; then stops. Returns a
   * function that stops watching earlier.
   */
  watch(id: number, onUpdate: (p: BroadcastProgress, done: boolean) => void, intervalMs = 3000): () => void {
    this.mustGet(id);
    let timer: NodeJS.Timeout | undefined;
    let last = '';
    const stop = () => {
      clearTimeout(timer);
      this.watchers.delete(stop);
    };
    const notify = (p: BroadcastProgress, done: boolean) => {
      try {
        onUpdate(p, done);
      } catch (err) {
        this.logger.error({ err, id }, 'broadcast watcher failed');
      }
    };
    const poll = () => {
      let p: BroadcastProgress;
      try {
        p = this.progress(id);
      } catch (err) {
        this.logger.error({ err, id }, 'broadcast watcher stopped');
        return stop();
      }
      if (p.status === 'done' || p.status === 'cancelled') {
        stop();
        return notify(p, true);
      }
      const key = [p.status, p.total, p.sent, p.failed, p.blocked, p.pending, p.skipped].join();
      if (key !== last) notify(p, false);
      last = key;
      timer = setTimeout(poll, intervalMs);
    };
    this.watchers.add(stop);
    timer = setTimeout(poll, 0);
    return stop;
  }

  /** The final lines shown to the author. */
  report(id: number): string {
    return t.finalReport(this.progress(id), this.mustGet(id).title);
  }

  /**
   * Channels whose outbox a worker of another process (a running service, another CLI run) is
   * draining now: an announcement sent from here is delivered there.
   */
  deliveredElsewhere(): BroadcastChannel[] {
    const mine = new Set(this.workers.map((w) => w.id));
    return this.channels.filter((c) => {
      const holder = this.announcements.leaseHolder(c);
      return holder !== undefined && !mine.has(holder) && !workerIsGone(holder);
    });
  }

  start(): void {
    if (this.ticker) return;
    const maxAttempts = this.deps.config.broadcast.maxAttempts;
    for (const sender of this.senders.values()) {
      const worker = new DeliveryWorker(
        {
          announcements: this.announcements,
          sender,
          logger: this.logger,
          loadMessage: (id) => {
            const a = this.announcements.get(id);
            return a && { id: a.id, title: a.title, body: a.body, attachment: a.attachment };
          },
          onSettled: (id) => this.checkSoon(id, this.opts.progressIntervalMs),
        },
        { maxAttempts, ...this.deps.options?.worker },
      );
      worker.start();
      this.workers.push(worker);
    }
    this.ticker = setInterval(() => this.tick(), this.opts.tickMs);
    this.tick();
  }

  /** Stops claiming new deliveries and waits until those in flight are recorded. */
  async stop(): Promise<void> {
    for (const stopWatching of [...this.watchers]) stopWatching();
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    await Promise.all(this.workers.map((w) => w.stop()));
    this.workers.length = 0;
    for (const timer of this.progressTimers.values()) clearTimeout(timer);
    this.progressTimers.clear();
    await this.publisher.idle();
  }

  /** One scheduler pass (also run at start, so nothing waits for the first period after a restart). */
  tick(now = Date.now()): void {
    try {
      for (const id of this.announcements.dueScheduled(now)) {
        try {
          this.sendNow(id);
        } catch (err) {
          // Another process may have started it between the query and here.
          this.logger.debug({ err, id }, 'scheduled announcement not started');
        }
      }
      for (const { id, knowledgeFile } of this.announcements.expiredPublished(now)) {
        this.publisher.unpublish(knowledgeFile);
        this.announcements.setKnowledgeFile(id, undefined);
        this.logger.info({ id }, 'announcement expired: removed from the knowledge base');
      }
      for (const id of this.announcements.idsWithStatus('sending')) this.checkSoon(id, 0);
    } catch (err) {
      this.logger.error({ err }, 'broadcast scheduler pass failed');
    }
  }

  private validate(draft: Omit<AnnouncementDraft, 'author'>) {
    const { draft: valid, problems } = validateDraft(draft, {
      config: this.deps.config,
      limits: (c) => {
        const s = this.senders.get(c);
        return s ? { text: s.maxTextLength, caption: s.maxCaptionLength ?? s.maxTextLength } : DEFAULT_LIMITS[c];
      },
      defaultChannels: this.channels.length ? this.channels : [...BROADCAST_CHANNELS],
    });
    if (problems.length) throw new AnnouncementError(problems);
    return valid;
  }

  private previewOf(a: Pick<Announcement, 'title' | 'body' | 'attachment' | 'channels' | 'topics' | 'wards'>): Preview {
    const recipients: Record<BroadcastChannel, number> = { telegram: 0, zalo: 0 };
    for (const s of this.announcements.audience(a, this.channels)) recipients[s.channel as BroadcastChannel]++;
    const warnings: string[] = [];
    // The Zalo Bot API takes attachments by URL only: a file on this server cannot reach Zalo.
    if (recipients.zalo > 0 && a.attachment && !a.attachment.url) warnings.push(t.zaloAttachmentDropped);
    return { text: renderAnnouncement(a), recipients, total: recipients.telegram + recipients.zalo, warnings };
  }

  private mustGet(id: number): Announcement {
    const a = this.announcements.get(id);
    if (!a) throw new AnnouncementError([t.notFound(id)], 'not_found');
    return a;
  }

  private progressOf(a: Announcement): BroadcastProgress {
    const now = Date.now();
    const c = this.announcements.counts(a.id, now - this.opts.rateWindowMs);
    let ratePerSecond = 0;
    if (a.startedAt !== undefined) {
      if (a.status === 'sending') ratePerSecond = c.sentSince / (Math.max(1, Math.min(this.opts.rateWindowMs, now - a.startedAt)) / 1000);
      else ratePerSecond = c.sent / (Math.max(1, (a.finishedAt ?? now) - a.startedAt) / 1000);
    }
    const pending = c.pending + c.sending;
    return {
      id: a.id,
      status: a.status,
      total: c.total,
      sent: c.sent,
      failed: c.failed,
      blocked: c.blocked,
      pending,
      skipped: c.skipped,
      ratePerSecond: Math.round(ratePerSecond * 10) / 10,
      etaSeconds: ratePerSecond > 0 ? Math.ceil(pending / ratePerSecond) : undefined,
    };
  }

  /** Progress is computed at most once per interval per announcement, and the run closed when complete. */
  private checkSoon(id: number, delayMs: number): void {
    if (this.progressTimers.has(id)) return;
    this.progressTimers.set(
      id,
      setTimeout(() => {
        this.progressTimers.delete(id);
        this.emitProgress(id);
      }, delayMs),
    );
  }

  private emitProgress(id: number): void {
    try {
      const finished = this.announcements.finishIfComplete(id);
      const a = this.announcements.get(id);
      if (!a) return;
      if (a.status !== 'sending') for (const w of this.workers) w.forget(id);
      const p = this.progressOf(a);
      if (finished) this.logger.info({ progress: p }, 'announcement done');
      for (const listener of this.listeners) {
        try {
          listener(p);
        } catch (err) {
          this.logger.error({ err }, 'broadcast progress listener failed');
        }
      }
    } catch (err) {
      this.logger.error({ err, id }, 'broadcast progress failed');
    }
  }
}
