// Shared set-up for the broadcast tests, and (run with tsx) a child process that runs the broadcast
// service against a database file — the parent kills it with SIGKILL mid-run and starts it again,
// or runs two of them on one database to see that only one delivers.
//   tsx test/helpers/broadcast-child.ts <dataDir> <apiRoot> <rate> start|resume|serve [botToken]
// start: creates and sends an announcement, exits when it is done; resume: waits for the latest
// announcement to finish; serve: runs the service (scheduler and workers) until killed.
// Prints one JSON line per event: {"event":"sending","id":1} … {"event":"done","progress":{…}},
// and the service's log as JSON lines (e.g. {"msg":"broadcast: worker lease taken…","reset":3}).
import { type ChildProcess, spawn } from 'node:child_process';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { BroadcastService } from '../../src/broadcast/service.js';
import { createTelegramSender } from '../../src/channels/telegram/sender.js';
import { type Config, loadConfig } from '../../src/config.js';
import { Store } from '../../src/db/store.js';
import { createLogger } from '../../src/logger.js';
import { writeCityFile } from './city.js';

export const TEST_TOKEN = '123456:TEST-token-for-the-fake-api_xyz';
export const WARDS = ['Đức Xuân', 'Phùng Chí Kiên', 'Sông Cầu'];

/** The broadcast tests' installation: a city with wards, a Telegram bot fast enough for tests. */
export const broadcastTestVars = (): Record<string, string> => ({
  CITY_FILE: writeCityFile({ name: 'Bắc Kạn', wards: WARDS }),
  TELEGRAM_BOT_TOKEN: TEST_TOKEN,
  TELEGRAM_RATE_PER_SECOND: '200',
  TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
  BROADCAST_MAX_ATTEMPTS: '3',
  LOG_LEVEL: 'silent',
});

export function testConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: dataDir, KNOWLEDGE_DIR: `${dataDir}/knowledge`, ...broadcastTestVars(), ...env }, dataDir);
}

export const silentLogger = () => createLogger({ level: 'silent' });

/** `n` active Telegram subscribers with chat ids 1..n (all topics, whole city). */
export function seedSubscribers(store: Store, n: number, channel: 'telegram' | 'zalo' = 'telegram', firstId = 1): void {
  store.transaction(() => {
    for (let i = 0; i < n; i++) store.subscribers.subscribe({ channel, chatId: String(firstId + i), topics: [] });
  });
}

/** A JSON line the child printed: an event, or a log line of the service. */
export type ChildLine = { event?: string; msg?: string; [key: string]: any };

export interface RunningChild {
  child: ChildProcess;
  lines: ChildLine[];
  exited: Promise<number | null>;
  /** Resolves with the first line matching, already printed or to come. */
  waitForLine(match: (line: ChildLine) => boolean, timeoutMs?: number): Promise<ChildLine>;
}

/** Starts this file as a child (node + tsx loader in one process, so SIGKILL hits the process that sends). */
export function spawnBroadcastChild(args: {
  dataDir: string;
  apiRoot: string;
  rate: string;
  mode: 'start' | 'resume' | 'serve';
  token?: string;
}): RunningChild {
  const argv = [args.dataDir, args.apiRoot, args.rate, args.mode, ...(args.token ? [args.token] : [])];
  return spawnChild(import.meta.filename, argv);
}

/** Runs a test helper script as a child that prints JSON lines (this file's child, the case crash child). */
export function spawnChild(script: string, argv: string[]): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: ChildLine[] = [];
  const waiters = new Set<{ match: (l: ChildLine) => boolean; resolve: (l: ChildLine) => void }>();
  readline.createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as ChildLine;
    lines.push(line);
    for (const w of waiters) if (w.match(line)) waiters.delete(w), w.resolve(line);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLine = (match: (l: ChildLine) => boolean, timeoutMs = 10_000) => {
    const found = lines.find(match);
    if (found) return Promise.resolve(found);
    return new Promise<ChildLine>((resolve, reject) => {
      const timer = setTimeout(() => (waiters.delete(w), reject(new Error('child: no matching line'))), timeoutMs);
      const w = { match, resolve: (l: ChildLine) => (clearTimeout(timer), resolve(l)) };
      waiters.add(w);
    });
  };
  return { child, lines, exited, waitForLine };
}

async function child(): Promise<void> {
  const [dataDir, apiRoot, rate, mode, token] = process.argv.slice(2);
  const config = testConfig(dataDir, {
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_RATE_PER_SECOND: rate,
    ...(token ? { TELEGRAM_BOT_TOKEN: token } : {}),
  });
  const logger = createLogger({ level: 'info', destination: pino.destination({ fd: 1, sync: true }) });
  const store = Store.open(config.paths.database);
  const service = new BroadcastService({
    store,
    config,
    logger,
    senders: [createTelegramSender(config.telegram!, logger)],
    options: { tickMs: 100, worker: { idlePollMs: 100, leaseRenewMs: 100 } },
  });
  service.start();
  if (mode === 'serve') {
    console.log(JSON.stringify({ event: 'ready' }));
    return;
  }
  const id =
    mode === 'start'
      ? service.sendNow(service.create({ title: 'Thông báo thử', body: 'Nội dung', author: 'test' }).id).id
      : service.recent(1)[0].id;
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
