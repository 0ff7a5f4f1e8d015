// Logging: pino everywhere. Secrets are removed twice: by key (redact paths) and by value (every
// configured secret is masked wherever it appears in a message, e.g. inside a Bot API URL).
import pino, { type Logger } from 'pino';
import { redact } from './redact.js';

export { redact, registerSecret } from './redact.js';

export type { Logger };

const SECRET_KEYS = ['token', 'apiKey', 'api_key', 'authorization', 'secret', 'password', 'phone'];

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
