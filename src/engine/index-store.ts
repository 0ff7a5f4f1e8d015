// The knowledge index on disk, one directory:
//   meta.json        which embedder built it, when, which documents
//   chunks.jsonl     one chunk per line, line i = label i everywhere else
//   lexical.bin      BM25 postings (header, offsets, docs, tfs, lengths) and the vocabulary's lookup
//                    table (term-table.ts); little-endian u32/i32/u8
//   lexical-terms.txt the vocabulary, one term per line, line t = term id t
//   vectors.hnsw     hnswlib graph (cosine)
// Everything is precomputed at ingest so that opening is reading, not re-tokenizing.
// The index path may be a symlink to the current version (see ingest.ts): readers resolve it
// once and read every file from that one version, so a swap while they read changes nothing.
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../logger.js';
import { engineTexts } from '../texts/engine.js';
import type { EmbeddingProvider } from './embeddings/index.js';
import { HybridSearcher } from './hybrid-search.js';
import { buildLexicalData, LexicalIndex, type PackedLexicalData, packLexicalData } from './lexical-index.js';
import type { TermTableData } from './term-table.js';
import type { Chunk, DocumentInfo, SearchHit } from './types.js';
import { VectorIndex } from './vector-index.js';

/**
 * 2: lexical.bin holds the vocabulary's table. An index of an older format is still opened (the
 * table built then) and is rewritten by the next ingest even when no document changed.
 */
export const INDEX_FORMAT = 2;

export interface IndexMeta {
  formatVersion: number;
  embedding: { id: string; dimensions: number };
  builtAt: string;
  chunkCount: number;
  documents: DocumentInfo[];
}

export interface SearchIndex {
  readonly meta: IndexMeta;
  readonly chunks: readonly Chunk[];
  search(query: string, k: number): Promise<SearchHit[]>;
  /**
   * Frees the vector graph as soon as no search is running on it (its native memory, unseen by
   * the garbage collector, could otherwise stay long after a refresh replaced this index).
   * Searches started afterwards are refused.
   */
  release(): void;
}

const META = 'meta.json';
const CHUNKS = 'chunks.jsonl';
const LEXICAL = 'lexical.bin';
const TERMS = 'lexical-terms.txt';
const VECTORS = 'vectors.hnsw';
const LEXICAL_MAGIC = 0x4c455832; // "LEX2": postings and the vocabulary's table
/** Postings only: the table is built when such an index is opened (slow at 100,000 passages). */
const LEXICAL_MAGIC_V1 = 0x4c455831;

export class IndexMismatchError extends Error {
  constructor(
    readonly built: { id: string; dimensions: number },
    readonly configured: { id: string; dimensions?: number },
  ) {
    super(engineTexts.indexMismatch(built, configured));
    this.name = 'IndexMismatchError';
  }
}

export class IndexMissingError extends Error {
  constructor(readonly dir: string) {
    super(engineTexts.indexMissing(dir));
    this.name = 'IndexMissingError';
  }
}

/**
 * The text a chunk is searched by: its document title and section path, then its own text,
 * so "Nghị quyết số 07 nói gì" finds passages of that resolution. Ingest embeds this same text.
 */
export function searchableText(chunk: Pick<Chunk, 'title' | 'section' | 'text'>): string {
  return [chunk.title, chunk.section.join(' › '), chunk.text].filter(Boolean).join('\n');
}

async function writeLexical(dir: string, data: PackedLexicalData & { table: TermTableData }): Promise<void> {
  const { termCount, table } = data;
  const postings = data.docs.length;
  const header = new Uint32Array([LEXICAL_MAGIC, data.docCount, termCount, postings, table.exact.length]);
  const tfPadding = new Uint8Array((4 - (postings % 4)) % 4);
  const file = await fs.open(path.join(dir, LEXICAL), 'w');
  try {
    for (const part of [
      header,
      data.offsets,
      data.docs,
      data.tfs,
      tfPadding,
      data.docLengths,
      table.starts,
      table.exact,
      table.folded,
      table.foldedHash,
      table.nextInGroup,
      table.groupDf,
    ]) {
      await file.write(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    }
  } finally {
    await file.close();
  }
  await fs.writeFile(path.join(dir, TERMS), data.termText);
}

/**
 * Reads the postings and, from LEX2 on, the vocabulary's table: views into one buffer, read off
 * the thread (libuv), so opening an index does no work proportional to its size here.
 */
async function readLexical(dir: string): Promise<PackedLexicalData> {
  const raw = await fs.readFile(path.join(dir, LEXICAL));
  // Typed-array views need 4-byte alignment; small files may come from Node's shared pool.
  const buf = raw.byteOffset % 4 === 0 ? raw : Buffer.from(raw);
  let at = 0;
  const u32 = (length: number) => {
    const view = new Uint32Array(buf.buffer, buf.byteOffset + at, length);
    at += length * 4;
    return view;
  };
  const i32 = (length: number) => {
    const view = u32(length);
    return new Int32Array(view.buffer, view.byteOffset, length);
  };
  const magic = u32(1)[0];
  if (magic !== LEXICAL_MAGIC && magic !== LEXICAL_MAGIC_V1) throw new Error(`${LEXICAL}: not a lexical index file`);
  const [docCount, terms, postings] = u32(3);
  const tableSize = magic === LEXICAL_MAGIC ? u32(1)[0] : 0;
  const offsets = u32(terms + 1);
  const docs = u32(postings);
  const tfs = new Uint8Array(buf.buffer, buf.byteOffset + at, postings);
  at += postings + ((4 - (postings % 4)) % 4);
  const docLengths = u32(docCount);
  const table: TermTableData | undefined =
    magic === LEXICAL_MAGIC
      ? {
          starts: u32(terms + 1),
          exact: i32(tableSize),
          folded: i32(tableSize),
          foldedHash: u32(tableSize),
          nextInGroup: i32(terms),
          groupDf: u32(terms),
        }
      : undefined;
  // Kept as UTF-8 bytes: the index looks terms up in them without a string per term.
  const termText = await fs.readFile(path.join(dir, TERMS));
  return { docCount, termCount: terms, termText, offsets, docs, tfs, docLengths, table };
}

/**
 * Writes a complete index into `dir` (a new, empty directory created by the caller). `vectors`
 * is emptied once the graph is built: they are not needed after it (at 100,000 chunks, ~100 MB
 * that would otherwise stay through the lexical build).
 */
export async function writeIndex(
  dir: string,
  chunks: Chunk[],
  vectors: Float32Array[],
  meta: Omit<IndexMeta, 'formatVersion' | 'builtAt' | 'chunkCount'>,
): Promise<void> {
  if (vectors.length !== chunks.length) {
    throw new Error(`writeIndex: ${chunks.length} chunks but ${vectors.length} vectors`);
  }
  const full: IndexMeta = {
    formatVersion: INDEX_FORMAT,
    embedding: { id: meta.embedding.id, dimensions: meta.embedding.dimensions },
    builtAt: new Date().toISOString(),
    chunkCount: chunks.length,
    documents: meta.documents,
  };
  // The graph first, then the vectors let go, then the lexical postings: the peak is either step
  // alone. A refresh runs this beside the index being served, whose memory is already taken.
  if (chunks.length) {
    const graph = VectorIndex.build(vectors, meta.embedding.dimensions);
    await graph.write(path.join(dir, VECTORS));
    graph.free();
  }
  vectors.length = 0;
  // Only the lexical files are kept: the build-time vocabulary map is garbage once they are written.
  await writeLexical(dir, packLexicalData(buildLexicalData(texts(chunks))));
  await writeChunks(path.join(dir, CHUNKS), chunks);
  // meta.json last: its presence marks a complete index.
  await fs.writeFile(path.join(dir, META), JSON.stringify(full, null, 2) + '\n');
}

/** Texts one at a time: 100,000 of them at once would add to the memory peak. */
function* texts(chunks: Chunk[]): Generator<string> {
  for (const c of chunks) yield searchableText(c);
}

async function writeChunks(file: string, chunks: Chunk[]): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    for (let i = 0; i < chunks.length; i += 1000) {
      await handle.write(
        chunks
          .slice(i, i + 1000)
          .map((c) => JSON.stringify(c) + '\n')
          .join(''),
      );
    }
  } finally {
    await handle.close();
  }
}

/** The meta.json of the index in `dir`; undefined when there is none (never built, or mid-swap). */
export async function readIndexMeta(dir: string): Promise<IndexMeta | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, META), 'utf8')) as IndexMeta;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Synchronous work between two turns of the event loop while an index is read (see readChunks). */
const SLICE_MS = 4;

/**
 * A pause that lets the event loop run (questions being answered) once the work since the last
 * one took SLICE_MS; otherwise it returns at once. Check it every few hundred items.
 */
function slicer(): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < SLICE_MS) return undefined;
    return yieldToLoop().then(() => {
      since = performance.now();
    });
  };
}

/**
 * The chunks of the index in `dir`. A chunk equal to one of `reuse` (those of the index being
 * served) is that same object: during a refresh the old and the new index share the passages of
 * every unchanged document instead of holding them twice (a few hundred MB at 100,000 chunks).
 * The serving thread reads them during a refresh, so the work is cut into slices of a few ms:
 * at 100,000 chunks the map of the served ones alone took 300 ms at once, the parsing seconds.
 */
async function readChunks(dir: string, reuse?: readonly Chunk[]): Promise<Chunk[]> {
  const pause = slicer();
  const known = new Map<string, Chunk>();
  for (let i = 0; i < (reuse?.length ?? 0); i++) {
    known.set(reuse![i].id, reuse![i]);
    if (i % 256 === 255) await pause();
  }
  const chunks: Chunk[] = [];
  const lines = createInterface({ input: createReadStream(path.join(dir, CHUNKS), 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    const chunk = JSON.parse(line) as Chunk;
    const same = known.get(chunk.id);
    chunks.push(same && isDeepStrictEqual(same, chunk) ? same : chunk);
    if (chunks.length % 64 === 0) await pause();
  }
  return chunks;
}

/** The directory `dir` stands for now: the version its symlink points at, or itself. */
async function resolveIndexDir(dir: string): Promise<string | undefined> {
  try {
    return await fs.realpath(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Reads meta and chunks (no search structures) of one version. Returns undefined when `dir`
 * holds no index; `dir` is the resolved version directory, for reading more files of it.
 */
export async function readIndexFiles(
  indexDir: string,
  reuseChunks?: readonly Chunk[],
): Promise<{ meta: IndexMeta; chunks: Chunk[]; dir: string } | undefined> {
  const dir = await resolveIndexDir(indexDir);
  const meta = dir && (await readIndexMeta(dir));
  if (!dir || !meta) return undefined;
  return { meta, chunks: await readChunks(dir, reuseChunks), dir };
}

/**
 * Loads an index for searching; throws IndexMismatchError if the embedder differs from the
 * builder. `reuseChunks`: the chunks of the index served until now, shared where unchanged.
 */
export async function openIndex(
  indexDir: string,
  embeddings: EmbeddingProvider,
  options: { logger?: Logger; reuseChunks?: readonly Chunk[] } = {},
): Promise<SearchIndex> {
  const dir = await resolveIndexDir(indexDir);
  const meta = dir && (await readIndexMeta(dir));
  if (!dir || !meta) throw new IndexMissingError(indexDir);
  // A model that chooses its own length takes the one this index recorded, if it built it.
  const dimensions = meta.embedding.id === embeddings.id ? await embeddings.resolveDimensions(meta.embedding) : embeddings.dimensions;
  if (meta.embedding.id !== embeddings.id || meta.embedding.dimensions !== dimensions) {
    throw new IndexMismatchError(meta.embedding, { id: embeddings.id, dimensions });
  }
  const [chunks, lexicalData] = await Promise.all([readChunks(dir, options.reuseChunks), readLexical(dir)]);
  const vector = chunks.length ? await VectorIndex.read(path.join(dir, VECTORS), meta.embedding.dimensions) : undefined;
  const searcher = new HybridSearcher(chunks, LexicalIndex.fromData(lexicalData), vector, embeddings, options.logger);
  let searching = 0;
  let released = false;
  const freeIfIdle = () => {
    if (released && searching === 0) vector?.free();
  };
  return {
    meta,
    chunks,
    async search(query, k) {
      if (released) throw new Error('search on a released index');
      searching++;
      try {
        return await searcher.search(query, k);
      } finally {
        searching--;
        freeIfIdle();
      }
    },
    release() {
      if (released) return;
      released = true;
      freeIfIdle();
    },
  };
}
