// The core flood guard behind ChatPolicy, the same on every channel (one FLOOD_LIMIT).
// Time is passed in, so the window is tested without waiting.
import { describe, expect, it } from 'vitest';
import { FLOOD_LIMIT, FloodGuard } from '../src/core/flood-guard.js';

describe('FloodGuard', () => {
  it('lets the limit through, then one notice, then silence for the rest of the window', () => {
    const guard = new FloodGuard({ limit: 3, windowMs: 10_000 });
    const verdicts = Array.from({ length: 8 }, (_, i) => guard.check('user:1', 1_000 + i));
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'notice', 'silent', 'silent', 'silent', 'silent']);
  });

  it('slides: once the oldest messages leave the window, more are allowed', () => {
    const guard = new FloodGuard({ limit: 2, windowMs: 1_000 });
    expect(guard.check('a', 0)).toBe('ok');
    expect(guard.check('a', 600)).toBe('ok');
    expect(guard.check('a', 700)).toBe('notice');
    // The first message has left the window; the second has not.
    expect(guard.check('a', 1_001)).toBe('ok');
    expect(guard.check('a', 1_002)).toBe('silent');
    expect(guard.check('a', 1_601)).toBe('ok');
    // Still within the notice's window: no second notice yet; after it, one more.
    expect(guard.check('a', 1_650)).toBe('silent');
    expect(guard.check('a', 1_701)).toBe('notice');
    expect(guard.check('a', 1_702)).toBe('silent');
  });

  it('counts each key on its own and forgets idle ones', () => {
    const guard = new FloodGuard({ limit: 1, windowMs: 1_000 });
    expect(guard.check('user:1', 0)).toBe('ok');
    expect(guard.check('chat:g', 0)).toBe('ok');
    expect(guard.check('user:1', 10)).toBe('notice');
    expect(guard.check('user:2', 10)).toBe('ok');
    expect(guard.check('user:1', 5_000)).toBe('ok');
  });

  it('uses the one shared limit by default', () => {
    const guard = new FloodGuard();
    const verdicts = Array.from({ length: FLOOD_LIMIT.limit + 2 }, (_, i) => guard.check('k', i));
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(FLOOD_LIMIT.limit);
    expect(verdicts.at(-2)).toBe('notice');
  });
});
