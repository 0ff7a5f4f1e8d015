// The Zalo channel: connects with getMe, then takes updates by long polling or, when
// ZALO_WEBHOOK_URL is set, through the shared webhook route; every update goes to ZaloBot.

import { AuthorProgress } from '../../core/author-progress.js';
import { registerSecret } from '../../logger.js';
import type { ChannelDeps, MessagingChannel } from '../types.js';
import { registerWebhookRoute, webhookPath } from '../webhook.js';
import { ZaloBot } from './bot.js';
import { type ZaloBotInfo, ZaloClient, type ZaloUpdate } from './client.js';
import { ZaloPoller } from './poller.js';
import { updatesOf } from './updates.js';

export const SECRET_HEADER = 'x-bot-api-secret-token';

export interface ZaloChannelOptions {
  /** How long the API holds one poll open (seconds); tests use 1. */
  pollTimeoutSeconds?: number;
  /** First delay after a failed poll. */
  pollBackoffMs?: number;
  /** First retry delay of a failed call. */
  retryBackoffMs?: number;
  /** How long a subscription choice or a deletion question waits for the answer (default 10 minutes). */
  dialogueTtlMs?: number;
  /** Messages one person (or group) may send per window before the notice (default FLOOD_LIMIT). */
  floodLimit?: { limit: number; windowMs: number };
  /** How often a sent announcement is checked for its author's final report (default every 3 s). */
  progressIntervalMs?: number;
}

export function createZaloChannel(deps: ChannelDeps, options: ZaloChannelOptions = {}): MessagingChannel {
  const { config, logger: parent } = deps;
  const zalo = config.zalo;
  if (!zalo) throw new Error('ZALO_BOT_TOKEN is not set');
  registerSecret(zalo.webhook?.secret);
  const logger = parent.child({ channel: 'zalo' });
  const client = new ZaloClient({ token: zalo.token, apiRoot: zalo.apiRoot, logger, backoffMs: options.retryBackoffMs });
  let me: ZaloBotInfo | undefined;
  let running = false;
  const authors = new AuthorProgress(deps.broadcast, logger, options.progressIntervalMs);
  const bot = new ZaloBot({
    ...deps,
    logger,
    client,
    me: () => me,
    authors,
    dialogueTtlMs: options.dialogueTtlMs,
    floodLimit: options.floodLimit,
  });
  const onUpdate = (update: ZaloUpdate) => void bot.handle(update);
  const webhook = zalo.webhook;
  const poller = webhook
    ? undefined
    : new ZaloPoller(client, onUpdate, logger, { timeoutSeconds: options.pollTimeoutSeconds ?? 30, backoffMs: options.pollBackoffMs });

  return {
    name: 'zalo',
    mode: webhook ? 'webhook' : 'polling',
    registerWebhook: webhook
      ? (app) =>
          registerWebhookRoute(app, {
            path: webhookPath(webhook.url),
            header: SECRET_HEADER,
            secret: webhook.secret,
            logger,
            accepting: () => running,
            onUpdate: (body) => {
              const updates = updatesOf(body);
              if (!updates.length) logger.warn('zalo webhook: body without an update');
              for (const update of updates) onUpdate(update);
            },
          })
      : undefined,
    async start() {
      me = await client.getMe();
      if (webhook) {
        await client.setWebhook(webhook.url, webhook.secret);
      } else {
        // Polling does not work while a webhook is set.
        await client.deleteWebhook();
        poller!.start();
      }
      running = true;
      logger.info({ mode: this.mode, bot: me.account_name }, 'zalo channel started');
    },
    async stop() {
      running = false;
      await poller?.stop();
      await bot.idle();
      authors.stopAll();
    },
    isConnected: () => client.connected,
  };
}
