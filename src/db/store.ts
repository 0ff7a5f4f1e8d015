// One handle over the database and its stores; open it once per process and pass it down. Each
// store owns its tables (and deletes its own rows); what spans several stores runs in one
// transaction through `transaction` or `immediate`.
import type { ChannelName } from '../domain/index.js';
import { AccessStore } from './access.js';
import { AnnouncementStore } from './announcements.js';
import { CaseStore } from './cases.js';
import { ConsoleStore } from './console-store.js';
import { ConversationStore } from './conversations.js';
import { openDatabase, type Sqlite } from './database.js';
import { OutboxStore } from './deliveries.js';
import { KeyValueStore } from './kv.js';
import { LeaseStore } from './leases.js';
import { NoticeStore } from './notices.js';
import { SubscriberStore } from './subscribers.js';

export class Store {
  readonly subscribers: SubscriberStore;
  readonly conversations: ConversationStore;
  readonly access: AccessStore;
  readonly kv: KeyValueStore;
  readonly announcements: AnnouncementStore;
  readonly outbox: OutboxStore;
  /** Direct notices to one chat, delivered through the outbox. */
  readonly notices: NoticeStore;
  readonly leases: LeaseStore;
  /** The staff console's accounts, sessions, audit trail, curated answers and reports. */
  readonly console: ConsoleStore;
  /** Cases residents hand to staff (their photos' files are PhotoFiles'). */
  readonly cases: CaseStore;

  constructor(private readonly db: Sqlite) {
    this.subscribers = new SubscriberStore(db);
    this.conversations = new ConversationStore(db);
    this.access = new AccessStore(db);
    this.kv = new KeyValueStore(db);
    this.announcements = new AnnouncementStore(db);
    this.outbox = new OutboxStore(db);
    this.notices = new NoticeStore(db, this.outbox);
    this.leases = new LeaseStore(db);
    this.console = new ConsoleStore(db);
    this.cases = new CaseStore(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  /** Runs `work` in one transaction (nested calls join the outer one). */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** Like `transaction`, but takes the write lock at once: for read-then-write decisions across processes. */
  immediate<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  /**
   * Everything stored about one chat: conversation, questions, feedback, subscription, notices,
   * sessions, and the personal part of its cases (anonymous counts stay). Returns the case photo
   * files to remove from disk.
   */
  forgetChat(
    channel: ChannelName,
    chatId: string,
  ): { turns: number; questions: number; subscriptions: number; notices: number; cases: number; photoFiles: string[] } {
    return this.transaction(() => {
      const { turns, questions } = this.conversations.forget(channel, chatId);
      const subscriptions = this.subscribers.forget(channel, chatId);
      const notices = this.notices.forget(channel, chatId);
      this.kv.forget(channel, chatId);
      // In a private chat the person's user id is the chat id: their audit entries go too.
      this.access.forget(channel, chatId);
      const { cases, photoFiles } = this.cases.forget(channel, chatId);
      return { turns, questions, subscriptions, notices, cases, photoFiles };
    });
  }

  /** The schema version applied and the journal mode (WAL for concurrent readers). */
  schema(): { version: number; journalMode: string } {
    const version = (this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v;
    return { version, journalMode: String(this.db.pragma('journal_mode', { simple: true })) };
  }

  isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
