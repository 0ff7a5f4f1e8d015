// Which parts `npm start` runs: --only parsing and the plan that turns unconfigured channels off.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { parseOnly, planParts, UsageError } from '../src/server/parts.js';

describe('parseOnly', () => {
  it('is undefined without --only', () => {
    expect(parseOnly([])).toBeUndefined();
  });

  it('accepts repeated flags and comma lists, without duplicates', () => {
    expect(parseOnly(['--only', 'telegram', '--only', 'worker,web', '--only=telegram'])).toEqual(['telegram', 'worker', 'web']);
  });

  it('refuses unknown parts and unknown flags with usage', () => {
    expect(() => parseOnly(['--only', 'fax'])).toThrow(UsageError);
    expect(() => parseOnly(['--only', 'fax'])).toThrow('unknown part "fax"');
    expect(() => parseOnly(['--only', ','])).toThrow(UsageError);
    expect(() => parseOnly(['--verbose'])).toThrow(/Usage: npm start/);
  });
});

describe('planParts', () => {
  const bare = loadConfig({});
  const telegram = loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc' });

  it('runs web and worker by default and says why unconfigured channels are off', () => {
    const plan = planParts(bare, undefined);
    expect([...plan.parts]).toEqual(['web', 'worker']);
    expect(plan.off).toEqual({ telegram: 'TELEGRAM_BOT_TOKEN is not set', zalo: 'ZALO_BOT_TOKEN is not set' });
  });

  it('turns a channel on when its token is set', () => {
    expect([...planParts(telegram, undefined).parts]).toEqual(['web', 'telegram', 'worker']);
  });

  it('runs only the selected parts', () => {
    const plan = planParts(telegram, ['telegram']);
    expect([...plan.parts]).toEqual(['telegram']);
    expect(plan.off).toMatchObject({ web: 'not selected by --only', worker: 'not selected by --only' });
  });

  it('refuses to run a selected channel that has no token', () => {
    expect(() => planParts(bare, ['web', 'zalo'])).toThrow('--only zalo: ZALO_BOT_TOKEN is not set');
  });
});
