// Parses untrusted files (uploads, the knowledge folder) in a worker thread with a heap limit and a
// time limit. A file that would take the service's memory (a DOCX bomb) or hang a library (a PDF
// crafted to loop) ends only the worker: the file is refused with the reason in Vietnamese, the
// worker's heap is given back, and the next file gets a fresh worker. A child process would isolate
// as well but costs a whole Node start per ingest; a worker shares the process and starts in ~0.3 s.
import { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.js';
import type { ChunkOptions } from './chunker.js';
import type { DocumentLimits } from './limits.js';
import { DocumentParseError, reasons } from './loaders/errors.js';
import type { Chunk, ParsedDocument } from './types.js';

export interface ParseRequest {
  id: number;
  relPath: string;
  bytes: Uint8Array;
  limits: DocumentLimits;
  chunkOptions: ChunkOptions;
}

export type ParseResponse =
  | { id: number; ok: true; doc: ParsedDocument; chunks: Chunk[]; flagged: string[] }
  | { id: number; ok: false; parseError: string }
  | { id: number; ok: false; error: string };

export interface ParsedFile {
  doc: ParsedDocument;
  chunks: Chunk[];
  /** Sentences that instruct rather than inform (untrusted.ts), at most 50. */
  flagged: string[];
}

const BOOT = new URL('./parse-worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./parse-worker.ts', import.meta.url).href;
/** An idle worker is stopped after this, so its heap does not stay with the service between ingests. */
const IDLE_MS = 20_000;

export class IsolatedParser {
  private worker: Worker | undefined;
  private idle: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;

  constructor(
    private readonly limits: DocumentLimits,
    private readonly chunkOptions: ChunkOptions,
    private readonly logger?: Logger,
  ) {}

  /** Parses and chunks one file; throws DocumentParseError for a file that cannot or may not be read. */
  parse(relPath: string, bytes: Uint8Array): Promise<ParsedFile> {
    const run = this.queue.then(() => this.run(relPath, bytes));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.queue;
    clearTimeout(this.idle);
    await this.stop();
  }

  private async run(relPath: string, bytes: Uint8Array): Promise<ParsedFile> {
    clearTimeout(this.idle);
    if (bytes.length > this.limits.maxFileBytes) throw new DocumentParseError(reasons.fileTooLarge(this.limits.maxFileBytes));
    const worker = this.start();
    worker.ref();
    const id = this.nextId++;
    try {
      return await new Promise<ParsedFile>((resolve, reject) => {
        const fail = (reason: string, detail?: unknown) => {
          cleanup();
          this.logger?.warn({ path: relPath, reason, detail }, 'parse worker stopped');
          void this.stop();
          reject(new DocumentParseError(reason));
        };
        const onMessage = (m: ParseResponse) => {
          if (m.id !== id) return;
          cleanup();
          if (m.ok) resolve({ doc: m.doc, chunks: m.chunks, flagged: m.flagged });
          else if ('parseError' in m) reject(new DocumentParseError(m.parseError));
          else reject(new Error(`parse worker: ${m.error}`));
        };
        const onError = (err: Error & { code?: string }) =>
          fail(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? reasons.parseMemory(this.limits.parseMemoryMb) : reasons.parseCrashed,
            err.message,
          );
        const onExit = (code: number) => fail(reasons.parseCrashed, { exitCode: code });
        const timer = setTimeout(() => fail(reasons.parseTimeout(this.limits.parseTimeoutMs)), this.limits.parseTimeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        };
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
        const request: ParseRequest = { id, relPath, bytes, limits: this.limits, chunkOptions: this.chunkOptions };
        worker.postMessage(request);
      });
    } finally {
      if (this.worker === worker) {
        worker.unref();
        this.idle = setTimeout(() => void this.stop(), IDLE_MS).unref();
      }
    }
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(BOOT, {
      workerData: { entry: ENTRY },
      resourceLimits: { maxOldGenerationSizeMb: this.limits.parseMemoryMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 8 },
    });
    // Errors are handled per request; between requests a dying worker is simply replaced.
    worker.on('error', () => undefined);
    this.worker = worker;
    return worker;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
