// Telegram and Zalo on one core, polling the fake APIs with test timings, for the tests that drive
// the same resident through both channels.
import { createTelegramChannel } from '../../src/channels/telegram/index.js';
import type { ChannelDeps, MessagingChannel } from '../../src/channels/types.js';
import { createZaloChannel } from '../../src/channels/zalo/index.js';

export async function startBothChannels(deps: ChannelDeps, flood: { limit: number; windowMs: number }): Promise<MessagingChannel[]> {
  const channels = [
    createTelegramChannel(deps, { pollTimeoutSeconds: 1, rateLimit: flood }),
    createZaloChannel(deps, { pollTimeoutSeconds: 1, pollBackoffMs: 20, retryBackoffMs: 5, floodLimit: flood }),
  ];
  for (const c of channels) await c.start();
  return channels;
}
