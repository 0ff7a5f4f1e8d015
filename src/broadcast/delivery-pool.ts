// One delivery worker per channel this process has a sender for. Each drains its channel's outbox
// only while it holds the channel's lease (see DeliveryWorker), so starting a pool in several
// processes is safe: one delivers, the others stand by.
import type { Store } from '../db/store.js';
import { BROADCAST_CHANNELS, type BroadcastChannel, type OutgoingAnnouncement } from '../domain/index.js';
import type { Logger } from '../logger.js';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.js';
import type { ChannelSender } from './types.js';
import { workerIsGone } from './worker-identity.js';

export interface DeliveryPoolDeps {
  store: Store;
  senders: ChannelSender[];
  logger: Logger;
  /** Called after each recorded outcome of an announcement's delivery. */
  onSettled: (announcementId: number) => void;
  worker: DeliveryWorkerOptions;
}

export class DeliveryPool {
  private readonly senders = new Map<BroadcastChannel, ChannelSender>();
  private readonly workers: DeliveryWorker[] = [];

  constructor(private readonly deps: DeliveryPoolDeps) {
    for (const s of deps.senders) this.senders.set(s.channel, s);
  }

  /** Channels this process can deliver to (a configured sender each). */
  get channels(): BroadcastChannel[] {
    return BROADCAST_CHANNELS.filter((c) => this.senders.has(c));
  }

  sender(channel: BroadcastChannel): ChannelSender | undefined {
    return this.senders.get(channel);
  }

  get running(): boolean {
    return this.workers.length > 0;
  }

  start(): void {
    if (this.running) return;
    const { store, logger } = this.deps;
    const loadMessage = (id: number): OutgoingAnnouncement | undefined => {
      const a = store.announcements.get(id);
      return a && { id: a.id, title: a.title, body: a.body, attachment: a.attachment };
    };
    for (const sender of this.senders.values()) {
      const worker = new DeliveryWorker(
        { store, sender, logger, loadMessage, onSettled: (id) => this.deps.onSettled(id) },
        this.deps.worker,
      );
      worker.start();
      this.workers.push(worker);
    }
  }

  /** New deliveries were written. */
  wake(): void {
    for (const w of this.workers) w.wake();
  }

  /** The announcement changed or finished: its cached text is dropped. */
  forget(id: number): void {
    for (const w of this.workers) w.forget(id);
  }

  /** Channels whose outbox a worker of another process is draining now. */
  deliveredElsewhere(): BroadcastChannel[] {
    const mine = new Set(this.workers.map((w) => w.id));
    return this.channels.filter((c) => {
      const holder = this.deps.store.leases.holder(c);
      return holder !== undefined && !mine.has(holder) && !workerIsGone(holder);
    });
  }

  /** Stops claiming and waits until the sends in flight are recorded. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.stop()));
    this.workers.length = 0;
  }
}
