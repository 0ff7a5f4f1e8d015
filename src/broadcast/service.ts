// The one broadcast service behind every entry point (the staff flows of every channel, the CLI,
// the HTTP API): the life of an announcement (draft → scheduled → sending → done / cancelled),
// each transition one transaction over the announcement and its outbox. Delivery (DeliveryPool),
// the clock (Scheduler), knowledge publishing (KnowledgePublisher) and progress (ProgressWatch)
// are parts of their own that this facade composes.
import type { Config } from '../config.js';
import type { Store } from '../db/store.js';
import type { Announcement } from '../domain/index.js';
import { type Attachment, BROADCAST_CHANNELS, type BroadcastChannel, type BroadcastProgress, renderAnnouncement } from '../domain/index.js';
import type { Logger } from '../logger.js';
import { broadcastTexts as t } from '../texts/broadcast.js';
import { DeliveryPool } from './delivery-pool.js';
import type { DeliveryWorkerOptions } from './delivery-worker.js';
import { AnnouncementError } from './errors.js';
import { KnowledgePublisher } from './knowledge-publisher.js';
import { measureProgress, type ProgressListener, ProgressWatch } from './progress.js';
import { DEFAULT_LIMITS } from './render.js';
import { Scheduler } from './scheduler.js';
import type { ChannelSender } from './types.js';
import { validateDraft } from './validate.js';

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
  /** A run is checked for completion at most this often while its deliveries settle. */
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
  private readonly store: Store;
  private readonly logger: Logger;
  private readonly pool: DeliveryPool;
  private readonly scheduler: Scheduler;
  private readonly publisher: KnowledgePublisher;
  private readonly progressWatch: ProgressWatch;
  private readonly closeTimers = new Map<number, NodeJS.Timeout>();
  private readonly opts: Required<Omit<BroadcastServiceOptions, 'worker'>>;

  constructor(private readonly deps: BroadcastServiceDeps) {
    this.store = deps.store;
    this.logger = deps.logger.child({ module: 'broadcast' });
    this.opts = { tickMs: 1000, progressIntervalMs: 200, rateWindowMs: 5000, ...deps.options };
    this.publisher = new KnowledgePublisher(deps.config.paths.knowledge, this.logger, deps.refreshKnowledge);
    this.pool = new DeliveryPool({
      store: deps.store,
      senders: deps.senders,
      logger: this.logger,
      onSettled: (id) => this.closeSoon(id),
      worker: { maxAttempts: deps.config.broadcast.maxAttempts, ...deps.options?.worker },
    });
    this.scheduler = new Scheduler({
      store: deps.store,
      publisher: this.publisher,
      logger: this.logger,
      startSending: (id) => this.sendNow(id),
      closeIfComplete: (id) => this.closeIfComplete(id),
    });
    this.progressWatch = new ProgressWatch((id) => this.progress(id), this.logger);
  }

  /** Channels this process can deliver to (a configured sender each). */
  get channels(): BroadcastChannel[] {
    return this.pool.channels;
  }

  /** Validates and stores a draft (or a scheduled announcement when `scheduledAt` is set). */
  create(draft: AnnouncementDraft): Announcement {
    const valid = this.validate(draft);
    const a = this.store.announcements.create({
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
    return this.previewOf(this.validate(draft));
  }

  preview(id: number): Preview {
    return this.previewOf(this.mustGet(id));
  }

  /** Starts sending now: the audience is resolved into deliveries, the text joins the knowledge base. */
  sendNow(id: number): Announcement {
    const a = this.mustGet(id);
    if (a.status !== 'draft' && a.status !== 'scheduled') throw new AnnouncementError([t.cannotSend(id, a.status)], 'conflict');
    const now = Date.now();
    // The audience is the one at this moment, written in the same transaction as the status.
    const total = this.store.transaction(() => {
      if (!this.store.announcements.markSending(id, now)) return undefined;
      return this.store.outbox.enqueue(id, this.audience(a));
    });
    if (total === undefined) throw new AnnouncementError([t.cannotSend(id, this.mustGet(id).status)], 'conflict');
    this.logger.info({ id, total }, 'announcement sending');
    try {
      // Without an expiry of its own, it leaves the knowledge base after the configured days.
      const days = this.deps.config.broadcast.knowledgeDays;
      const published = a.expiresAt === undefined && days > 0 ? { ...a, expiresAt: now + days * 86_400_000 } : a;
      if (published !== a) this.store.announcements.setExpiry(id, published.expiresAt!);
      this.store.announcements.setKnowledgeFile(id, this.publisher.publish(published, now));
    } catch (err) {
      // Residents still get the message; only the later questions about it would miss it.
      this.logger.error({ err, id }, 'broadcast: could not publish the announcement to the knowledge base');
    }
    this.pool.wake();
    this.closeSoon(id, 0);
    return this.mustGet(id);
  }

  schedule(id: number, at: Date): Announcement {
    const a = this.mustGet(id);
    if (a.status !== 'draft' && a.status !== 'scheduled') throw new AnnouncementError([t.cannotSchedule(id, a.status)], 'conflict');
    this.validate({ ...a, scheduledAt: at, expiresAt: a.expiresAt === undefined ? undefined : new Date(a.expiresAt) });
    if (!this.store.announcements.schedule(id, at.getTime()))
      throw new AnnouncementError([t.cannotSchedule(id, this.mustGet(id).status)], 'conflict');
    this.logger.info({ id, at: at.toISOString() }, 'announcement scheduled');
    return this.mustGet(id);
  }

  /** Stops a draft, scheduled or running announcement; deliveries not yet sent are skipped. */
  cancel(id: number): Announcement {
    const a = this.mustGet(id);
    const cancelled = this.store.transaction(() => {
      if (!this.store.announcements.cancel(id)) return false;
      this.store.outbox.skipPending(id);
      return true;
    });
    if (!cancelled) throw new AnnouncementError([t.cannotCancel(id, a.status)], 'conflict');
    this.logger.info({ id }, 'announcement cancelled');
    this.pool.forget(id);
    // A stopped announcement is no longer the city's word: it leaves the knowledge base too.
    const file = this.mustGet(id).knowledgeFile;
    if (file) {
      this.store.announcements.setKnowledgeFile(id, undefined);
      this.publisher.unpublish(file);
    }
    return this.mustGet(id);
  }

  get(id: number): Announcement | undefined {
    return this.store.announcements.get(id);
  }

  recent(limit = 20): (Announcement & { progress: BroadcastProgress })[] {
    return this.store.announcements.recent(limit).map((a) => ({ ...a, progress: this.progressOf(a) }));
  }

  progress(id: number): BroadcastProgress {
    return this.progressOf(this.mustGet(id));
  }

  /**
   * Follows an announcement by reading the database, so it works wherever the delivery worker
   * runs. Calls `onUpdate` when the counts or status change, and a last time with `done` once it
   * is done or cancelled; then stops. Returns a function that stops watching earlier.
   */
  watch(id: number, onUpdate: ProgressListener, intervalMs = 3000): () => void {
    return this.progressWatch.watch(id, onUpdate, intervalMs);
  }

  /** Resolves with the final progress once the announcement is done or cancelled. */
  waitUntilFinished(id: number, pollMs = Math.min(100, this.opts.tickMs)): Promise<BroadcastProgress> {
    return this.progressWatch.finished(id, pollMs);
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
    return this.pool.deliveredElsewhere();
  }

  /**
   * Direct notices were written (Store.notices.enqueue, after the caller's transaction committed):
   * this process's workers stop idling and send them now. Workers of another process find them
   * within their idle poll (about a second).
   */
  wake(): void {
    this.pool.wake();
  }

  /** Starts the delivery workers and the scheduler. */
  start(): void {
    if (this.pool.running) return;
    this.pool.start();
    this.scheduler.start(this.opts.tickMs);
  }

  /** Stops claiming new deliveries and waits until those in flight are recorded. */
  async stop(): Promise<void> {
    this.progressWatch.stopAll();
    this.scheduler.stop();
    await this.pool.stop();
    for (const timer of this.closeTimers.values()) clearTimeout(timer);
    this.closeTimers.clear();
    await this.publisher.idle();
  }

  /** One scheduler pass (tests drive the clock with it). */
  tick(now = Date.now()): void {
    this.scheduler.tick(now);
  }

  private validate(draft: Omit<AnnouncementDraft, 'author'>) {
    const { draft: valid, problems } = validateDraft(draft, {
      config: this.deps.config,
      limits: (c) => {
        const s = this.pool.sender(c);
        return s ? { text: s.maxTextLength, caption: s.maxCaptionLength ?? s.maxTextLength } : DEFAULT_LIMITS[c];
      },
      defaultChannels: this.channels.length ? this.channels : [...BROADCAST_CHANNELS],
    });
    if (problems.length) throw new AnnouncementError(problems);
    return valid;
  }

  /** Active subscribers the announcement reaches on the channels this process can deliver to. */
  private audience(a: Pick<Announcement, 'channels' | 'topics' | 'wards'>) {
    const wanted = a.channels.length ? a.channels.filter((c) => this.channels.includes(c)) : this.channels;
    if (!wanted.length) return [];
    return this.store.subscribers.audience({ channels: wanted, topics: a.topics, wards: a.wards });
  }

  private previewOf(a: Pick<Announcement, 'title' | 'body' | 'attachment' | 'channels' | 'topics' | 'wards'>): Preview {
    const recipients: Record<BroadcastChannel, number> = { telegram: 0, zalo: 0 };
    for (const s of this.audience(a)) recipients[s.channel as BroadcastChannel]++;
    const warnings: string[] = [];
    // The Zalo Bot API takes attachments by URL only: a file on this server cannot reach Zalo.
    if (recipients.zalo > 0 && a.attachment && !a.attachment.url) warnings.push(t.zaloAttachmentDropped);
    return { text: renderAnnouncement(a), recipients, total: recipients.telegram + recipients.zalo, warnings };
  }

  private mustGet(id: number): Announcement {
    const a = this.store.announcements.get(id);
    if (!a) throw new AnnouncementError([t.notFound(id)], 'not_found');
    return a;
  }

  private progressOf(a: Announcement): BroadcastProgress {
    return measureProgress(this.store, a, this.opts.rateWindowMs);
  }

  /** Checks a run for completion at most once per interval while its deliveries settle. */
  private closeSoon(id: number, delayMs = this.opts.progressIntervalMs): void {
    if (this.closeTimers.has(id)) return;
    this.closeTimers.set(
      id,
      setTimeout(() => {
        this.closeTimers.delete(id);
        this.closeIfComplete(id);
      }, delayMs),
    );
  }

  /** A run with nothing pending or in flight is done. */
  private closeIfComplete(id: number): void {
    try {
      const closed = this.store.transaction(() => !this.store.outbox.hasUnfinished(id) && this.store.announcements.markDone(id));
      if (!closed) return;
      this.pool.forget(id);
      this.logger.info({ progress: this.progress(id) }, 'announcement done');
    } catch (err) {
      this.logger.error({ err, id }, 'broadcast: could not close a run');
    }
  }
}
