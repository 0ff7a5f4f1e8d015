// The engine facade the channels and the server use: one open index, questions answered
// against it, and updates (refresh, upload, another process's ingest) swapped in without
// disturbing questions in flight: a question keeps the index it started with.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { EngineConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { engineTexts } from '../texts/engine.js';
import { createOpenAiChat } from './answer/llm.js';
import { type Ask, type AskOptions, createAsk } from './ask.js';
import { BackgroundIngest } from './background-ingest.js';
import { type CuratedMatcher, curatedReply } from './curated.js';
import { createEmbeddings, type EmbeddingProvider } from './embeddings/index.js';
import { IndexMismatchError, IndexMissingError, openIndex, readIndexMeta, type SearchIndex } from './index-store.js';
import { flaggedOf } from './ingest.js';
import { IsolatedParser } from './isolated-parser.js';
import { reasons } from './loaders/errors.js';
import { DocumentParseError, SUPPORTED_EXTENSIONS } from './loaders/index.js';
import { readManifest } from './manifest.js';
import { normalizeVietnamese } from './normalize.js';
import type { Answer, DocumentInfo, IngestSummary, KnowledgeService } from './types.js';

const MAX_NAME_CHARS = 120;
/** How long a question waits for the first index of a fresh start before being told to come back. */
const FIRST_INDEX_WAIT_MS = 30_000;

/** What an upload did: the ingest summary, the name it was saved under, or the file it duplicates. */
export interface UploadSummary extends IngestSummary {
  /** The file name in the knowledge folder; absent when nothing was saved. */
  savedAs?: string;
  /** The file in the knowledge folder with the same content; nothing was saved. */
  duplicateOf?: string;
}

/** Where curated answers come from (the console's store), and the line that marks them as the staff's. */
export interface CuratedAnswers {
  matcher(): CuratedMatcher;
  mark: string;
}

class IndexNotReadyError extends Error {
  constructor() {
    super('the knowledge index is not loaded');
    this.name = 'IndexNotReadyError';
  }
}

export class KnowledgeBase implements KnowledgeService {
  private index: SearchIndex | undefined;
  private lastIngest: IngestSummary | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly answer: Ask;
  private curated: CuratedAnswers | undefined;
  /** Uploads and the knowledge folder are parsed in a worker with memory and time limits. */
  private readonly parser: IsolatedParser;
  private readonly ingester: BackgroundIngest;
  private loaded!: () => void;
  private firstIndexWaitMs = FIRST_INDEX_WAIT_MS;
  /** Index builds under way (refresh, upload): a first-start question waits only while one is. */
  private building = 0;
  /** Resolves when an index is loaded for the first time. */
  private readonly firstIndex = new Promise<void>((resolve) => {
    this.loaded = resolve;
  });

  private constructor(
    private readonly config: EngineConfig,
    private readonly logger: Logger,
    private readonly embeddings: EmbeddingProvider,
  ) {
    this.parser = new IsolatedParser(config.documents, config.chunk, logger);
    this.ingester = new BackgroundIngest(config, logger);
    const llm = config.llm.enabled ? createOpenAiChat(config) : undefined;
    this.answer = createAsk({ retrieve: (q, k) => this.current().search(q, k), config, logger, llm });
  }

  /**
   * Opens the index in config.paths.index. With buildIfMissing (the default) an incremental
   * ingest runs first: it builds a missing index, rebuilds a stale one (changed files, another
   * embedder) and costs only a folder scan when nothing changed.
   */
  static async open(
    config: EngineConfig,
    logger: Logger,
    options: { buildIfMissing?: boolean; firstIndexWaitMs?: number } = {},
  ): Promise<KnowledgeBase> {
    const kb = new KnowledgeBase(config, logger, createEmbeddings(config));
    kb.firstIndexWaitMs = options.firstIndexWaitMs ?? FIRST_INDEX_WAIT_MS;
    if (options.buildIfMissing ?? true) {
      try {
        await kb.refresh();
      } catch (err) {
        // A failed rebuild (embedding endpoint down, unreadable folder) must not take down an
        // index that still works: serve the one on disk if there is one.
        logger.error({ err }, 'knowledge base: ingest failed at start');
        const unusable = await kb.tryLoad();
        if (unusable) {
          logger.warn({ reason: unusable.message }, 'knowledge base: no usable index, not ready');
          throw err;
        }
      }
    } else {
      const unusable = await kb.tryLoad();
      // The caller (the service) ingests right after starting: nothing for the admin to do.
      if (unusable) {
        const reason = unusable instanceof IndexMissingError ? engineTexts.indexBuildingSoon(config.paths.index) : unusable.message;
        logger.info({ reason }, 'knowledge base: no usable index yet; it is built from the knowledge folder next');
      }
    }
    return kb;
  }

  /** Every channel's questions pass here: a curated answer that matches wins over retrieval. */
  ask(question: string, options?: AskOptions): Promise<Answer> {
    const startedAt = performance.now();
    const match = this.curated?.matcher().match(question);
    if (match) return Promise.resolve(curatedReply(match, question, this.curated!.mark, startedAt));
    if (!this.index && !this.closed && this.building > 0) return this.afterFirstIndex().then(() => this.answer(question, options));
    return this.answer(question, options);
  }

  /**
   * On a first start the index is built after the service is up (40 ms for the shipped documents):
   * a question that arrives meanwhile waits for it, up to FIRST_INDEX_WAIT_MS, instead of being
   * told to come back later. After that, or when the build ends without an index, it is answered
   * as before ("đang cập nhật"). With no build under way there is nothing to wait for.
   */
  private afterFirstIndex(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, this.firstIndexWaitMs);
      void this.firstIndex.then(done);
      void this.queue.then(done);
    });
  }

  /** Answers written by staff, consulted before retrieval; `matcher` is called per question (cache it). */
  useCuratedAnswers(curated: CuratedAnswers | undefined): void {
    this.curated = curated;
  }

  documents(): DocumentInfo[] {
    return this.index ? [...this.index.meta.documents] : [];
  }

  status(): { ready: boolean; chunks: number; documents: number; builtAt?: string; lastIngest?: IngestSummary } {
    const meta = this.index?.meta;
    return {
      ready: Boolean(meta) && !this.closed,
      chunks: meta?.chunkCount ?? 0,
      documents: meta?.documents.length ?? 0,
      builtAt: meta?.builtAt,
      lastIngest: this.lastIngest,
    };
  }

  refresh(): Promise<IngestSummary> {
    this.building++;
    return this.serialized(() => this.ingestAndSwap()).finally(() => this.building--);
  }

  /**
   * Parses the file first: a DocumentParseError rejects it with nothing saved. Content already in
   * the knowledge folder (under any name) is not saved again: the summary says nothing changed
   * and names the file it duplicates. Otherwise saves it under a safe name (never overwriting: a
   * different file with the same name gets "-2", "-3", ...) and refreshes.
   */
  async addDocument(fileName: string, bytes: Uint8Array): Promise<UploadSummary> {
    const name = safeFileName(fileName);
    await this.parser.parse(name, bytes);
    return this.serialized(async () => {
      const duplicateOf = await this.indexedCopyOf(bytes);
      if (duplicateOf) {
        this.logger.info({ file: name, duplicateOf }, 'knowledge base: upload already in the knowledge folder; nothing saved');
        return { ...this.unchangedSummary(), duplicateOf };
      }
      const savedAs = await this.save(name, bytes);
      this.logger.info({ file: savedAs, bytes: bytes.length }, 'knowledge base: document added');
      return { ...(await this.ingestAndSwap()), savedAs };
    });
  }

  /**
   * Removes a document's file from the knowledge folder and re-indexes: its passages leave the
   * index. Undefined when no indexed file has that document id.
   */
  removeDocument(docId: string): Promise<IngestSummary | undefined> {
    return this.serialized(async () => {
      const rel = await this.fileOf(docId);
      if (!rel) return undefined;
      await fs.rm(path.join(this.config.paths.knowledge, rel), { force: true });
      this.logger.info({ file: rel }, 'knowledge base: document removed');
      return this.ingestAndSwap();
    });
  }

  /**
   * Puts a new version of a document in place of the old one (same place and stem, so the same
   * document id; the new file's extension) after parsing it first: a file that cannot be read is
   * rejected (DocumentParseError) and the old version stays.
   */
  replaceDocument(docId: string, fileName: string, bytes: Uint8Array): Promise<UploadSummary | undefined> {
    const name = safeFileName(fileName);
    return this.serialized(async () => {
      const rel = await this.fileOf(docId);
      if (!rel) return undefined;
      const target = rel.slice(0, rel.length - path.extname(rel).length) + path.extname(name);
      await this.parser.parse(path.basename(target), bytes);
      const dir = this.config.paths.knowledge;
      const tmp = path.join(dir, `.upload-${randomBytes(6).toString('hex')}.tmp`);
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, path.join(dir, target));
      if (target !== rel) await fs.rm(path.join(dir, rel), { force: true });
      this.logger.info({ file: target, replaced: rel, bytes: bytes.length }, 'knowledge base: document replaced');
      return { ...(await this.ingestAndSwap()), savedAs: target };
    });
  }

  /** A document's passages in order, as the index holds them (what answers quote from). */
  passages(docId: string): { section: string; page?: number; text: string }[] {
    return (this.index?.chunks ?? [])
      .filter((c) => c.docId === docId)
      .sort((a, b) => a.position - b.position)
      .map((c) => ({ section: c.section.join(' › '), page: c.page, text: c.text }));
  }

  /** The knowledge-folder file indexed under a document id, as of the last ingest. */
  private async fileOf(docId: string): Promise<string | undefined> {
    const manifest = await readManifest(this.config.paths.index);
    return Object.entries(manifest?.files ?? {}).find(([, entry]) => entry.docId === docId)?.[0];
  }

  reloadIfChanged(): Promise<boolean> {
    return this.serialized(async () => {
      const onDisk = await this.builtAtOnDisk();
      if (!onDisk || onDisk === this.index?.meta.builtAt) return false;
      await this.load();
      this.logger.info({ builtAt: onDisk }, 'knowledge base: reloaded an index rebuilt elsewhere');
      return true;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    // Questions waiting for a first index that will not come now are answered at once.
    this.loaded();
    await this.queue.catch(() => undefined);
    await this.parser.close();
    await this.ingester.close();
  }

  private current(): SearchIndex {
    if (!this.index || this.closed) throw new IndexNotReadyError();
    return this.index;
  }

  /** Runs index updates one at a time; a failed one does not block the next. */
  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ingestAndSwap(): Promise<IngestSummary> {
    // Off the serving thread: questions keep being answered from the current index meanwhile.
    const summary = await this.ingester.run();
    this.lastIngest = summary;
    if (summary.swapped || !this.index || (await this.builtAtOnDisk()) !== this.index.meta.builtAt) await this.load();
    return summary;
  }

  /**
   * Replaces the in-memory index; questions already searching keep the previous one, whose graph
   * is freed when the last of them is done (a question takes the index at each search, so no
   * later search starts on it).
   */
  private async load(): Promise<void> {
    const previous = this.index;
    this.index = await openIndex(this.config.paths.index, this.embeddings, { logger: this.logger, reuseChunks: previous?.chunks });
    previous?.release();
    this.loaded();
  }

  /** Loads the index on disk if it is usable; else the reason it is not (missing, or another embedder's). */
  private async tryLoad(): Promise<IndexMissingError | IndexMismatchError | undefined> {
    try {
      await this.load();
      return undefined;
    } catch (err) {
      if (err instanceof IndexMissingError || err instanceof IndexMismatchError) return err;
      throw err;
    }
  }

  /** The file of the knowledge folder, indexed with exactly these bytes, if there is one. */
  private async indexedCopyOf(bytes: Uint8Array): Promise<string | undefined> {
    const manifest = await readManifest(this.config.paths.index);
    if (!manifest) return undefined;
    const hash = createHash('sha256').update(bytes).digest('hex');
    for (const [rel, entry] of Object.entries(manifest.files)) {
      // The manifest is as of the last ingest: the file must still be there, with these bytes.
      if (entry.hash === hash && (await sameBytes(path.join(this.config.paths.knowledge, rel), bytes))) return rel;
    }
    return undefined;
  }

  /** A summary of an ingest that found nothing to do, from the index being served. */
  private unchangedSummary(): IngestSummary {
    const meta = this.index?.meta;
    return {
      added: 0,
      changed: 0,
      removed: 0,
      unchanged: meta?.documents.length ?? 0,
      failed: [],
      chunks: meta?.chunkCount ?? 0,
      embedded: 0,
      seconds: 0,
      swapped: false,
      flagged: flaggedOf(meta?.documents ?? []),
    };
  }

  private async builtAtOnDisk(): Promise<string | undefined> {
    try {
      return (await readIndexMeta(this.config.paths.index))?.builtAt;
    } catch {
      // Half-visible (being replaced by another process): nothing newer to load yet.
      return undefined;
    }
  }

  /** Writes the file without ever replacing another: a hidden temp file, then a hard link. */
  private async save(name: string, bytes: Uint8Array): Promise<string> {
    const dir = this.config.paths.knowledge;
    await fs.mkdir(dir, { recursive: true });
    const ext = path.extname(name);
    const stem = name.slice(0, -ext.length);
    const existing = await fs.readdir(dir);
    const tmp = path.join(dir, `.upload-${randomBytes(6).toString('hex')}.tmp`);
    await fs.writeFile(tmp, bytes);
    try {
      for (let i = 1; ; i++) {
        const candidateStem = i === 1 ? stem : `${stem}-${i}`;
        const candidate = `${candidateStem}${ext}`;
        // The same document uploaded twice is not saved twice.
        if (existing.includes(candidate) && (await sameBytes(path.join(dir, candidate), bytes))) return candidate;
        // Another extension with the same stem would give the same document id.
        if (existing.some((f) => f.toLowerCase().startsWith(`${candidateStem.toLowerCase()}.`))) continue;
        try {
          await fs.link(tmp, path.join(dir, candidate));
          return candidate;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
      }
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}

async function sameBytes(file: string, bytes: Uint8Array): Promise<boolean> {
  const current = await fs.readFile(file).catch(() => undefined);
  return Boolean(current) && Buffer.compare(current!, bytes) === 0;
}

/**
 * The last path segment only (no "../", no folders), letters of any language, digits, spaces,
 * ".", "-" and "_"; no leading dot (hidden files are not indexed); a supported extension.
 */
export function safeFileName(fileName: string): string {
  const base = normalizeVietnamese(String(fileName)).split(/[\\/]/).pop() ?? '';
  const ext = path.extname(base).toLowerCase();
  if (!SUPPORTED_EXTENSIONS.includes(ext)) throw new DocumentParseError(reasons.unsupported(ext));
  const stem = base
    .slice(0, base.length - ext.length)
    .replace(/[^\p{L}\p{N} ._-]+/gu, '-')
    .replace(/\s+/g, ' ')
    .replace(/-{2,}/g, '-')
    .replace(/^[\s.-]+|[\s.-]+$/g, '')
    .slice(0, MAX_NAME_CHARS);
  return `${stem || 'tai-lieu'}${ext}`;
}
