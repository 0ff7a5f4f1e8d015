// The Telegram channel: a grammY bot wired to the core services, in long-polling mode
// (@grammyjs/runner) or webhook mode (a Fastify route), with auto-retry on every API call,
// per-chat ordering, a flood limit, and a graceful stop that finishes updates in flight.

import path from 'node:path';
import { autoChatAction } from '@grammyjs/auto-chat-action';
import { type AutoRetryOptions, autoRetry } from '@grammyjs/auto-retry';
import { CommandGroup } from '@grammyjs/commands';
import { type RunnerHandle, run, sequentialize } from '@grammyjs/runner';
import type { FastifyInstance } from 'fastify';
import { Bot, BotError, Composer, type Context, GrammyError, HttpError } from 'grammy';
import type { BotCommand, Update, UserFromGetMe } from 'grammy/types';
import { AnnounceFlow } from '../../core/announce-flow.js';
import { AnswerFlow } from '../../core/answer-flow.js';
import { AuthorProgress } from '../../core/author-progress.js';
import { CaseDesk } from '../../core/case-desk.js';
import { ChatPolicy } from '../../core/chat-policy.js';
import { FLOOD_LIMIT } from '../../core/flood-guard.js';
import { ForgetFlow } from '../../core/forget-flow.js';
import { HandoffFlow } from '../../core/handoff-flow.js';
import { ReportFlow } from '../../core/report-flow.js';
import { StaffActions } from '../../core/staff-actions.js';
import { SubscribeFlow } from '../../core/subscribe-flow.js';
import { registerSecret } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { commandDescriptions, telegramActions } from '../../texts/telegram.js';
import type { ChannelDeps, MessagingChannel } from '../types.js';
import { registerWebhookRoute, webhookPath } from '../webhook.js';
import { announceFeature } from './announce.js';
import { answers } from './answers.js';
import { followOnTelegram } from './author-status.js';
import { caseFeature } from './cases.js';
import { addressedToBot, type BotContext, chatRef, isPrivate } from './context.js';
import { residentCommands } from './resident-commands.js';
import { staffCommands } from './staff-commands.js';
import { subscribeFeature } from './subscribe.js';

export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export { sendAnswer } from './answers.js';

export interface TelegramChannelOptions {
  /** Skips getMe at start (tests). */
  botInfo?: UserFromGetMe;
  /** getUpdates long-poll timeout in seconds (default 30). */
  pollTimeoutSeconds?: number;
  /** Messages one person (or group) may send per window before the friendly notice (default FLOOD_LIMIT). */
  rateLimit?: { limit: number; windowMs: number };
  /** How often an author's announcement status is refreshed (default every 3 s). */
  progressIntervalMs?: number;
  retry?: Partial<AutoRetryOptions>;
  /** How long the staff announcement flow waits for the next step (default 30 minutes). */
  flowTimeoutMs?: number;
}

const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export function createTelegramChannel(deps: ChannelDeps, options: TelegramChannelOptions = {}): MessagingChannel {
  const { config, store, residents, broadcast } = deps;
  const telegram = config.telegram;
  if (!telegram) throw new Error('TELEGRAM_BOT_TOKEN is not set');
  const { token, webhook } = telegram;
  registerSecret(token);
  registerSecret(webhook?.secret);
  const log = deps.logger.child({ module: 'telegram' });
  const mode = webhook ? 'webhook' : 'polling';
  const retry: Partial<AutoRetryOptions> = { maxRetryAttempts: 3, maxDelaySeconds: 10, ...options.retry };
  const policy = new ChatPolicy({ residents, kv: store.kv }, options.rateLimit ?? FLOOD_LIMIT);

  const bot = new Bot<BotContext>(token, { botInfo: options.botInfo, client: { apiRoot: telegram.apiRoot } });
  bot.api.config.use(autoRetry(retry));
  let connected = false;
  // Installed last, so it sees the outcome after retries: any answer from Telegram means we are connected.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      connected = true;
      return res;
    } catch (err) {
      if (err instanceof HttpError && connected) log.warn({ method, err: err.message }, 'Telegram API unreachable');
      if (err instanceof HttpError) connected = false;
      throw err;
    }
  });

  const onError = (err: unknown) => {
    const cause = err instanceof BotError ? err.error : err;
    const updateId = err instanceof BotError ? err.ctx.update.update_id : undefined;
    if (cause instanceof GrammyError && cause.error_code === 403)
      log.warn({ updateId, description: cause.description }, 'chat unreachable: bot blocked or removed');
    else log.error({ err: cause, updateId }, 'telegram update failed');
  };
  bot.catch(onError);

  const inflight = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p)).catch(() => undefined);
    return p;
  };

  bot.use((ctx, next) => track(next()));
  // Before sequentialize: a flood is counted as it arrives and the notice goes out at once, not
  // after the chat's queued answers. Only messages meant for the bot count (a group's other talk is
  // never answered anyway).
  // The photos of one album (a report's photos, sent at once) arrive as one message each: the
  // album counts once. Bounded: the ids of recent albums only.
  const albums = new Set<string>();
  const albumSeen = (id: string | undefined) => {
    if (!id) return false;
    if (albums.has(id)) return true;
    if (albums.size >= 1000) albums.clear();
    albums.add(id);
    return false;
  };
  bot.use(async (ctx, next) => {
    if (ctx.message && ctx.from && (isPrivate(ctx) || addressedToBot(ctx)) && !albumSeen(ctx.message.media_group_id)) {
      const verdict = policy.admit({ ref: chatRef(ctx), group: !isPrivate(ctx) });
      if (verdict === 'silent') return;
      if (verdict === 'notice') return void ctx.reply(botTexts.rateLimited).catch(onError);
    }
    return next();
  });
  bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  bot.use(autoChatAction());
  const authors = new AuthorProgress(broadcast, log, options.progressIntervalMs);
  const announce = announceFeature({
    flow: new AnnounceFlow({ city: config.city, kv: store.kv, residents, broadcast, ttlMs: options.flowTimeoutMs }),
    logger: log,
    api: bot.api,
    filesDir: path.join(config.paths.data, 'announcement-files'),
    follow: followOnTelegram(bot.api, authors),
  });
  bot.use(announce.composer);

  const cases = caseFeature({
    cases: deps.cases,
    handoff: new HandoffFlow({ kv: store.kv, cases: deps.cases }),
    report: new ReportFlow({ city: config.city, kv: store.kv, cases: deps.cases, maxPhotos: config.cases.maxPhotos }),
    desk: new CaseDesk(deps.cases, config.city.cases.prefix),
    residents,
    staffGroupId: telegram.staffGroupId,
    api: bot.api,
    logger: log,
  });
  const resident = subscribeFeature({
    subscribe: new SubscribeFlow({ city: config.city, kv: store.kv, residents }),
    forget: new ForgetFlow({ kv: store.kv, residents, drafts: [cases.report] }),
  });
  bot.use(resident.composer);
  bot.use(cases.composer);
  const groups = { resident: new CommandGroup<BotContext>(), staff: new CommandGroup<BotContext>(), admin: new CommandGroup<BotContext>() };
  const handlers = new Composer<BotContext>();
  residentCommands(groups.resident, { config, residents, flows: resident, cases });
  groups.staff.command('xuly', commandDescriptions.xuly, cases.changeStatus);
  staffCommands(groups, handlers, {
    staff: new StaffActions({ residents, broadcast, logger: log }),
    startAnnouncement: announce.start,
    isResident: (userId) => residents.roleOf('telegram', userId) === 'resident',
    api: bot.api,
  });
  bot.use(
    groups.resident,
    groups.staff,
    groups.admin,
    handlers,
    answers(new AnswerFlow({ residents, logger: log, handoff: cases.handoff }), log),
  );
  // Whatever is left: in a private chat one polite line (an unknown command gets the help);
  // in a group nothing, so the bot never floods it.
  bot.on('message', async (ctx) => {
    if (!isPrivate(ctx)) return;
    await ctx.reply(ctx.msg.text?.startsWith('/') ? botTexts.help(telegramActions) : botTexts.nonText);
  });

  const listOf = (...gs: CommandGroup<BotContext>[]): BotCommand[] =>
    gs.flatMap((g) => g.commands.map((c) => ({ command: String(c.toObject().command), description: c.toObject().description })));
  const registerCommands = async () => {
    await groups.resident.setCommands(bot);
    // Staff and admins see their extra commands in their own private chats.
    const admins = new Set(telegram.admins);
    for (const id of new Set([...telegram.admins, ...telegram.staff])) {
      const list = admins.has(id) ? listOf(groups.resident, groups.staff, groups.admin) : listOf(groups.resident, groups.staff);
      await bot.api
        .setMyCommands(list, { scope: { type: 'chat', chat_id: id } })
        .catch((err) => log.warn({ err }, 'staff commands not registered'));
    }
  };

  let runner: RunnerHandle | undefined;
  let accepting = true;

  const channel: MessagingChannel = {
    name: 'telegram',
    mode,
    async start() {
      accepting = true;
      await bot.init();
      connected = true;
      await registerCommands().catch((err) => log.warn({ err }, 'bot commands not registered'));
      if (webhook) {
        await bot.api.setWebhook(webhook.url, {
          secret_token: webhook.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        log.info({ bot: bot.botInfo.username, mode }, 'Telegram bot started');
        return;
      }
      // A webhook left from an earlier deployment would make getUpdates fail.
      await bot.api.deleteWebhook();
      runner = run(bot, {
        runner: { fetch: { timeout: options.pollTimeoutSeconds ?? 30, allowed_updates: [...ALLOWED_UPDATES] }, silent: true },
      });
      runner.task()?.catch((err) => log.error({ err }, 'Telegram polling stopped'));
      log.info({ bot: bot.botInfo.username, mode }, 'Telegram bot started');
    },
    async stop() {
      accepting = false;
      if (runner?.isRunning()) await runner.stop();
      runner = undefined;
      await Promise.allSettled([...inflight]);
      authors.stopAll();
    },
    isConnected: () => connected,
  };

  if (webhook) {
    channel.registerWebhook = (app: FastifyInstance) =>
      registerWebhookRoute(app, {
        path: webhookPath(webhook.url),
        header: SECRET_HEADER,
        secret: webhook.secret,
        logger: log,
        accepting: () => accepting,
        onUpdate: (body) => {
          const update = body as Update | undefined;
          if (typeof update?.update_id !== 'number') return log.warn('telegram webhook: body without an update');
          // Telegram redelivers an update it got no 200 for in time: each update_id is handled once.
          if (!policy.firstSeen('telegram', String(update.update_id))) return;
          track(
            (async () => {
              if (!bot.isInited()) await bot.init();
              await bot.handleUpdate(update);
            })().catch(onError),
          );
        },
      });
  }
  return channel;
}
