// Answers written by the city's staff for questions the documents answer badly or not at all.
// Every edit is a new version (kept in curated_answer_versions); withdrawing keeps the history.
import type { Sqlite } from './database.js';

/** A document a curated answer points to, as it was when the answer was written. */
export interface CuratedSource {
  docId: string;
  title: string;
  number?: string;
  issued?: string;
  sourceUrl?: string;
}

export interface CuratedAnswer {
  id: number;
  status: 'active' | 'withdrawn';
  version: number;
  answer: string;
  variants: string[];
  sources: CuratedSource[];
  expiresAt?: number;
  createdBy: string;
  updatedBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface CuratedVersion {
  version: number;
  answer: string;
  variants: string[];
  sources: CuratedSource[];
  expiresAt?: number;
  status: CuratedAnswer['status'];
  author: string;
  createdAt: number;
}

export interface CuratedContent {
  answer: string;
  variants: string[];
  sources: CuratedSource[];
  expiresAt?: number;
}

function toAnswer(r: Record<string, any>): CuratedAnswer {
  return {
    id: r.id,
    status: r.status,
    version: r.version,
    answer: r.answer,
    variants: JSON.parse(r.variants),
    sources: JSON.parse(r.citations),
    expiresAt: r.expires_at ?? undefined,
    createdBy: r.created_by,
    updatedBy: r.updated_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class CuratedAnswerStore {
  constructor(private readonly db: Sqlite) {}

  create(content: CuratedContent, author: string, now = Date.now()): CuratedAnswer {
    return this.db.transaction(() => {
      const r = this.db
        .prepare(
          `INSERT INTO curated_answers (answer, variants, citations, expires_at, created_by, updated_by, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          content.answer,
          JSON.stringify(content.variants),
          JSON.stringify(content.sources),
          content.expiresAt ?? null,
          author,
          author,
          now,
          now,
        );
      const id = Number(r.lastInsertRowid);
      this.keepVersion(id, author, now);
      return this.get(id)!;
    })();
  }

  /** A new version; the previous ones stay readable. */
  update(id: number, content: CuratedContent, author: string, now = Date.now()): CuratedAnswer | undefined {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          `UPDATE curated_answers SET version = version + 1, answer = ?, variants = ?, citations = ?, expires_at = ?, status = 'active',
             updated_by = ?, updated_at = ? WHERE id = ?`,
        )
        .run(
          content.answer,
          JSON.stringify(content.variants),
          JSON.stringify(content.sources),
          content.expiresAt ?? null,
          author,
          now,
          id,
        ).changes;
      if (!changed) return undefined;
      this.keepVersion(id, author, now);
      return this.get(id);
    })();
  }

  withdraw(id: number, author: string, now = Date.now()): CuratedAnswer | undefined {
    return this.db.transaction(() => {
      const changed = this.db
        .prepare(
          "UPDATE curated_answers SET version = version + 1, status = 'withdrawn', updated_by = ?, updated_at = ? WHERE id = ? AND status = 'active'",
        )
        .run(author, now, id).changes;
      if (!changed) return undefined;
      this.keepVersion(id, author, now);
      return this.get(id);
    })();
  }

  get(id: number): CuratedAnswer | undefined {
    const r = this.db.prepare('SELECT * FROM curated_answers WHERE id = ?').get(id) as Record<string, any> | undefined;
    return r && toAnswer(r);
  }

  list(options: { status?: CuratedAnswer['status'] } = {}): CuratedAnswer[] {
    return (
      this.db
        .prepare('SELECT * FROM curated_answers WHERE (@status IS NULL OR status = @status) ORDER BY updated_at DESC')
        .all({ status: options.status ?? null }) as Record<string, any>[]
    ).map(toAnswer);
  }

  /** What matching uses: active and not expired. */
  inForce(now = Date.now()): CuratedAnswer[] {
    return (
      this.db
        .prepare("SELECT * FROM curated_answers WHERE status = 'active' AND (expires_at IS NULL OR expires_at > ?)")
        .all(now) as Record<string, any>[]
    ).map(toAnswer);
  }

  /** A cheap fingerprint that changes with every write: lets a reader cache what it built from inForce(). */
  revision(): string {
    const r = this.db.prepare('SELECT COUNT(*) AS n, MAX(updated_at) AS t, SUM(version) AS v FROM curated_answers').get() as {
      n: number;
      t: number | null;
      v: number | null;
    };
    return `${r.n}:${r.t ?? 0}:${r.v ?? 0}`;
  }

  versions(id: number): CuratedVersion[] {
    return (
      this.db.prepare('SELECT * FROM curated_answer_versions WHERE curated_id = ? ORDER BY version DESC').all(id) as Record<string, any>[]
    ).map((r) => ({
      version: r.version,
      answer: r.answer,
      variants: JSON.parse(r.variants),
      sources: JSON.parse(r.citations),
      expiresAt: r.expires_at ?? undefined,
      status: r.status,
      author: r.author,
      createdAt: r.created_at,
    }));
  }

  private keepVersion(id: number, author: string, now: number): void {
    this.db
      .prepare(
        `INSERT INTO curated_answer_versions (curated_id, version, answer, variants, citations, expires_at, status, author, created_at)
         SELECT id, version, answer, variants, citations, expires_at, status, ?, ? FROM curated_answers WHERE id = ?`,
      )
      .run(author, now, id);
  }
}
