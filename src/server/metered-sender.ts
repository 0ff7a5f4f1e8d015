// Counts every broadcast delivery attempt and every direct notice attempt by channel and outcome, around whatever sender the
// workers use, so the workers need no knowledge of metrics.

import type { ChannelSender } from '../broadcast/types.js';
import type { Metrics } from '../metrics.js';

export function meteredSender(sender: ChannelSender, metrics: Metrics): ChannelSender {
  return {
    channel: sender.channel,
    ratePerSecond: sender.ratePerSecond,
    perChatIntervalMs: sender.perChatIntervalMs,
    maxTextLength: sender.maxTextLength,
    maxCaptionLength: sender.maxCaptionLength,
    async send(chatId, message) {
      const outcome = await sender.send(chatId, message);
      metrics.deliveries.inc({ channel: sender.channel, status: outcome.kind });
      return outcome;
    },
    async sendNotice(chatId, notice) {
      const outcome = await sender.sendNotice(chatId, notice);
      metrics.notices.inc({ channel: sender.channel, status: outcome.kind });
      return outcome;
    },
  };
}
