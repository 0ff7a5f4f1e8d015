// One handle over the database and its stores; open it once per process and pass it down.

import type { ChannelName } from '../domain/index.js';
import { AccessStore } from './access.js';
import { AnnouncementStore } from './announcements.js';
import { ConversationStore } from './conversations.js';
import { openDatabase, type Sqlite } from './database.js';
import { KeyValueStore } from './kv.js';
import { SubscriberStore } from './subscribers.js';

export class Store {
  readonly subscribers: SubscriberStore;
  readonly conversations: ConversationStore;
  readonly access: AccessStore;
  readonly kv: KeyValueStore;
  readonly announcements: AnnouncementStore;

  constructor(readonly db: Sqlite) {
    this.subscribers = new SubscriberStore(db);
    this.conversations = new ConversationStore(db);
    this.access = new AccessStore(db);
    this.kv = new KeyValueStore(db);
    this.announcements = new AnnouncementStore(db, this.subscribers);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  /** Everything stored about one chat: conversation, questions, feedback, subscription, sessions. */
  forgetChat(channel: ChannelName, chatId: string): { turns: number; questions: number; subscriptions: number } {
    return this.db.transaction(() => {
      const turns = this.db.prepare('DELETE FROM conversation_turns WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes;
      this.db.prepare('DELETE FROM feedback WHERE channel = ? AND chat_id = ?').run(channel, chatId);
      const questions = this.db.prepare('DELETE FROM questions WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes;
      // Deliveries reference the subscriber; they go with it (ON DELETE CASCADE).
      const subscriptions = this.db.prepare('DELETE FROM subscribers WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes;
      this.kv.deletePrefix(`${channel}:${chatId}:`);
      // In a private chat the person's user id is the chat id: their audit entries and the
      // markers of their messages (keyed "<chatId>:<message id>") go too.
      this.db.prepare('DELETE FROM audit_log WHERE channel = ? AND user_id = ?').run(channel, chatId);
      this.db
        .prepare('DELETE FROM processed_updates WHERE channel = ? AND substr(update_key, 1, length(?)) = ?')
        .run(channel, `${chatId}:`, `${chatId}:`);
      return { turns, questions, subscriptions };
    })();
  }

  isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

export type { ChannelName };
