// A separate process running the real ingest, for the tests of what happens between processes:
//   node --import tsx test/helpers/ingest-child.ts '<json options>'
// Options: root (folder with knowledge/ and data/), dimensions, and what to do once the new
// index is built, before the swap: "kill" (SIGKILL itself: a crash, no clean-up code runs) or
// "hold" (print "built" and wait for a line on stdin, so the parent can act while this process
// holds the ingest lock). Prints the summary as one JSON line.
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config.js';
import { LocalEmbeddings } from '../../src/engine/embeddings/local.js';
import { ingest } from '../../src/engine/ingest.js';

export interface IngestChildOptions {
  root: string;
  dimensions: number;
  beforeSwap?: 'kill' | 'hold';
}

const options = JSON.parse(process.argv[2]) as IngestChildOptions;
const config = loadConfig(
  { DATA_DIR: path.join(options.root, 'data'), KNOWLEDGE_DIR: path.join(options.root, 'knowledge') },
  options.root,
).engine;

async function beforeSwap(): Promise<void> {
  if (options.beforeSwap === 'kill') process.kill(process.pid, 'SIGKILL');
  if (options.beforeSwap === 'hold') {
    console.log('built');
    const lines = createInterface({ input: process.stdin });
    await new Promise<void>((resolve) => lines.once('line', () => resolve()));
    lines.close();
  }
}

const summary = await ingest({
  sourceDir: config.paths.knowledge,
  indexDir: config.paths.index,
  config,
  embeddings: new LocalEmbeddings(options.dimensions),
  beforeSwap,
});
console.log(JSON.stringify(summary));
