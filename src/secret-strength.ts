// How strong a shared secret must be: the admin and staff bearer tokens and the webhook secrets are
// all that stand between the internet and the admin API or a forged update. A short, guessable or
// repetitive one can be found by trying; one with a space was accepted before but could never match
// (HTTP headers trim it). Pure: config.ts reports the problem, `npm run token` makes a good one.
import { randomBytes } from 'node:crypto';

export const MIN_SECRET_CHARS = 32;
/** Distinct characters a secret must use: "aaaa…" or "abab…" of any length is not a secret. */
const MIN_DISTINCT = 10;
/** No one character may make up more than this share of it. */
const MAX_SHARE_OF_ONE = 0.25;

export type SecretProblem = 'too_short' | 'whitespace' | 'low_variety';

export function secretProblem(value: string): SecretProblem | undefined {
  if (/\s/u.test(value)) return 'whitespace';
  const chars = [...value];
  if (chars.length < MIN_SECRET_CHARS) return 'too_short';
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  if (counts.size < MIN_DISTINCT || Math.max(...counts.values()) > MAX_SHARE_OF_ONE * chars.length) return 'low_variety';
  return undefined;
}

/** 32 random bytes in base64url: 43 characters of A-Z a-z 0-9 _ -, valid for every secret here. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
