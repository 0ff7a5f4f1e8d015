import type { ChannelName, Citation, Turn, Vote } from '../domain/index.js';
import type { Sqlite } from './database.js';

export interface LoggedQuestion {
  id: number;
  channel: ChannelName;
  chatId: string;
  userId?: string;
  question: string;
  answer: string;
  status: string;
  citations: Citation[];
  confidence: number;
  latencyMs: number;
  createdAt: number;
}

/** Conversation turns (for follow-ups), the question log and feedback on answers. */
export class ConversationStore {
  constructor(private readonly db: Sqlite) {}

  addTurn(channel: ChannelName, chatId: string, role: Turn['role'], text: string, at = Date.now()): void {
    this.db
      .prepare('INSERT INTO conversation_turns (channel, chat_id, role, text, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(channel, chatId, role, text, at);
  }

  /** The last `limit` turns newer than `maxAgeMs`, oldest first. */
  recentTurns(channel: ChannelName, chatId: string, limit: number, maxAgeMs: number): Turn[] {
    const rows = this.db
      .prepare(
        `SELECT role, text FROM conversation_turns WHERE channel = ? AND chat_id = ? AND created_at >= ?
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      )
      .all(channel, chatId, Date.now() - maxAgeMs, limit) as Turn[];
    return rows.reverse();
  }

  /** Everything of one chat: its turns, its questions and the votes on them. */
  forget(channel: ChannelName, chatId: string): { turns: number; questions: number } {
    const turns = this.db.prepare('DELETE FROM conversation_turns WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes;
    this.db.prepare('DELETE FROM feedback WHERE channel = ? AND chat_id = ?').run(channel, chatId);
    const questions = this.db.prepare('DELETE FROM questions WHERE channel = ? AND chat_id = ?').run(channel, chatId).changes;
    return { turns, questions };
  }

  /** Drops turns older than the history window: they can no longer be used and should not be kept. */
  pruneTurns(maxAgeMs: number): number {
    return this.db.prepare('DELETE FROM conversation_turns WHERE created_at < ?').run(Date.now() - maxAgeMs).changes;
  }

  logQuestion(entry: Omit<LoggedQuestion, 'id' | 'createdAt'>): number {
    const r = this.db
      .prepare(
        `INSERT INTO questions (channel, chat_id, user_id, question, answer, status, citations, confidence, latency_ms, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        entry.channel,
        entry.chatId,
        entry.userId ?? null,
        entry.question,
        entry.answer,
        entry.status,
        JSON.stringify(entry.citations),
        entry.confidence,
        Math.round(entry.latencyMs),
        Date.now(),
      );
    return Number(r.lastInsertRowid);
  }

  question(id: number): LoggedQuestion | undefined {
    const r = this.db.prepare('SELECT * FROM questions WHERE id = ?').get(id) as Record<string, any> | undefined;
    if (!r) return undefined;
    return {
      id: r.id,
      channel: r.channel,
      chatId: r.chat_id,
      userId: r.user_id ?? undefined,
      question: r.question,
      answer: r.answer,
      status: r.status,
      citations: JSON.parse(r.citations),
      confidence: r.confidence,
      latencyMs: r.latency_ms,
      createdAt: r.created_at,
    };
  }

  /**
   * Records (or changes) a vote. Only the chat that received the answer may vote on it; returns
   * false for an unknown question or a foreign chat.
   */
  vote(questionId: number, channel: ChannelName, chatId: string, vote: Vote, comment?: string): boolean {
    const q = this.question(questionId);
    if (!q || q.channel !== channel || q.chatId !== chatId) return false;
    this.db
      .prepare(
        `INSERT INTO feedback (question_id, channel, chat_id, vote, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (question_id, channel, chat_id) DO UPDATE SET vote = excluded.vote, comment = COALESCE(excluded.comment, comment), created_at = excluded.created_at`,
      )
      .run(questionId, channel, chatId, vote, comment ?? null, Date.now());
    return true;
  }

  /** Feedback joined with its question, answer and sources, newest first: what staff review. */
  feedbackForReview(limit = 50, vote?: Vote): (LoggedQuestion & { vote: Vote; comment?: string; votedAt: number })[] {
    const rows = this.db
      .prepare(
        `SELECT q.*, f.vote, f.comment, f.created_at AS voted_at FROM feedback f JOIN questions q ON q.id = f.question_id
         WHERE (@vote IS NULL OR f.vote = @vote) ORDER BY f.created_at DESC LIMIT @limit`,
      )
      .all({ vote: vote ?? null, limit }) as Record<string, any>[];
    return rows.map((r) => ({ ...this.question(r.id)!, vote: r.vote, comment: r.comment ?? undefined, votedAt: r.voted_at }));
  }
}
