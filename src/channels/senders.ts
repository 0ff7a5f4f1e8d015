// The broadcast senders of every channel with a bot token. A delivery worker uses them even where
// the channel's bot (answering residents) runs in another process; the service and the CLI both
// build their senders here.
import type { ChannelSender } from '../broadcast/types.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { createTelegramSender } from './telegram/sender.js';
import { createZaloSender } from './zalo/sender.js';

export function configuredSenders(config: Config, logger: Logger): ChannelSender[] {
  const senders: ChannelSender[] = [];
  if (config.env.TELEGRAM_BOT_TOKEN) senders.push(createTelegramSender(config, logger));
  if (config.env.ZALO_BOT_TOKEN) senders.push(createZaloSender(config, logger));
  return senders;
}
