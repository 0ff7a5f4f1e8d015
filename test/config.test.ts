import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadConfigOrReport } from '../src/config.js';
import { configTexts } from '../src/texts/config.js';

describe('loadConfig', () => {
  it('works with no variables at all (fresh machine)', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.env.PORT).toBe(3000);
    expect(c.env.HOST).toBe('127.0.0.1');
    expect(c.paths.knowledge).toBe('/srv/app/knowledge');
    expect(c.paths.database).toBe('/srv/app/data/civicbot.db');
    expect(c.llmEnabled).toBe(false);
    expect(c.city.topics.map((t) => t.slug)).toContain('giao-thong');
    expect(c.city.wards).toEqual([]);
  });

  it('names every bad variable in one error, in Vietnamese, without echoing secrets', () => {
    try {
      loadConfig({ PORT: 'abc', LOG_LEVEL: 'loud', OPENAI_BASE_URL: 'not a url', TELEGRAM_WEBHOOK_URL: 'https://x.org/hook' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as ConfigError).message;
      expect(msg).toMatch(/PORT/);
      expect(msg).toMatch(/LOG_LEVEL/);
      expect(msg).toMatch(/OPENAI_BASE_URL/);
      expect((e as ConfigError).problems.length).toBe(3);
    }
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: 'https://x.org/hook' })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    try {
      loadConfig({ ZALO_WEBHOOK_SECRET: 'short-secret-value-that-is-way-too-long'.repeat(10), ZALO_BOT_TOKEN: '1:abc' });
    } catch (e) {
      expect((e as Error).message).toMatch(/ZALO_WEBHOOK_SECRET/);
      expect((e as Error).message).not.toMatch(/short-secret/);
    }
  });

  it('refuses Telegram ids that are not numbers, naming them', () => {
    try {
      loadConfig({ TELEGRAM_ADMIN_IDS: '123,@chutich', TELEGRAM_STAFF_IDS: 'abc, -100200' });
      expect.unreachable();
    } catch (e) {
      const problems = (e as ConfigError).problems;
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^TELEGRAM_ADMIN_IDS: .*"@chutich"/);
      expect(problems[1]).toMatch(/^TELEGRAM_STAFF_IDS: .*"abc"/);
      expect(problems[1]).not.toMatch(/-100200/);
    }
    expect(loadConfig({ TELEGRAM_ADMIN_IDS: '123, -100200' }).env.TELEGRAM_ADMIN_IDS).toEqual(['123', '-100200']);
  });

  it('parses lists, topics and wards', () => {
    const c = loadConfig({
      TELEGRAM_ADMIN_IDS: ' 1, 22 ,',
      CITY_WARDS: 'Đức Xuân, Sông Cầu',
      CITY_TOPICS: 'a=Một,b-2=Hai',
      OPENAI_API_KEY: 'sk-test',
    });
    expect(c.env.TELEGRAM_ADMIN_IDS).toEqual(['1', '22']);
    expect(c.city.wards).toEqual(['Đức Xuân', 'Sông Cầu']);
    expect(c.city.topics).toEqual([
      { slug: 'a', label: 'Một' },
      { slug: 'b-2', label: 'Hai' },
    ]);
    expect(c.llmEnabled).toBe(true);
    expect(() => loadConfig({ CITY_TOPICS: 'Giao Thông=x' })).toThrow(/CITY_TOPICS/);
    expect(loadConfig({ CITY_EXAMPLE_QUESTION: 'Chợ mới khi nào mở?' }).city.exampleQuestion).toBe('Chợ mới khi nào mở?');
    expect(loadConfig({}).city.exampleQuestion).not.toMatch(/Đội Kỳ/);
  });

  it('TRUST_PROXY: off by default; true, a number of hops, or a list of proxy addresses', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.5, 192.168.0.0/16 ,::1,loopback' }).trustProxy).toEqual([
      '10.0.0.5',
      '192.168.0.0/16',
      '::1',
      'loopback',
    ]);
    for (const bad of ['portal.example.org', '10.0.0.1/40', '10.0.0', 'yes please']) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
    expect(() => loadConfig({ TRUST_PROXY: '10.0.0.1,portal' })).toThrow('"portal"');
  });

  it('words its messages from src/texts/config.ts', () => {
    expect(() => loadConfig({ CHUNK_TARGET_CHARS: '300', CHUNK_OVERLAP_CHARS: '300' })).toThrow(
      `${configTexts.header}\n  - ${configTexts.overlapTooLarge}`,
    );
    expect(() => loadConfig({ OPENAI_BASE_URL: 'not a url' })).toThrow(configTexts.badUrl);
  });

  it('reports problems to the given writer for command-line tools', () => {
    const lines: string[] = [];
    expect(loadConfigOrReport((m) => lines.push(m), { PORT: '-1' })).toBeUndefined();
    expect(lines.join('\n')).toMatch(/PORT/);
    expect(loadConfigOrReport((m) => lines.push(m), {})?.env.PORT).toBe(3000);
    expect(lines).toHaveLength(1);
  });
});
