// `npm start`: reads the configuration (environment and .env), runs the service, and shuts it
// down gracefully on SIGINT/SIGTERM (a second signal exits at once).
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { parseOnly, UsageError } from './server/parts.js';
import { type RunningService, startService } from './server/service.js';

dotenv.config({ quiet: true });

/** A repeat of a signal within this is the same signal delivered twice, not a request to force. */
const SAME_SIGNAL_MS = 500;
/** Supervisors kill after 10 s (docker stop, systemd's default is 90 s): exit cleanly before that. */
const STOP_DEADLINE_MS = 8000;

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
  let service: RunningService | undefined;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    // A signal sent to the whole process group (systemd, docker stop with an init) reaches this
    // process and tsx, which passes it on: the same signal arrives twice within milliseconds.
    if (firstSignalAt && Date.now() - firstSignalAt < SAME_SIGNAL_MS) return;
    if (firstSignalAt) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    if (!service) {
      // Still starting: nothing has been taken in yet, so there is nothing to drain.
      logger.info({ signal }, 'signal received while starting: exiting');
      process.exit(0);
    }
    logger.info({ signal }, 'signal received: shutting down (send it again to force)');
    // Whatever a peer that never answers still holds: claims in flight are resumed at the next start.
    setTimeout(() => {
      logger.warn({ signal, afterMs: STOP_DEADLINE_MS }, 'shutdown: not finished in time (a peer does not answer); exiting');
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
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
  try {
    service = await startService(config, { logger, only });
  } catch (err) {
    if (refuse(err)) return;
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      logger.fatal(`port ${config.http.port} on ${config.http.host} is already in use: stop the other program or set PORT`);
    else logger.fatal({ err }, 'could not start');
    process.exit(1);
  }
}

await main();
