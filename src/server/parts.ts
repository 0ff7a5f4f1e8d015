// Which parts this process runs. By default: the web chat and APIs, the configured channels and the
// broadcast workers; `--only` picks some of them so a deployment can split the process.
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { PersonError } from '../domain/index.js';

export const PARTS = ['web', 'telegram', 'zalo', 'worker'] as const;
export type Part = (typeof PARTS)[number];

/** A mistake in the command line of `npm start`. */
export class UsageError extends PersonError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--only telegram --only worker` or `--only telegram,worker`; undefined when not given. */
export function parseOnly(argv: string[]): Part[] | undefined {
  let values: string[] | undefined;
  try {
    ({
      values: { only: values },
    } = parseArgs({ args: argv, options: { only: { type: 'string', multiple: true } }, strict: true }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nUsage: npm start [-- --only ${PARTS.join('|')}[,...]]`);
  }
  if (!values) return undefined;
  const names = values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PARTS as readonly string[]).includes(n));
  if (unknown.length || !names.length)
    throw new UsageError(`--only: unknown part "${unknown.join('", "')}"; expected one or more of ${PARTS.join(', ')}`);
  return [...new Set(names as Part[])];
}

export interface PartPlan {
  parts: Set<Part>;
  /** One line per part that is off, saying why (for the start-up log). */
  off: Partial<Record<Part, string>>;
}

/** The parts to run: asked-for channels must be configured; by default unconfigured channels are off. */
export function planParts(config: Config, only: Part[] | undefined): PartPlan {
  const tokens: Record<'telegram' | 'zalo', boolean> = { telegram: Boolean(config.telegram), zalo: Boolean(config.zalo) };
  const missing = (only ?? []).filter((p): p is 'telegram' | 'zalo' => (p === 'telegram' || p === 'zalo') && !tokens[p]);
  if (missing.length) throw new UsageError(missing.map((p) => `--only ${p}: ${p.toUpperCase()}_BOT_TOKEN is not set`).join('\n'));

  const parts = new Set<Part>();
  const off: PartPlan['off'] = {};
  for (const part of PARTS) {
    if (only && !only.includes(part)) off[part] = 'not selected by --only';
    else if ((part === 'telegram' || part === 'zalo') && !tokens[part]) off[part] = `${part.toUpperCase()}_BOT_TOKEN is not set`;
    else parts.add(part);
  }
  return { parts, off };
}
