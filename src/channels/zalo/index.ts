// The Zalo channel: connects with getMe, then takes updates by long polling or, when
// ZALO_WEBHOOK_URL is set, through the webhook route; every update goes to ZaloBot.
import type { ChannelDeps, MessagingChannel } from '../types.js';
import { registerSecret } from '../../logger.js';
import { ZaloBot } from './bot.js';
import { ZaloClient, type ZaloUpdate } from './client.js';
import { ZaloPoller } from './poller.js';
import { registerZaloWebhook } from './webhook.js';

export interface ZaloChannelOptions {
  /** How long the API holds one poll open (seconds); tests use 1. */
  pollTimeoutSeconds?: number;
  /** First delay after a failed poll. */
  pollBackoffMs?: number;
  /** First retry delay of a failed call. */
  retryBackoffMs?: number;
  dialogueTtlMs?: number;
}

export function createZaloChannel(deps: ChannelDeps, options: ZaloChannelOptions = {}): MessagingChannel {
  const { config, logger: parent } = deps;
  const env = config.env;
  if (!env.ZALO_BOT_TOKEN) throw new Error('ZALO_BOT_TOKEN is not set');
  registerSecret(env.ZALO_WEBHOOK_SECRET);
  const logger = parent.child({ channel: 'zalo' });
  const client = new ZaloClient({ token: env.ZALO_BOT_TOKEN, apiRoot: env.ZALO_API_ROOT, logger, backoffMs: options.retryBackoffMs });
  let botId: string | undefined;
  let running = false;
  const bot = new ZaloBot({ ...deps, logger, client, botId: () => botId, dialogueTtlMs: options.dialogueTtlMs });
  const onUpdate = (update: ZaloUpdate) => void bot.handle(update);
  const webhookUrl = env.ZALO_WEBHOOK_URL;
  const poller = webhookUrl
    ? undefined
    : new ZaloPoller(client, onUpdate, logger, { timeoutSeconds: options.pollTimeoutSeconds ?? 30, backoffMs: options.pollBackoffMs });

  return {
    name: 'zalo',
    mode: webhookUrl ? 'webhook' : 'polling',
    registerWebhook: webhookUrl
      ? (app) =>
          registerZaloWebhook(app, { path: new URL(webhookUrl).pathname, secret: env.ZALO_WEBHOOK_SECRET!, logger, onUpdate, accepting: () => running })
      : undefined,
    async start() {
      const me = await client.getMe();
      botId = String(me.id);
      if (webhookUrl) {
        await client.setWebhook(webhookUrl, env.ZALO_WEBHOOK_SECRET!);
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
    },
    isConnected: () => client.connected,
  };
}
