// `npm start`: reads the configuration (environment and .env), runs the service, and shuts it
// down gracefully on SIGINT/SIGTERM (a second signal exits at once).
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { parseOnly, UsageError } from './server/parts.js';
import { type RunningService, startService } from './server/service.js';

dotenv.config({ quiet: true });

/** A mistake of the person starting the service: one clear message, exit code 1. */
function refuse(err: unknown): boolean {
  if (!(err instanceof ConfigError || err instanceof UsageError)) return false;
  // exitCode rather than exit(): stderr to a pipe is written asynchronously and must flush.
  process.stderr.write(`${err.message}\n`);
  process.exitCode = 1;
  return true;
}

async function main(): Promise<void> {
  let config;
  let only;
  try {
    only = parseOnly(process.argv.slice(2));
    config = loadConfig();
  } catch (err) {
    if (refuse(err)) return;
    throw err;
  }

  const logger = createLogger(config.log);
  let service: RunningService;
  try {
    service = await startService(config, { logger, only });
  } catch (err) {
    if (refuse(err)) return;
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      logger.fatal(`port ${config.http.port} on ${config.http.host} is already in use: stop the other program or set PORT`);
    else logger.fatal({ err }, 'could not start');
    process.exit(1);
  }

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal }, 'signal received: shutting down (send it again to force)');
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

await main();
