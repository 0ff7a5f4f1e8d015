// Runs ingest off the serving thread (ingest-worker.ts). Before, a refresh at 100,000 passages built
// the lexical index and the vector graph in the thread that answers questions, and every question
// waited about 30 s. Now only loading the finished index (reading its files) happens here. The
// worker is kept between refreshes and stopped when idle, so its memory is given back.
import { Worker } from 'node:worker_threads';
import type { EngineConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { IngestWorkerData, IngestWorkerMessage } from './ingest-worker.js';
import type { IngestSummary } from './types.js';

const BOOT = new URL('./parse-worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./ingest-worker.ts', import.meta.url).href;
const IDLE_MS = 60_000;
const LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

export class BackgroundIngest {
  private worker: Worker | undefined;
  private idle: NodeJS.Timeout | undefined;
  private nextId = 1;

  constructor(
    private readonly config: EngineConfig,
    private readonly logger: Logger,
  ) {}

  /** One ingest of the knowledge folder into the index (callers run them one at a time). */
  async run(): Promise<IngestSummary> {
    clearTimeout(this.idle);
    const worker = this.start();
    worker.ref();
    const id = this.nextId++;
    try {
      return await new Promise<IngestSummary>((resolve, reject) => {
        const onMessage = (m: IngestWorkerMessage) => {
          if ('log' in m || m.id !== id) return;
          cleanup();
          if ('summary' in m) resolve(m.summary);
          else reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
        };
        const onError = (err: Error) => {
          cleanup();
          this.worker = undefined;
          reject(err);
        };
        const onExit = (code: number) => onError(new Error(`the ingest worker exited (code ${code})`));
        const cleanup = () => worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        worker.on('message', onMessage).on('error', onError).on('exit', onExit);
        worker.postMessage({ id });
      });
    } finally {
      if (this.worker === worker) {
        worker.unref();
        this.idle = setTimeout(() => void this.stop(), IDLE_MS).unref();
      }
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.idle);
    await this.stop();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const data: IngestWorkerData = { entry: ENTRY, config: this.config, level: this.logger.level };
    const worker = new Worker(BOOT, { workerData: data });
    worker.on('error', () => undefined);
    worker.on('message', (m: IngestWorkerMessage) => {
      if ('log' in m) this.relay(m.log);
    });
    this.worker = worker;
    return worker;
  }

  private async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  /** A pino line of the worker, written again through this thread's logger. */
  private relay(line: string): void {
    try {
      const { level, msg, time: _t, pid: _p, hostname: _h, ...fields } = JSON.parse(line) as Record<string, unknown>;
      this.logger[LEVELS[level as number] ?? 'info'](fields, String(msg ?? ''));
    } catch {
      this.logger.info(line.trim());
    }
  }
}
