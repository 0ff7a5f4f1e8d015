// A child process for the case crash test (run with tsx): the real delivery service and the
// CaseService writing to the real outbox, on a database file. The parent kills it with SIGKILL
// and starts it again.
//   tsx test/helpers/case-child.ts <dataDir> <apiRoot> change|serve
// change: opens a case for chat 4242 and closes it (the status notice and the rating question are
// committed with the change), prints {"event":"changed"}, and waits without any delivery worker:
// killed there, the notices are written and not delivered. serve: runs the delivery workers until
// killed, printing {"event":"ready"}.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { BroadcastService } from '../../src/broadcast/service.js';
import { createTelegramSender } from '../../src/channels/telegram/sender.js';
import { CaseService } from '../../src/core/case-service.js';
import { PhotoFiles } from '../../src/db/case-photos.js';
import { Store } from '../../src/db/store.js';
import { createLogger } from '../../src/logger.js';
import { type RunningChild, spawnChild, testConfig } from './broadcast-child.js';

export const CRASH_RESIDENT = '4242';

async function child(): Promise<void> {
  const [dataDir, apiRoot, mode] = process.argv.slice(2);
  const config = testConfig(dataDir, { TELEGRAM_API_ROOT: apiRoot, TELEGRAM_PER_CHAT_INTERVAL_MS: '0' });
  const logger = createLogger({ level: 'info', destination: pino.destination({ fd: 1, sync: true }) });
  const store = Store.open(config.paths.database);
  const broadcast = new BroadcastService({
    store,
    config,
    logger,
    senders: [createTelegramSender(config.telegram!, logger)],
    options: { tickMs: 100, worker: { idlePollMs: 100, leaseRenewMs: 100, retryBaseMs: 100 } },
  });
  const cases = new CaseService({
    store,
    city: config.city,
    photos: new PhotoFiles(path.join(dataDir, 'photos'), config.cases.photoMaxBytes),
    outbox: { enqueue: (n) => store.notices.enqueue(n), wake: () => broadcast.wake() },
    logger,
    limits: config.cases,
  });
  if (mode === 'change') {
    const { case: c } = cases.openQuestion({ channel: 'telegram', chatId: CRASH_RESIDENT, userId: CRASH_RESIDENT }, 'Hỏi cán bộ');
    cases.changeStatus(c.id, 'closed', 'Chị Hoa');
    console.log(JSON.stringify({ event: 'changed', id: c.id, number: c.number }));
    // Alive until killed, with nothing delivering.
    setInterval(() => undefined, 60_000);
    return;
  }
  broadcast.start();
  console.log(JSON.stringify({ event: 'ready' }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  child().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

export function spawnCaseChild(dataDir: string, apiRoot: string, mode: 'change' | 'serve'): RunningChild {
  return spawnChild(import.meta.filename, [dataDir, apiRoot, mode]);
}
