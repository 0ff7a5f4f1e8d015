// The knowledge engine's public shapes. Channels, the broadcast service and the HTTP server
// depend on these and on nothing else inside src/engine/. The shapes every layer shares (documents,
// citations, turns, ingest summaries) live in the domain and are re-exported here.
import type { Citation, DocKind, DocumentInfo, IngestSummary, Turn } from '../domain/knowledge.js';

export type { Citation, DocKind, DocumentInfo, IngestFailure, IngestSummary, Turn } from '../domain/knowledge.js';
export { DOC_KINDS } from '../domain/knowledge.js';

/** What is known about one source document (front matter, or derived from the file). */
export interface DocumentMeta {
  /** Stable id: the path relative to the knowledge folder, without extension, '/'-separated. */
  id: string;
  title: string;
  kind: DocKind;
  number?: string;
  /** ISO date (YYYY-MM-DD) when known. */
  issued?: string;
  issuer?: string;
  /** The writer of an article (news, not an issued document). */
  author?: string;
  sourceUrl?: string;
  /** Provenance in words when there is no address (front matter `source` that is not a URL). */
  source?: string;
  /** ISO date after which the document leaves the index (announcements). */
  expires?: string;
}

/** A parsed document, before chunking: text blocks in reading order. */
export interface ParsedDocument {
  meta: DocumentMeta;
  /** Relative path inside the knowledge folder. */
  path: string;
  blocks: TextBlock[];
}

export interface TextBlock {
  text: string;
  /** 1-based PDF page. */
  page?: number;
  /** Heading level (1..6) when the block is a heading; chunker also detects Chương/Điều/... itself. */
  heading?: number;
  /** A table row rendered as "Cột: giá trị; ..." — never merged with neighbours. */
  record?: boolean;
}

export interface Chunk {
  /** Unique inside an index: `${docId}#${position}`. */
  id: string;
  docId: string;
  title: string;
  kind: DocKind;
  number?: string;
  issued?: string;
  sourceUrl?: string;
  /** Who issued it, who wrote it, and where it comes from in words: what a resident checks a citation by. */
  issuer?: string;
  author?: string;
  source?: string;
  /** e.g. ["Chương II", "Điều 5", "Khoản 2"]; joined with " › " for display. */
  section: string[];
  page?: number;
  /** 0-based order of the chunk inside its document. */
  position: number;
  /** Normalized text (NFC, one tone placement). */
  text: string;
  /** sha256 of text (hex): the embedding cache key. */
  hash: string;
}

export interface SearchHit {
  chunk: Chunk;
  /** Fused score, higher is better; comparable only within one query. */
  score: number;
  /** Relevance in [0, 1] used against the relevance floor. */
  relevance: number;
  lexicalRank?: number;
  vectorRank?: number;
}

/**
 * answered: grounded reply with citations.
 * not_found: nothing passed the relevance floor.
 * refused: out of scope (weather, opinions, personal advice).
 * invalid: empty / garbage / too long input.
 */
export type AnswerStatus = 'answered' | 'not_found' | 'refused' | 'invalid';

export interface Answer {
  text: string;
  citations: Citation[];
  status: AnswerStatus;
  /** 0..1; 0 when not answered. */
  confidence: number;
  mode: 'offline' | 'llm';
  /** True when the LLM was configured but failed and the offline answer was used. */
  llmFallback: boolean;
  /** The question actually searched (after follow-up rewrite). */
  searchedQuestion: string;
  timings: { retrievalMs: number; generationMs: number; totalMs: number };
  /** Set when the reply is an answer written by the city's staff (the console), not retrieved. */
  curated?: { id: number; version: number };
}

/** What channels and services need from the knowledge engine (KnowledgeBase implements it). */
export interface KnowledgeService {
  ask(question: string, options?: { history?: Turn[] }): Promise<Answer>;
  documents(): DocumentInfo[];
  refresh(): Promise<IngestSummary>;
  /** Parses first; a file that cannot be parsed is rejected (DocumentParseError) and nothing is saved. */
  addDocument(fileName: string, bytes: Uint8Array): Promise<IngestSummary>;
}
