// The configuration the outbox benchmarks run with: Telegram against the fake Bot API, at a given
// rate and per-chat gap, in a throw-away folder.
import path from 'node:path';
import { type Config, loadConfig } from '../src/config.js';

export function fakeTelegramConfig(
  dir: string,
  options: { apiRoot: string; rate: number; perChatMs?: number; dataDir?: string; vars?: Record<string, string> },
): Config {
  return loadConfig(
    {
      DATA_DIR: options.dataDir ?? dir,
      KNOWLEDGE_DIR: path.join(dir, 'knowledge'),
      TELEGRAM_BOT_TOKEN: '123456:BENCH-token-for-the-fake-api',
      TELEGRAM_API_ROOT: options.apiRoot,
      TELEGRAM_RATE_PER_SECOND: String(options.rate),
      TELEGRAM_PER_CHAT_INTERVAL_MS: String(options.perChatMs ?? 0),
      ...options.vars,
    },
    dir,
  );
}
