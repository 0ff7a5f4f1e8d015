// Shared set-up for the broadcast tests, and (run with tsx) a child process that runs the broadcast
// service against a database file until its announcement is done — the parent kills it with
// SIGKILL mid-run and starts it again.
//   tsx test/helpers/broadcast-child.ts <dataDir> <apiRoot> <rate> start|resume
// Prints one JSON line per event: {"event":"sending","id":1} … {"event":"done","progress":{…}}.
import { pathToFileURL } from 'node:url';
import { BroadcastService } from '../../src/broadcast/service.js';
import { createTelegramSender } from '../../src/channels/telegram/sender.js';
import { loadConfig, type Config } from '../../src/config.js';
import { Store } from '../../src/db/store.js';
import { createLogger } from '../../src/logger.js';

export const TEST_TOKEN = '123456:TEST-token-for-the-fake-api_xyz';
export const WARDS = ['Đức Xuân', 'Phùng Chí Kiên', 'Sông Cầu'];

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: `${dataDir}/knowledge`,
      CITY_WARDS: WARDS.join(','),
      TELEGRAM_BOT_TOKEN: TEST_TOKEN,
      TELEGRAM_RATE_PER_SECOND: '200',
      TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
      BROADCAST_MAX_ATTEMPTS: '3',
      LOG_LEVEL: 'silent',
      ...env,
    },
    dataDir,
  );
}

export const silentLogger = () => createLogger({ level: 'silent' });

/** `n` active Telegram subscribers with chat ids 1..n (all topics, whole city). */
export function seedSubscribers(store: Store, n: number, channel: 'telegram' | 'zalo' = 'telegram', firstId = 1): void {
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) store.subscribers.subscribe({ channel, chatId: String(firstId + i), topics: [] });
  })();
}

async function child(): Promise<void> {
  const [dataDir, apiRoot, rate, mode] = process.argv.slice(2);
  const config = testConfig(dataDir, { TELEGRAM_API_ROOT: apiRoot, TELEGRAM_RATE_PER_SECOND: rate });
  const logger = silentLogger();
  const store = Store.open(config.paths.database);
  const service = new BroadcastService({ store, config, logger, senders: [createTelegramSender(config, logger)], options: { tickMs: 100 } });
  service.start();
  const id = mode === 'start' ? service.sendNow(service.create({ title: 'Thông báo thử', body: 'Nội dung', author: 'test' }).id).id : service.recent(1)[0].id;
  console.log(JSON.stringify({ event: 'sending', id }));
  const progress = await service.waitUntilFinished(id);
  await service.stop();
  store.close();
  console.log(JSON.stringify({ event: 'done', progress }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  child().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
