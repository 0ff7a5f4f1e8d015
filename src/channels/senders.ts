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
  if (config.telegram) senders.push(createTelegramSender(config.telegram, logger));
  if (config.zalo) senders.push(createZaloSender(config.zalo, logger));
  return senders;
}
