// Read-only views for the staff console over tables other stores own and write: the question log
// with its votes, the unanswered questions, and the figures of the overview. Nothing here writes.
import type { Citation } from '../domain/knowledge.js';
import type { Sqlite } from './database.js';

export interface LogQuery {
  /** Accent- and case-insensitive words the question must contain (compared folded, in JS). */
  text?: string;
  channel?: string;
  status?: string;
  vote?: 'up' | 'down' | 'none';
  /** Epoch ms, inclusive / exclusive. */
  from?: number;
  to?: number;
  /** Rows with a smaller id (next page). */
  before?: number;
  limit: number;
}

export interface LogEntry {
  id: number;
  channel: string;
  question: string;
  answer: string;
  status: string;
  citations: Citation[];
  createdAt: number;
  vote?: 'up' | 'down';
  comment?: string;
}

export interface Overview {
  days: { day: string; channel: string; count: number }[];
  statuses: Record<string, number>;
  votes: { up: number; down: number };
  recentDown: { id: number; question: string; comment?: string; channel: string; votedAt: number }[];
  subscribers: { topics: Record<string, number>; wards: Record<string, number>; active: number };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/gi, 'd').toLowerCase();

function toEntry(r: Record<string, any>): LogEntry {
  return {
    id: r.id,
    channel: r.channel,
    question: r.question,
    answer: r.answer,
    status: r.status,
    citations: JSON.parse(r.citations),
    createdAt: r.created_at,
    vote: r.vote ?? undefined,
    comment: r.comment ?? undefined,
  };
}

// One vote per question in practice (only the asking chat may vote); MAX keeps one row per question.
const LOG_SELECT = `SELECT q.id, q.channel, q.question, q.answer, q.status, q.citations, q.created_at,
  (SELECT f.vote FROM feedback f WHERE f.question_id = q.id ORDER BY f.created_at DESC LIMIT 1) AS vote,
  (SELECT f.comment FROM feedback f WHERE f.question_id = q.id ORDER BY f.created_at DESC LIMIT 1) AS comment
  FROM questions q`;

export class QuestionReports {
  constructor(private readonly db: Sqlite) {}

  /** Newest first. Text search is folded, so "cau doi ky" finds "Cầu Đội Kỳ". */
  log(query: LogQuery): LogEntry[] {
    const words = query.text ? fold(query.text).split(/\s+/).filter(Boolean) : [];
    const rows = this.db
      .prepare(
        `SELECT * FROM (${LOG_SELECT}
           WHERE (@channel IS NULL OR q.channel = @channel) AND (@status IS NULL OR q.status = @status)
             AND (@from IS NULL OR q.created_at >= @from) AND (@to IS NULL OR q.created_at < @to)
             AND (@before IS NULL OR q.id < @before))
         WHERE (@vote IS NULL OR (@vote = 'none' AND vote IS NULL) OR vote = @vote)
         ORDER BY id DESC`,
      )
      .iterate({
        channel: query.channel ?? null,
        status: query.status ?? null,
        from: query.from ?? null,
        to: query.to ?? null,
        before: query.before ?? null,
        vote: query.vote ?? null,
      }) as IterableIterator<Record<string, any>>;
    const out: LogEntry[] = [];
    for (const r of rows) {
      if (words.length) {
        const text = fold(r.question);
        if (!words.every((w) => text.includes(w))) continue;
      }
      out.push(toEntry(r));
      if (out.length >= query.limit) break;
    }
    return out;
  }

  entry(id: number): LogEntry | undefined {
    const r = this.db.prepare(`${LOG_SELECT} WHERE q.id = ?`).get(id) as Record<string, any> | undefined;
    return r && toEntry(r);
  }

  /** Questions the bot could not answer (not found in the documents, or refused), newest first. */
  unanswered(since: number, limit = 5000): LogEntry[] {
    const rows = this.db
      .prepare(`${LOG_SELECT} WHERE q.status IN ('not_found', 'refused') AND q.created_at >= ? ORDER BY q.id DESC LIMIT ?`)
      .all(since, limit) as Record<string, any>[];
    return rows.map(toEntry);
  }

  /** Every question since `since`, oldest first, for the CSV export (no resident ids). */
  *export(since: number): Generator<LogEntry> {
    const rows = this.db.prepare(`${LOG_SELECT} WHERE q.created_at >= ? ORDER BY q.id`).iterate(since) as IterableIterator<
      Record<string, any>
    >;
    for (const r of rows) yield toEntry(r);
  }

  overview(since: number, timeZoneOffsetMinutes: number): Overview {
    const offset = timeZoneOffsetMinutes * 60_000;
    const days = this.db
      .prepare(
        `SELECT date((created_at + ?) / 1000, 'unixepoch') AS day, channel, COUNT(*) AS count FROM questions
         WHERE created_at >= ? GROUP BY day, channel ORDER BY day`,
      )
      .all(offset, since) as Overview['days'];
    const statuses: Record<string, number> = {};
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM questions WHERE created_at >= ? GROUP BY status').all(since) as {
      status: string;
      n: number;
    }[])
      statuses[r.status] = r.n;
    const votes = { up: 0, down: 0 };
    for (const r of this.db.prepare('SELECT vote, COUNT(*) AS n FROM feedback WHERE created_at >= ? GROUP BY vote').all(since) as {
      vote: 'up' | 'down';
      n: number;
    }[])
      votes[r.vote] = r.n;
    const recentDown = (
      this.db
        .prepare(
          `SELECT q.id, q.question, q.channel, f.comment, f.created_at AS voted_at FROM feedback f JOIN questions q ON q.id = f.question_id
           WHERE f.vote = 'down' ORDER BY f.created_at DESC LIMIT 10`,
        )
        .all() as Record<string, any>[]
    ).map((r) => ({ id: r.id, question: r.question, channel: r.channel, comment: r.comment ?? undefined, votedAt: r.voted_at }));
    const topics: Record<string, number> = {};
    const wards: Record<string, number> = {};
    let active = 0;
    for (const r of this.db.prepare("SELECT topics, wards FROM subscribers WHERE status = 'active'").iterate() as IterableIterator<{
      topics: string;
      wards: string;
    }>) {
      active++;
      const list = JSON.parse(r.topics) as string[];
      for (const t of list.length ? list : ['*']) topics[t] = (topics[t] ?? 0) + 1;
      const chosen = JSON.parse(r.wards) as string[];
      for (const w of chosen.length ? chosen : ['*']) wards[w] = (wards[w] ?? 0) + 1;
    }
    return { days, statuses, votes, recentDown, subscribers: { topics, wards, active } };
  }
}
