// Logging: pino everywhere. Secrets are removed twice: by key (redact paths) and by value (every
// configured secret is masked wherever it appears in a message, e.g. inside a Bot API URL).
import pino, { type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = ['token', 'apiKey', 'api_key', 'authorization', 'secret', 'password', 'phone'];
const secrets = new Set<string>();

/** Registers a value (token, key) that must never appear in a log line or an error message. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

// Vietnamese phone numbers as people write them: 0912345678, 0912.345.678, 091 234 5678,
// +84 912 345 678, (+84) 912345678, 84912345678, landlines 0209 3870 123. Not inside a longer
// number or word ("1.000.000", "v0.1234"), so amounts and versions stay readable.
const PHONE = /(?<![\p{L}\d.,+])(?:\(\+?84\)|\+?84|0)[\s.-]?(?:\d[\s.-]?){5,7}(\d{3})(?!\d)/gu;
const BOT_API_TOKEN = /\/bot\d+:[A-Za-z0-9_-]{20,}/g;

/** Masks every registered secret, Bot API tokens in URLs, and phone numbers (all but the last 3 digits). */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[REDACTED]');
  return out.replace(BOT_API_TOKEN, '/bot[REDACTED]').replace(PHONE, (_m, last: string) => `***${last}`);
}

export interface LoggerOptions {
  level?: string;
  format?: 'auto' | 'json' | 'pretty';
  /** Where lines go; tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const pretty =
    !options.destination &&
    (options.format === 'pretty' || (options.format !== 'json' && process.stdout.isTTY && process.env.NODE_ENV !== 'production'));
  const base: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: {
      paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
      censor: '[REDACTED]',
    },
    hooks: {
      // Values are masked after formatting so a secret inside any string field is caught too.
      streamWrite: (line) => redact(line),
    },
  };
  if (pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return options.destination ? pino(base, options.destination) : pino(base);
}
