// What every layer says about the city's documents and answers: the shapes the knowledge engine
// hands out (and the question log stores), without anything of how the engine works.

export const DOC_KINDS = ['resolution', 'programme', 'plan', 'news', 'announcement', 'faq'] as const;
export type DocKind = (typeof DOC_KINDS)[number];

/** One turn of a conversation, for follow-up questions. */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

export interface Citation {
  /** The number used in the answer text: [1], [2], ... */
  n: number;
  chunkId: string;
  docId: string;
  title: string;
  number?: string;
  /** Display form, e.g. "Chương II › Điều 5". */
  section?: string;
  page?: number;
  sourceUrl?: string;
  issued?: string;
  issuer?: string;
  author?: string;
  /** Provenance in words when there is no address ("Bài viết của tác giả …, nguồn chưa rõ"). */
  source?: string;
  /** The passage text (or its relevant part) for expandable quotes. */
  quote: string;
}

export interface DocumentInfo {
  id: string;
  title: string;
  kind: DocKind;
  number?: string;
  issued?: string;
  sourceUrl?: string;
  chunks: number;
  /** Sentences that instruct rather than inform (engine/untrusted.ts): never quoted, listed to admins. */
  flagged?: string[];
}

/** A document with sentences flagged as instructions, for the admins to review. */
export interface FlaggedDocument {
  /** The document id (its path in the knowledge folder without the extension). */
  id: string;
  title: string;
  sentences: string[];
}

export interface IngestFailure {
  path: string;
  reason: string;
}

export interface IngestSummary {
  added: number;
  changed: number;
  removed: number;
  unchanged: number;
  failed: IngestFailure[];
  chunks: number;
  embedded: number;
  seconds: number;
  /** False when nothing changed and the index was not rebuilt. */
  swapped: boolean;
  /** Indexed documents holding sentences that instruct the reader (never quoted to residents). */
  flagged: FlaggedDocument[];
}
