// Masking of secrets and phone numbers in any text that leaves the process (log lines, error
// details). A leaf module: the logger and the domain's errors both use it.

const secrets = new Set<string>();

/** Registers a value (token, key) that must never appear in a log line or an error message. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}

// Vietnamese phone numbers as people write them: 0912345678, 0912.345.678, 091 234 5678,
// +84 912 345 678, (+84) 912345678, 84912345678, landlines 0209 3870 123. Not inside a longer
// number or word ("1.000.000", "v0.1234"), so amounts and versions stay readable.
// A leading 0 is never followed by a separator: "0.9123456013" (a duration in a JSON log line) is a
// number, not a phone.
const PHONE = /(?<![\p{L}\d.,+])(?:(?:\(\+?84\)|\+?84)[\s.-]?|0)(?:\d[\s.-]?){5,7}(\d{3})(?!\d)/gu;
const BOT_API_TOKEN = /\/bot\d+:[A-Za-z0-9_-]{20,}/g;

/** Masks every registered secret, Bot API tokens in URLs, and phone numbers (all but the last 3 digits). */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[REDACTED]');
  return out.replace(BOT_API_TOKEN, '/bot[REDACTED]').replace(PHONE, (_m, last: string) => `***${last}`);
}
