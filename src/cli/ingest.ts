// Builds or updates the knowledge index from the documents folder.
//   npm run ingest [-- --source DIR] [--json]
// Exit code 1 when the configuration is wrong or any document could not be read.
import 'dotenv/config';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import pino from 'pino';
import { loadConfigOrReport } from '../config.js';
import type { IngestSummary } from '../domain/index.js';
import { createEmbeddings } from '../engine/embeddings/index.js';
import { ingest } from '../engine/ingest.js';
import { createLogger, redact } from '../logger.js';
import { securePrivateData } from '../private-data.js';
import { ingestCliTexts as texts } from '../texts/ingest.js';

// Long runs only: a bar that flashes for a second is noise.
const PROGRESS_MIN_ITEMS = 200;

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { source: { type: 'string' }, json: { type: 'boolean', default: false } } }).values;
  } catch {
    console.error(texts.usage);
    return 1;
  }
  const config = loadConfigOrReport();
  if (!config) return 1;
  securePrivateData(config.paths.data);
  const sourceDir = args.source ? path.resolve(args.source) : config.paths.knowledge;
  // Progress and the summary go to stdout; only warnings are logged, to stderr.
  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  const showProgress = Boolean(process.stdout.isTTY) && !args.json;
  let bar: cliProgress.SingleBar | undefined;
  let barPhase = '';

  try {
    const summary = await ingest({
      sourceDir,
      indexDir: config.paths.index,
      config: config.engine,
      embeddings: createEmbeddings(config.engine),
      logger,
      onProgress: (done, total, phase) => {
        if (!showProgress || total <= PROGRESS_MIN_ITEMS) return;
        if (barPhase !== phase) {
          bar?.stop();
          barPhase = phase;
          bar = new cliProgress.SingleBar(
            { format: `${texts.phase[phase]} [{bar}] {value}/{total}`, hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done);
        } else {
          bar?.update(done);
        }
      },
    });
    bar?.stop();
    const shownSource = path.relative(process.cwd(), sourceDir) || '.';
    console.log(args.json ? JSON.stringify(summary, null, 2) : texts.summary(summary, shownSource));
    return summary.failed.length ? 1 : 0;
  } catch (err) {
    bar?.stop();
    // An endpoint may echo the key it was sent ("Incorrect API key provided: sk-...").
    console.error(redact(texts.error((err as Error).message)));
    return 1;
  }
}

process.exitCode = await main();
