// Sends (or schedules) an announcement written as a Markdown file; follows or cancels one.
//   npm run broadcast -- --file thong-bao.md [--topic giao-thong] [--ward "Đức Xuân"] [--channel telegram]
//                        [--at "2026-12-01 07:00"] [--expires 2026-12-31] [--author "Tên"] [--dry-run]
//   npm run broadcast -- --progress ID | --cancel ID
// Without --at it sends now. When a running service already delivers the channels concerned (it
// holds their worker leases), the CLI only queues the announcement and that service sends it;
// otherwise the CLI runs the delivery workers itself until done. With --at it stores the
// announcement as scheduled and the running service's scheduler sends it. Times are city time.
import 'dotenv/config';
import fs from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { parseAnnouncementFile } from '../broadcast/announcement-file.js';
import { type AnnouncementDraft, AnnouncementError, BroadcastService, type Preview } from '../broadcast/service.js';
import type { ChannelSender } from '../broadcast/types.js';
import { configuredSenders } from '../channels/senders.js';
import { type Config, loadConfigOrReport } from '../config.js';
import { Store } from '../db/store.js';
import { BROADCAST_CHANNELS, type BroadcastChannel, formatCityTime, parseCityDateEnd, parseCityTime } from '../domain/index.js';
import { createLogger, type Logger, redact } from '../logger.js';
import { securePrivateData } from '../private-data.js';
import { channelLabel, broadcastTexts as t } from '../texts/broadcast.js';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface CliDeps {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  io?: CliIo;
  /** Tests pass senders; otherwise they come from the configured bot tokens. */
  senders?: (config: Config, logger: Logger) => ChannelSender[];
  /** How often progress is read from the database while sending (default 1 s). */
  progressIntervalMs?: number;
}

const OPTIONS = {
  file: { type: 'string' },
  topic: { type: 'string', multiple: true },
  ward: { type: 'string', multiple: true },
  channel: { type: 'string', multiple: true },
  at: { type: 'string' },
  expires: { type: 'string' },
  author: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  progress: { type: 'string' },
  cancel: { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

/** Runs the command; returns the exit code. */
export async function runBroadcastCli(argv: string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? { out: (l) => console.log(l), err: (l) => console.error(redact(l)) };
  let args;
  try {
    args = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }).values;
  } catch (err) {
    io.err(`${(err as Error).message}\n${t.cliUsage}`);
    return 1;
  }
  const action = args.progress !== undefined ? 'progress' : args.cancel !== undefined ? 'cancel' : args.file ? 'send' : undefined;
  if (args.help || !action) {
    (args.help ? io.out : io.err)(t.cliUsage);
    return args.help ? 0 : 1;
  }

  const config = loadConfigOrReport(io.err, deps.env ?? process.env, deps.cwd ?? process.cwd());
  if (!config) return 1;
  if (action !== 'send') return manage(action, action === 'progress' ? args.progress! : args.cancel!, config, io, deps);

  let text: string;
  try {
    text = fs.readFileSync(args.file!, 'utf8');
  } catch {
    io.err(t.cliFileUnreadable(args.file!));
    return 1;
  }

  const problems: string[] = [];
  const scheduledAt = args.at === undefined ? undefined : parseCityTime(args.at);
  if (args.at !== undefined && !scheduledAt) problems.push(t.badDate('--at', args.at));
  const expiresAt = args.expires === undefined ? undefined : parseCityDateEnd(args.expires);
  if (args.expires !== undefined && !expiresAt) problems.push(t.badDate('--expires', args.expires));
  const unknownChannel = (args.channel ?? []).find((c) => !(BROADCAST_CHANNELS as string[]).includes(c));
  if (unknownChannel) problems.push(t.unknownChannel(unknownChannel));
  if (problems.length) {
    io.err(new AnnouncementError(problems).message);
    return 1;
  }

  const { store, service } = open(config, deps);
  try {
    let draft: AnnouncementDraft;
    let preview: Preview;
    try {
      // The length is checked by the service against the channels it can actually send to.
      const fromFile = parseAnnouncementFile(text, { author: args.author ?? `cli:${os.userInfo().username}`, maxLength: Infinity });
      // Options given on the command line win over the file's front matter.
      draft = {
        ...fromFile,
        channels: args.channel ? (args.channel as BroadcastChannel[]) : fromFile.channels,
        topics: args.topic ?? fromFile.topics,
        wards: args.ward ?? fromFile.wards,
        scheduledAt: scheduledAt ?? fromFile.scheduledAt,
        expiresAt: expiresAt ?? fromFile.expiresAt,
      };
      preview = service.previewDraft(draft);
      printRecipients(io, service, preview.recipients, preview.total);
      for (const w of preview.warnings) io.out(t.warning(w));
      if (args['dry-run']) {
        io.out(`\n${preview.text}\n`);
        io.out(t.dryRun);
        return 0;
      }
      if (!service.channels.length) {
        io.err(t.noChannels);
        return 1;
      }
    } catch (err) {
      if (err instanceof AnnouncementError) {
        io.err(err.message);
        return 1;
      }
      throw err;
    }

    const a = service.create(draft);
    io.out(t.created(a.id));
    if (a.status === 'scheduled') {
      io.out(t.scheduled(a.id, formatCityTime(a.scheduledAt!)));
      return 0;
    }
    const needed = service.channels.filter((c) => preview.recipients[c] > 0);
    const elsewhere = service.deliveredElsewhere();
    if (needed.length && needed.every((c) => elsewhere.includes(c))) {
      // Running workers here too would only stand by: the service that holds the leases sends it.
      service.sendNow(a.id);
      io.out(t.queuedForService(a.id));
      return 0;
    }
    return await sendAndWatch(service, a.id, io, deps.progressIntervalMs ?? 1000);
  } finally {
    await service.stop();
    store.close();
  }
}

function open(config: Config, deps: CliDeps): { store: Store; service: BroadcastService } {
  // Progress and reports go to stdout; only warnings are logged, to stderr.
  const logger = createLogger({ level: 'warn', destination: pino.destination(2) });
  securePrivateData(config.paths.data, logger);
  const store = Store.open(config.paths.database);
  return { store, service: new BroadcastService({ store, config, logger, senders: (deps.senders ?? configuredSenders)(config, logger) }) };
}

/** --progress ID prints where the announcement stands (the final report once finished); --cancel ID cancels it. */
async function manage(action: 'progress' | 'cancel', rawId: string, config: Config, io: CliIo, deps: CliDeps): Promise<number> {
  const id = Number(rawId);
  if (!/^\d+$/.test(rawId.trim()) || !Number.isSafeInteger(id)) {
    io.err(t.badId(`--${action}`, rawId));
    return 1;
  }
  const { store, service } = open(config, deps);
  try {
    if (action === 'cancel') {
      service.cancel(id);
      io.out(t.cancelled(id));
    }
    const p = service.progress(id);
    const a = service.get(id)!;
    if (a.status === 'done' || a.status === 'cancelled') io.out(service.report(id));
    else {
      io.out(t.statusLine(id, a.title, a.status));
      if (a.status === 'sending') io.out(t.progress(p));
      else if (a.status === 'scheduled') io.out(t.scheduled(id, formatCityTime(a.scheduledAt!)));
    }
    return 0;
  } catch (err) {
    if (!(err instanceof AnnouncementError)) throw err;
    io.err(err.message);
    return 1;
  } finally {
    await service.stop();
    store.close();
  }
}

function printRecipients(io: CliIo, service: BroadcastService, recipients: Record<BroadcastChannel, number>, total: number): void {
  io.out(t.recipients(Object.fromEntries(service.channels.map((c) => [c, recipients[c]])), total));
  for (const c of BROADCAST_CHANNELS) if (!service.channels.includes(c)) io.out(`  ${t.channelOff(c)}`);
}

/**
 * Sends now and prints progress as it changes, about once a second (read from the database, so
 * channels another process delivers are followed too); Ctrl+C stops after the sends in flight.
 */
async function sendAndWatch(service: BroadcastService, id: number, io: CliIo, intervalMs: number): Promise<number> {
  let onSigint = () => {};
  const interrupted = new Promise<'interrupted'>((resolve) => (onSigint = () => resolve('interrupted')));
  process.once('SIGINT', onSigint);
  service.start();
  service.sendNow(id);
  let stopWatching = () => {};
  const finished = new Promise<'finished'>((resolve) => {
    stopWatching = service.watch(
      id,
      (p, done) => (done ? resolve('finished') : p.status === 'sending' && io.out(t.progress(p))),
      intervalMs,
    );
  });
  const result = await Promise.race([finished, interrupted]);
  process.off('SIGINT', onSigint);
  stopWatching();
  if (result === 'interrupted') {
    // What is not sent stays in the outbox: the running service (or the next run) continues it.
    io.out(t.progress(service.progress(id)));
    return 130;
  }
  io.out(service.report(id));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runBroadcastCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(redact(err instanceof Error ? (err.stack ?? err.message) : String(err)));
      process.exit(1);
    },
  );
}
