// The ingest worker: runs the whole incremental ingest (parse, chunk, embed, build and write the
// lexical index and the vector graph, swap) in its own thread, so the thread that answers questions
// is never blocked by it. Log lines go to the parent, which writes them with its own logger.
import { parentPort, workerData } from 'node:worker_threads';
import type { EngineConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { registerSecret } from '../redact.js';
import { createEmbeddings } from './embeddings/index.js';
import { ingest } from './ingest.js';

export interface IngestWorkerData {
  entry: string;
  config: EngineConfig;
  level: string;
}

export type IngestWorkerMessage =
  | { id: number; summary: import('./types.js').IngestSummary }
  | { id: number; error: { name: string; message: string } }
  | { log: string };

const port = parentPort;
if (!port) throw new Error('ingest-worker.ts runs only as a worker thread');
const { config, level } = workerData as IngestWorkerData;
// Secrets are registered per thread: the endpoint key must be masked in this thread's lines too.
registerSecret(config.llm.apiKey);
const logger = createLogger({ level, destination: { write: (line: string) => port.postMessage({ log: line }) } });
const embeddings = createEmbeddings(config);

port.on('message', async ({ id }: { id: number }) => {
  try {
    const summary = await ingest({ sourceDir: config.paths.knowledge, indexDir: config.paths.index, config, embeddings, logger });
    port.postMessage({ id, summary } satisfies IngestWorkerMessage);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    port.postMessage({ id, error: { name: e.name, message: e.message } } satisfies IngestWorkerMessage);
  }
});
