// Cases, what was said in them and their photos (the files themselves are PhotoFiles'). Numbers
// ("BK-000123") are the core's business: rows here know only their id.
import type { Case, CaseEntry, CaseEntryKind, CaseKind, CasePhoto, CaseStatus, ChannelName } from '../domain/index.js';
import { HANDLED_STATUSES, isFinal } from '../domain/index.js';
import type { Sqlite } from './database.js';

/** A case as stored: everything but its number, and whether its rating was asked. */
export type StoredCase = Omit<Case, 'number'> & { ratingAsked: boolean };

/** What opening a case writes; the rest starts empty. */
export type NewCase = Pick<
  Case,
  'kind' | 'channel' | 'chatId' | 'userId' | 'displayName' | 'category' | 'ward' | 'address' | 'location' | 'text' | 'dueAt'
> & { at: number };

export interface CaseFilter {
  status?: CaseStatus | 'open';
  kind?: CaseKind;
  category?: string;
  ward?: string;
  assignee?: string;
  /** Nobody is in charge of it yet. */
  unassigned?: boolean;
  /** Opened before this instant (older than an age). */
  openedBefore?: number;
  /** Past due and not handled, at `now`. */
  overdue?: boolean;
  /** Words in the text, address or number. */
  text?: string;
}

export interface CaseFigures {
  /** Category slug or ward name ('' when none was given). */
  key: string;
  received: number;
  handled: number;
  /** Handled at or before the due time. */
  handledOnTime: number;
  /** Median ms from opening to the first staff reply, over cases that have one. */
  medianFirstReplyMs?: number;
  ratings: number;
  /** Mean rating 1–5. */
  satisfaction?: number;
}

interface Row {
  id: number;
  kind: CaseKind;
  status: CaseStatus;
  channel: ChannelName;
  chat_id: string | null;
  user_id: string | null;
  display_name: string | null;
  category: string | null;
  ward: string | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  text: string;
  assignee: string | null;
  created_at: number;
  updated_at: number;
  due_at: number;
  first_reply_at: number | null;
  handled_at: number | null;
  closed_at: number | null;
  rating: number | null;
  rating_asked: number;
  anonymized: number;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const OPEN = `status NOT IN ('closed', 'out_of_scope')`;
const HANDLED = `(${HANDLED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

export class CaseStore {
  constructor(private readonly db: Sqlite) {}

  /** Returns the new case's id. */
  create(c: NewCase): number {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO cases (kind, channel, chat_id, user_id, display_name, category, ward, address, latitude, longitude, text,
                            created_at, updated_at, due_at)
         VALUES (@kind, @channel, @chatId, @userId, @displayName, @category, @ward, @address, @latitude, @longitude, @text,
                 @at, @at, @dueAt)`,
      )
      .run({
        ...c,
        displayName: c.displayName ?? null,
        category: c.category ?? null,
        ward: c.ward ?? null,
        address: c.address ?? null,
        latitude: c.location?.latitude ?? null,
        longitude: c.location?.longitude ?? null,
      });
    return Number(lastInsertRowid);
  }

  get(id: number): StoredCase | undefined {
    const row = this.db.prepare('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
    return row && this.toCase(row, this.photos(id));
  }

  /** The chat's cases, newest first. */
  forChat(channel: ChannelName, chatId: string, limit = 10): StoredCase[] {
    const rows = this.db
      .prepare('SELECT * FROM cases WHERE channel = ? AND chat_id = ? ORDER BY id DESC LIMIT ?')
      .all(channel, chatId, limit) as Row[];
    return rows.map((r) => this.toCase(r, this.photos(r.id)));
  }

  /** Cases a person opened since `since` (the daily limit). */
  openedSince(channel: ChannelName, userId: string, since: number): number {
    const r = this.db
      .prepare('SELECT COUNT(*) AS n FROM cases WHERE channel = ? AND user_id = ? AND created_at >= ?')
      .get(channel, userId, since) as { n: number };
    return r.n;
  }

  list(filter: CaseFilter, page: { limit: number; offset: number }, now = Date.now()): { cases: StoredCase[]; total: number } {
    const where: string[] = [];
    const params: Record<string, unknown> = { now };
    if (filter.status === 'open') where.push(OPEN);
    else if (filter.status) where.push('status = @status'), (params.status = filter.status);
    for (const [column, value] of [
      ['kind', filter.kind],
      ['category', filter.category],
      ['ward', filter.ward],
      ['assignee', filter.assignee],
    ] as const)
      if (value) where.push(`${column} = @${column}`), (params[column] = value);
    if (filter.openedBefore !== undefined) where.push('created_at < @openedBefore'), (params.openedBefore = filter.openedBefore);
    if (filter.overdue) where.push(`due_at < @now AND status NOT IN ${HANDLED}`);
    if (filter.unassigned) where.push('assignee IS NULL');
    if (filter.text?.trim()) {
      const id = /^\D*(\d{1,9})\D*$/.exec(filter.text.trim());
      where.push(`(text LIKE @like ESCAPE '\\' OR address LIKE @like ESCAPE '\\'${id ? ' OR id = @id' : ''})`);
      params.like = `%${filter.text.trim().replace(/[%_]/g, (c) => `\\${c}`)}%`;
      if (id) params.id = Number(id[1]);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM cases ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM cases ${clause} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, ...page }) as Row[];
    return { cases: rows.map((r) => this.toCase(r, this.photos(r.id))), total };
  }

  entries(caseId: number, options: { notes: boolean }): CaseEntry[] {
    const rows = this.db
      .prepare(`SELECT * FROM case_entries WHERE case_id = ? ${options.notes ? '' : "AND kind <> 'note'"} ORDER BY id`)
      .all(caseId) as { id: number; case_id: number; kind: CaseEntryKind; author: string | null; text: string; at: number }[];
    return rows.map((r) => ({ id: r.id, caseId: r.case_id, kind: r.kind, author: opt(r.author), text: r.text, at: r.at }));
  }

  addEntry(caseId: number, kind: CaseEntryKind, text: string, author: string | undefined, at: number): number {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO case_entries (case_id, kind, author, text, at) VALUES (?, ?, ?, ?, ?)')
      .run(caseId, kind, author ?? null, text, at);
    this.db.prepare('UPDATE cases SET updated_at = ? WHERE id = ?').run(at, caseId);
    return Number(lastInsertRowid);
  }

  /** The first staff reply's time is kept (median time to first reply). */
  markReplied(caseId: number, at: number): void {
    this.db.prepare('UPDATE cases SET first_reply_at = COALESCE(first_reply_at, ?) WHERE id = ?').run(at, caseId);
  }

  /** Writes the status with its entry; the first handled and the final time are kept. */
  setStatus(caseId: number, status: CaseStatus, by: string, at: number): void {
    const handled = HANDLED_STATUSES.includes(status) ? at : null;
    const closed = isFinal(status) ? at : null;
    this.db
      .prepare(
        `UPDATE cases SET status = ?, updated_at = ?, handled_at = COALESCE(handled_at, ?),
                          closed_at = CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(closed_at, ?) END
         WHERE id = ?`,
      )
      .run(status, at, handled, closed, closed, caseId);
    this.addEntry(caseId, 'status', status, by, at);
  }

  assign(caseId: number, assignee: string | undefined, by: string, at: number): void {
    this.db.prepare('UPDATE cases SET assignee = ? WHERE id = ?').run(assignee ?? null, caseId);
    this.addEntry(caseId, 'assign', assignee ?? '', by, at);
  }

  /** Marks the rating question as sent; false when it already was (it is asked once). */
  askRatingOnce(caseId: number): boolean {
    return this.db.prepare('UPDATE cases SET rating_asked = 1 WHERE id = ? AND rating_asked = 0').run(caseId).changes > 0;
  }

  /** Keeps the first rating only; false when the case was already rated. */
  rate(caseId: number, rating: number, at: number): boolean {
    const changed = this.db.prepare('UPDATE cases SET rating = ? WHERE id = ? AND rating IS NULL').run(rating, caseId).changes > 0;
    if (changed) this.addEntry(caseId, 'rating', String(rating), undefined, at);
    return changed;
  }

  addPhoto(caseId: number, photo: Omit<CasePhoto, 'id'>, at: number): number {
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO case_photos (case_id, file, mime, bytes, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(caseId, photo.file, photo.mime, photo.bytes, at);
    return Number(lastInsertRowid);
  }

  /** True when a case holds this photo file. */
  hasPhotoFile(file: string): boolean {
    return Boolean(this.db.prepare('SELECT 1 FROM case_photos WHERE file = ?').get(file));
  }

  photo(photoId: number): (CasePhoto & { caseId: number }) | undefined {
    const r = this.db.prepare('SELECT id, case_id, file, mime, bytes FROM case_photos WHERE id = ?').get(photoId) as
      | { id: number; case_id: number; file: string; mime: string; bytes: number }
      | undefined;
    return r && { id: r.id, caseId: r.case_id, file: r.file, mime: r.mime, bytes: r.bytes };
  }

  /** Per category or per ward, over cases opened in [since, until). */
  figures(by: 'category' | 'ward', since: number, until: number): CaseFigures[] {
    const rows = this.db
      .prepare(
        `SELECT COALESCE(${by}, '') AS key, COUNT(*) AS received,
                SUM(handled_at IS NOT NULL) AS handled,
                SUM(handled_at IS NOT NULL AND handled_at <= due_at) AS on_time,
                COUNT(rating) AS ratings, AVG(rating) AS satisfaction
         FROM cases WHERE created_at >= ? AND created_at < ? GROUP BY 1 ORDER BY received DESC, key`,
      )
      .all(since, until) as {
      key: string;
      received: number;
      handled: number;
      on_time: number;
      ratings: number;
      satisfaction: number | null;
    }[];
    const replies = this.db
      .prepare(
        `SELECT COALESCE(${by}, '') AS key, first_reply_at - created_at AS ms FROM cases
         WHERE created_at >= ? AND created_at < ? AND first_reply_at IS NOT NULL ORDER BY 1, 2`,
      )
      .all(since, until) as { key: string; ms: number }[];
    const byKey = new Map<string, number[]>();
    for (const r of replies) {
      const times = byKey.get(r.key);
      if (times) times.push(r.ms);
      else byKey.set(r.key, [r.ms]);
    }
    return rows.map((r) => {
      const times = byKey.get(r.key) ?? [];
      return {
        key: r.key,
        received: r.received,
        handled: r.handled,
        handledOnTime: r.on_time,
        medianFirstReplyMs: times.length ? median(times) : undefined,
        ratings: r.ratings,
        satisfaction: r.satisfaction ?? undefined,
      };
    });
  }

  /**
   * The resident's data deletion: their cases keep kind, category, ward, status, times and rating
   * (anonymous counts) and lose everything that says who or exactly where, what they wrote and what
   * was written to them. Returns the photo files to remove from disk.
   */
  forget(channel: ChannelName, chatId: string): { cases: number; photoFiles: string[] } {
    const ids = (this.db.prepare('SELECT id FROM cases WHERE channel = ? AND chat_id = ?').all(channel, chatId) as { id: number }[]).map(
      (r) => r.id,
    );
    const photoFiles: string[] = [];
    for (const id of ids) {
      photoFiles.push(...this.photos(id).map((p) => p.file));
      this.db.prepare('DELETE FROM case_photos WHERE case_id = ?').run(id);
      this.db.prepare(`DELETE FROM case_entries WHERE case_id = ? AND kind IN ('resident', 'staff', 'note')`).run(id);
      this.db
        .prepare(
          `UPDATE cases SET chat_id = NULL, user_id = NULL, display_name = NULL, address = NULL, latitude = NULL, longitude = NULL,
                            text = '', anonymized = 1 WHERE id = ?`,
        )
        .run(id);
    }
    return { cases: ids.length, photoFiles };
  }

  private photos(caseId: number): CasePhoto[] {
    return this.db.prepare('SELECT id, file, mime, bytes FROM case_photos WHERE case_id = ? ORDER BY id').all(caseId) as CasePhoto[];
  }

  private toCase(r: Row, photos: CasePhoto[]): StoredCase {
    return {
      id: r.id,
      kind: r.kind,
      status: r.status,
      channel: r.channel,
      chatId: r.chat_id ?? '',
      userId: r.user_id ?? '',
      displayName: opt(r.display_name),
      category: opt(r.category),
      ward: opt(r.ward),
      address: opt(r.address),
      location: r.latitude !== null && r.longitude !== null ? { latitude: r.latitude, longitude: r.longitude } : undefined,
      text: r.text,
      assignee: opt(r.assignee),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      dueAt: r.due_at,
      firstReplyAt: opt(r.first_reply_at),
      handledAt: opt(r.handled_at),
      closedAt: opt(r.closed_at),
      rating: opt(r.rating),
      ratingAsked: r.rating_asked === 1,
      anonymized: r.anonymized === 1,
      photos,
    };
  }
}

function median(sorted: number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
