// Builds the knowledge index from the documents folder, incrementally and atomically:
// - one ingest at a time per data folder, across processes (ingest-lock.ts);
// - only new or changed files (by content hash) are parsed and chunked; the chunks of unchanged
//   files are taken from the previous index, and vectors come from the embedding cache, so a
//   re-run embeds only text it has never seen;
// - each build goes into its own version directory beside the index ("index.v-<pid>-<ms>"),
//   and `index` is a symlink to the current version. The swap is one rename of a new symlink
//   over it (rename(2) replaces atomically): a reader sees the old version or the new one, and
//   a crash at any point leaves `index` pointing at a complete version.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EngineConfig } from '../config.js';
import type { FlaggedDocument } from '../domain/knowledge.js';
import type { Logger } from '../logger.js';
import { CHUNKER_VERSION } from './chunker.js';
import { EmbeddingCache, embeddingKey } from './embedding-cache.js';
import type { EmbeddingProvider } from './embeddings/index.js';
import { INDEX_FORMAT, readIndexFiles, readIndexMeta, searchableText, writeIndex } from './index-store.js';
import { withIngestLock } from './ingest-lock.js';
import { IsolatedParser } from './isolated-parser.js';
import { reasons } from './loaders/errors.js';
import { DocumentParseError, documentId } from './loaders/index.js';
import { type Manifest, type ManifestEntry, readManifest, writeManifest } from './manifest.js';
import { termsVersion } from './tokenize.js';
import type { Chunk, DocumentInfo, IngestSummary } from './types.js';
import { UNTRUSTED_VERSION } from './untrusted.js';

export interface IngestOptions {
  sourceDir: string;
  indexDir: string;
  config: EngineConfig;
  embeddings: EmbeddingProvider;
  logger?: Logger;
  onProgress?: (done: number, total: number, phase: 'parse' | 'embed' | 'index') => void;
  /** test hook: called after the new index is written and before the swap */
  beforeSwap?: () => Promise<void> | void;
  /** How long to wait for another process's ingest of the same data folder; default 2 minutes. */
  lockTimeoutMs?: number;
  /** The chunks of the index being served, if any: shared with the previous index read here. */
  reuseChunks?: readonly Chunk[];
  /** The parse worker to use (the knowledge base keeps one); by default one for this run. */
  parser?: IsolatedParser;
}

const EMBED_BATCH = 128;
const LOCK_TIMEOUT_MS = 120_000;

interface DocState {
  entry: ManifestEntry;
  chunks: Chunk[];
  info: DocumentInfo;
}

/**
 * Brings the index in `indexDir` up to date with `sourceDir`, holding the ingest lock of
 * config.paths.data (which also holds the embedding cache) for the whole run.
 */
export async function ingest(options: IngestOptions): Promise<IngestSummary> {
  const parser = options.parser ?? new IsolatedParser(options.config.documents, options.config.chunk, options.logger);
  try {
    return await withIngestLock(options.config.paths.data, () => ingestLocked(options, parser), {
      timeoutMs: options.lockTimeoutMs ?? LOCK_TIMEOUT_MS,
      logger: options.logger,
    });
  } finally {
    if (!options.parser) await parser.close();
  }
}

async function ingestLocked(options: IngestOptions, parser: IsolatedParser): Promise<IngestSummary> {
  const started = performance.now();
  const { sourceDir, indexDir, config, embeddings, logger, onProgress } = options;
  const chunker = { version: CHUNKER_VERSION, terms: termsVersion(), untrusted: UNTRUSTED_VERSION, ...config.chunk };

  await recoverAndCleanStale(indexDir, logger);
  const files = await listFiles(sourceDir);

  const previous = await readIndexFiles(indexDir, options.reuseChunks);
  const manifest = previous ? await readManifest(previous.dir) : undefined;
  const embedding = { id: embeddings.id, dimensions: await embeddings.resolveDimensions(previous?.meta.embedding) };
  const previousChunks = groupByDoc(previous?.chunks ?? []);
  const previousInfo = new Map(previous?.meta.documents.map((d) => [d.id, d]) ?? []);
  const sameEmbedder =
    previous && previous.meta.embedding.id === embedding.id && previous.meta.embedding.dimensions === embedding.dimensions;
  const sameChunker = manifest && JSON.stringify(manifest.chunker) === JSON.stringify(chunker);
  // Vectors of another embedder are useless; chunks cut with other settings must be cut again.
  const rebuild = !previous || !manifest || !sameEmbedder || !sameChunker;
  if (previous && rebuild) logger?.info({ sameEmbedder, sameChunker: Boolean(sameChunker) }, 'ingest: full rebuild');

  const today = localDate(new Date());
  const summary: IngestSummary = {
    added: 0,
    changed: 0,
    removed: 0,
    unchanged: 0,
    failed: [],
    chunks: 0,
    embedded: 0,
    seconds: 0,
    swapped: false,
    flagged: [],
  };
  const kept = new Map<string, DocState>();
  const seenIds = new Map<string, string>();
  const fail = (rel: string, reason: string) => {
    summary.failed.push({ path: rel, reason });
    logger?.info({ path: rel, reason }, 'ingest: document not indexed');
  };

  for (const [i, rel] of files.entries()) {
    onProgress?.(i, files.length, 'parse');
    const id = documentId(rel);
    const old = manifest?.files[rel];
    const oldState =
      old && previousChunks.has(old.docId)
        ? { entry: old, chunks: previousChunks.get(old.docId)!, info: previousInfo.get(old.docId) }
        : undefined;
    if (seenIds.has(id)) {
      fail(rel, reasons.duplicateId(seenIds.get(id)!));
      continue;
    }
    seenIds.set(id, rel);
    // A file over the size limit is not even read: it could be any size.
    if ((await fs.stat(path.join(sourceDir, rel))).size > config.documents.maxFileBytes) {
      fail(rel, reasons.fileTooLarge(config.documents.maxFileBytes));
      if (oldState?.info) kept.set(rel, { entry: oldState.entry, chunks: oldState.chunks, info: oldState.info });
      continue;
    }
    const bytes = await fs.readFile(path.join(sourceDir, rel));
    const hash = createHash('sha256').update(bytes).digest('hex');
    const unchanged = old?.hash === hash;
    if (unchanged && oldState?.info && !rebuild) {
      if (old.expires && old.expires < today) continue; // counted as removed below
      kept.set(rel, { entry: old, chunks: oldState.chunks, info: oldState.info });
      summary.unchanged++;
      continue;
    }
    try {
      const { doc, chunks, flagged } = await parser.parse(rel, bytes);
      if (doc.meta.expires && doc.meta.expires < today) {
        logger?.info({ path: rel, expires: doc.meta.expires }, 'ingest: document expired, left out');
        continue;
      }
      const { meta } = doc;
      const info: DocumentInfo = { id: meta.id, title: meta.title, kind: meta.kind, chunks: chunks.length };
      if (meta.number) info.number = meta.number;
      if (meta.issued) info.issued = meta.issued;
      if (meta.sourceUrl) info.sourceUrl = meta.sourceUrl;
      if (flagged.length) {
        info.flagged = flagged;
        logger?.warn(
          { path: rel, sentences: flagged.length },
          'ingest: document holds sentences that instruct the reader; they are never quoted',
        );
      }
      kept.set(rel, { entry: { hash, docId: meta.id, ...(meta.expires && { expires: meta.expires }) }, chunks, info });
      if (!old) summary.added++;
      else if (unchanged) summary.unchanged++;
      else summary.changed++;
    } catch (err) {
      if (!(err instanceof DocumentParseError)) throw err;
      fail(rel, err.message);
      // What was indexed before stays until the file is fixed: nothing already served is lost.
      if (oldState?.info) kept.set(rel, { entry: oldState.entry, chunks: oldState.chunks, info: oldState.info });
    }
  }
  onProgress?.(files.length, files.length, 'parse');
  if (manifest)
    summary.removed = Object.keys(manifest.files).filter((rel) => !kept.has(rel) && !summary.failed.some((f) => f.path === rel)).length;

  const states = [...kept.values()];
  summary.flagged = flaggedOf([...kept.values()].map((st) => st.info));
  summary.chunks = states.reduce((n, s) => n + s.chunks.length, 0);
  // An index in an older file format is written again (from the same chunks) though nothing changed.
  const outdated = previous?.meta.formatVersion !== INDEX_FORMAT;
  if (!rebuild && !outdated && summary.added === 0 && summary.changed === 0 && summary.removed === 0) {
    summary.seconds = (performance.now() - started) / 1000;
    logger?.info({ ...summary, failed: summary.failed.length }, 'ingest: nothing changed');
    return summary;
  }

  const chunks = states.flatMap((s) => s.chunks);
  const { vectors, embedded } = await embedAll(chunks, embeddings, embedding, config.paths.data, (done, total) =>
    onProgress?.(done, total, 'embed'),
  );
  summary.embedded = embedded;

  onProgress?.(0, 1, 'index');
  const newManifest: Manifest = { version: 1, chunker, embedding, files: Object.fromEntries([...kept].map(([rel, s]) => [rel, s.entry])) };
  await buildAndSwap(
    indexDir,
    async (tmp) => {
      await writeIndex(tmp, chunks, vectors, { embedding, documents: states.map((s) => s.info) });
      await writeManifest(tmp, newManifest);
    },
    options.beforeSwap,
    logger,
  );
  onProgress?.(1, 1, 'index');
  summary.swapped = true;
  summary.seconds = (performance.now() - started) / 1000;
  logger?.info({ ...summary, failed: summary.failed.length }, 'ingest: index rebuilt');
  return summary;
}

/** The documents with flagged sentences, for the summary. */
export function flaggedOf(documents: readonly DocumentInfo[]): FlaggedDocument[] {
  return documents.filter((d) => d.flagged?.length).map((d) => ({ id: d.id, title: d.title, sentences: d.flagged! }));
}

/** YYYY-MM-DD in the server's time zone: an announcement stays through its last day there. */
function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function groupByDoc(chunks: Chunk[]): Map<string, Chunk[]> {
  const byDoc = new Map<string, Chunk[]>();
  for (const c of chunks) {
    const list = byDoc.get(c.docId);
    if (list) list.push(c);
    else byDoc.set(c.docId, [c]);
  }
  return byDoc;
}

// Hidden files, and files being written by an editor or by the announcement publisher
// ("x.md.1234.tmp", renamed when complete), are not documents.
const IGNORED = /^\.|\.tmp$|\.part$|~$/;

/** Every document file under `dir`, as sorted '/'-separated relative paths. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    let entries;
    try {
      entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (err) {
      if (rel === '' && (err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(reasons.noSourceDir(dir));
      throw err;
    }
    for (const e of entries) {
      if (IGNORED.test(e.name)) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      const stat = e.isSymbolicLink() ? await fs.stat(path.join(dir, child)).catch(() => undefined) : e;
      if (stat?.isDirectory()) await walk(child);
      else if (stat?.isFile()) out.push(child);
    }
  };
  await walk('');
  return out.sort();
}

/** Vectors for every chunk: from the cache when its text was embedded before, else embedded now. */
async function embedAll(
  chunks: Chunk[],
  embeddings: EmbeddingProvider,
  embedder: { id: string; dimensions: number },
  dataDir: string,
  progress: (done: number, total: number) => void,
): Promise<{ vectors: Float32Array[]; embedded: number }> {
  const cache = await EmbeddingCache.open(dataDir, embedder);
  // Keys only: the searchable texts of 100,000 chunks, held all at once, would double the heap.
  // The few texts to embed are rebuilt batch by batch.
  const keys = chunks.map((c) => embeddingKey(searchableText(c)));
  const queued = new Set<string>();
  const todo: number[] = [];
  keys.forEach((key, i) => {
    if (cache.get(key) || queued.has(key)) return;
    queued.add(key);
    todo.push(i);
  });
  queued.clear();
  progress(0, todo.length);
  for (let at = 0; at < todo.length; at += EMBED_BATCH) {
    const batch = todo.slice(at, at + EMBED_BATCH);
    const vectors = await embeddings.embedVectors(batch.map((i) => searchableText(chunks[i])));
    // Stored batch by batch, so an interrupted run keeps what it already paid for.
    await cache.add(batch.map((i, j) => [keys[i], vectors[j]]));
    progress(Math.min(at + EMBED_BATCH, todo.length), todo.length);
  }
  const vectors = keys.map((k) => cache.get(k)!);
  await cache.compact(new Set(keys));
  return { vectors, embedded: todo.length };
}

// Names beside the index `<base>`: versions `<base>.v-<pid>-<ms>`, the link being placed
// `<base>.link-<pid>-<ms>`; from the layout before versions (a plain directory): temporary
// builds `<base>.tmp-*` and the directory moved aside `<base>.old-*`.
const VERSION_INFIX = '.v-';
const LINK_INFIX = '.link-';
const LEGACY_TMP_INFIX = '.tmp-';
const OLD_INFIX = '.old-';

/**
 * Builds a new version beside `indexDir` and swaps it in by renaming a new symlink over
 * `indexDir`. The version replaced stays until the next swap: a process that resolved the link
 * just before this swap can finish reading it. Runs under the ingest lock.
 */
async function buildAndSwap(
  indexDir: string,
  build: (dir: string) => Promise<void>,
  beforeSwap: (() => Promise<void> | void) | undefined,
  logger?: Logger,
): Promise<void> {
  const parent = path.dirname(indexDir);
  const base = path.basename(indexDir);
  const stamp = `${process.pid}-${Date.now()}`;
  const version = `${base}${VERSION_INFIX}${stamp}`;
  await fs.mkdir(path.join(parent, version), { recursive: true });
  try {
    await build(path.join(parent, version));
    await beforeSwap?.();
  } catch (err) {
    await fs.rm(path.join(parent, version), { recursive: true, force: true });
    throw err;
  }
  const replaced = await linkTarget(indexDir);
  // Once, from the layout before versions: a directory cannot be replaced by a symlink in one
  // rename, so it is moved aside first; if the process dies before the link is in, the next
  // run moves it back.
  const legacy = (await fs.lstat(indexDir).catch(() => undefined))?.isDirectory()
    ? path.join(parent, `${base}${OLD_INFIX}${stamp}`)
    : undefined;
  if (legacy) await fs.rename(indexDir, legacy);
  const link = path.join(parent, `${base}${LINK_INFIX}${stamp}`);
  try {
    await fs.symlink(version, link);
    await fs.rename(link, indexDir);
  } catch (err) {
    await fs.rm(link, { force: true });
    if (legacy) await fs.rename(legacy, indexDir);
    throw err;
  }
  if (legacy) await fs.rm(legacy, { recursive: true, force: true });
  for (const name of await siblings(indexDir, VERSION_INFIX)) {
    if (name === version || name === replaced) continue;
    await fs.rm(path.join(parent, name), { recursive: true, force: true });
    logger?.debug({ removed: name }, 'ingest: removed an old index version');
  }
}

/**
 * Before a run (under the lock, so nothing here is in use by another ingest): puts back a
 * directory moved aside by a run that died mid-migration, and removes what dead runs left:
 * links, temporary builds, and versions other than the current one and the one before it.
 */
async function recoverAndCleanStale(indexDir: string, logger?: Logger): Promise<void> {
  const parent = path.dirname(indexDir);
  const olds = await siblings(indexDir, OLD_INFIX);
  if (olds.length && !(await fs.lstat(indexDir).catch(() => undefined))) {
    const newest = olds.pop()!;
    await fs.rename(path.join(parent, newest), indexDir);
    logger?.warn({ restored: newest }, 'ingest: restored the previous index after an interrupted swap');
  }
  const current = await linkTarget(indexDir);
  const versions = (await siblings(indexDir, VERSION_INFIX)).filter((n) => n !== current);
  // Only while `index` points at a version is there a previous one worth keeping.
  const older = current ? versions.filter((n) => stampOf(n) < stampOf(current)) : [];
  const keep = await newestComplete(parent, older);
  const stale = [
    ...olds,
    ...(await siblings(indexDir, LEGACY_TMP_INFIX)),
    ...(await siblings(indexDir, LINK_INFIX)),
    ...versions.filter((n) => n !== keep),
  ];
  for (const name of stale) {
    await fs.rm(path.join(parent, name), { recursive: true, force: true });
    logger?.info({ removed: name }, 'ingest: removed a leftover of an interrupted run');
  }
}

/** Names in the index's folder starting with `<base><infix>`, oldest first. */
async function siblings(indexDir: string, infix: string): Promise<string[]> {
  const prefix = path.basename(indexDir) + infix;
  const names = await fs.readdir(path.dirname(indexDir)).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix)).sort((a, b) => stampOf(a) - stampOf(b) || a.localeCompare(b));
}

/** The time in "<base>.<kind>-<pid>-<ms>". */
function stampOf(name: string): number {
  return Number(name.split('-').pop());
}

/** The version the index symlink points at; undefined for no index or a plain directory. */
async function linkTarget(indexDir: string): Promise<string | undefined> {
  try {
    return path.basename(await fs.readlink(indexDir));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EINVAL') return undefined;
    throw err;
  }
}

/** The newest of `versions` (oldest first) holding a complete index (meta.json is written last). */
async function newestComplete(parent: string, versions: string[]): Promise<string | undefined> {
  for (const name of [...versions].reverse()) if (await readIndexMeta(path.join(parent, name)).catch(() => undefined)) return name;
  return undefined;
}
