import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadConfigOrReport } from '../src/config.js';
import { wardNames } from '../src/domain/index.js';
import { configTexts } from '../src/texts/config.js';
import { writeCityFile } from './helpers/city.js';
import { REPO_ROOT } from './helpers/test-env.js';

describe('loadConfig', () => {
  it('works with no variables at all (fresh machine)', () => {
    const c = loadConfig({}, '/srv/app');
    expect(c.http.port).toBe(3000);
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.paths.knowledge).toBe('/srv/app/knowledge');
    expect(c.paths.database).toBe('/srv/app/data/civicbot.db');
    expect(c.engine.llm.enabled).toBe(false);
    expect(c.telegram).toBeUndefined();
    expect(c.zalo).toBeUndefined();
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
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: '1:abc', TELEGRAM_ADMIN_IDS: '123, -100200' }).telegram?.admins).toEqual(['123', '-100200']);
  });

  it('parses lists and groups settings into typed slices; the engine slice carries no channel token', () => {
    const c = loadConfig({
      TELEGRAM_BOT_TOKEN: '1:abc',
      TELEGRAM_ADMIN_IDS: ' 1, 22 ,',
      TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/tg',
      TELEGRAM_WEBHOOK_SECRET: 'secret_1_Kq7Wz2Lp9Xv4Mn6Bt3Rj8Yc5',
      ZALO_BOT_TOKEN: '2:zalo-token',
      OPENAI_API_KEY: 'sk-test',
    });
    expect(c.telegram?.admins).toEqual(['1', '22']);
    expect(c.telegram?.webhook).toEqual({ url: 'https://bot.example.org/tg', secret: 'secret_1_Kq7Wz2Lp9Xv4Mn6Bt3Rj8Yc5' });
    expect(c.zalo?.webhook).toBeUndefined();
    expect(c.engine.llm.enabled).toBe(true);
    expect(JSON.stringify(c.engine)).not.toMatch(/1:abc|zalo-token|secret_1_Kq7Wz2Lp9Xv4Mn6Bt3Rj8Yc5/);
  });

  it('the shipped city file names the city whose documents ship; no city file means a nameless city', () => {
    const shipped = loadConfig({}, REPO_ROOT).city;
    expect(shipped.name).toBe('Bắc Kạn');
    expect(shipped.exampleQuestion).toMatch(/Đội Kỳ/);
    expect(wardNames(shipped)).toEqual(
      expect.arrayContaining(['Đức Xuân', 'Phùng Chí Kiên', 'Sông Cầu', 'Nguyễn Thị Minh Khai', 'Huyền Tụng', 'Xuất Hóa']),
    );
    for (const office of shipped.offices) expect(office).toMatchObject({ id: expect.any(String), name: expect.any(String) });
    expect(loadConfig({}, REPO_ROOT).engine.city).toEqual(shipped);
    expect(loadConfig({}, '/srv/app').city.exampleQuestion).not.toMatch(/Đội Kỳ/);
  });

  it('reads wards with their former names, topics and offices from CITY_FILE', () => {
    const file = writeCityFile({
      name: 'Thử',
      example_question: 'Chợ mới khi nào mở?',
      wards: ['Đức Xuân', { name: 'Bắc Kạn', former_names: ['Sông Cầu', 'Phùng Chí Kiên'] }],
      topics: [
        { slug: 'a', label: 'Một' },
        { slug: 'b-2', label: 'Hai' },
      ],
      offices: [{ id: 'mot-cua', name: 'Bộ phận một cửa', handles: ['thủ tục hành chính'], keywords: ['giấy tờ'], phone: '0209 3870 123' }],
    });
    const c = loadConfig({ CITY_FILE: file }).city;
    expect(c.wards).toEqual([
      { name: 'Đức Xuân', formerNames: [] },
      { name: 'Bắc Kạn', formerNames: ['Sông Cầu', 'Phùng Chí Kiên'] },
    ]);
    expect(c.topics).toEqual([
      { slug: 'a', label: 'Một' },
      { slug: 'b-2', label: 'Hai' },
    ]);
    expect(c.exampleQuestion).toBe('Chợ mới khi nào mở?');
    expect(c.offices[0]).toMatchObject({ id: 'mot-cua', handles: ['thủ tục hành chính'], phone: '0209 3870 123' });
  });

  it('names the file and the field of every problem in the city file', () => {
    const bad = writeCityFile({ topics: [{ slug: 'Giao Thông', label: 'x' }], wards: ['A', 'A'], offices: [{ id: 'x' }] });
    try {
      loadConfig({ CITY_FILE: bad });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems.some((p) => p.includes('topics[0].slug'))).toBe(true);
      expect(problems.some((p) => p.includes('offices[0].name'))).toBe(true);
      expect(problems.every((p) => p.startsWith(bad))).toBe(true);
    }
    expect(() => loadConfig({ CITY_FILE: '/no/such/city.yaml' })).toThrow(/CITY_FILE/);
    expect(() => loadConfig({ CITY_FILE: writeCityFile({ wards: ['A', 'B', 'A'] }) })).toThrow(/wards: .*"A"/);
  });

  it('reads the cases section of the city file and the CASE_* variables, naming bad fields', () => {
    const shipped = loadConfig({});
    expect(shipped.city.cases.prefix).toBe('BK');
    expect(shipped.city.cases.categories.map((c) => c.slug)).toContain('ngap-ung');
    expect(shipped.cases).toEqual({ dailyLimit: 5, maxPhotos: 5, photoMaxBytes: 10 * 1024 * 1024 });
    const own = loadConfig({
      CITY_FILE: writeCityFile({
        cases: {
          prefix: 'HN',
          categories: [{ slug: 'cay-xanh', label: 'Cây xanh', target_hours: 12 }],
          working_hours: { days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '11:30' },
        },
      }),
      CASE_DAILY_LIMIT: '2',
      CASE_PHOTO_MAX_MB: '1.5',
    });
    expect(own.city.cases).toMatchObject({
      prefix: 'HN',
      categories: [{ slug: 'cay-xanh', label: 'Cây xanh', targetHours: 12 }],
      questionTargetHours: 24,
      workingHours: { days: [1, 2, 3, 4, 5, 6], start: '08:00', end: '11:30' },
    });
    expect(own.cases).toMatchObject({ dailyLimit: 2, photoMaxBytes: Math.round(1.5 * 1024 * 1024) });
    const bad = writeCityFile({
      cases: {
        prefix: 'bk-1',
        categories: [
          { slug: 'a', label: 'A', target_hours: 0 },
          { slug: 'a', label: 'B', target_hours: 1 },
        ],
        working_hours: { days: [8], start: '17:00', end: '7:30' },
      },
    });
    try {
      loadConfig({ CITY_FILE: bad, TELEGRAM_STAFF_GROUP_ID: 'nhom-can-bo' });
      expect.unreachable();
    } catch (e) {
      const problems = (e as ConfigError).problems.join('\n');
      for (const field of ['cases.prefix', 'cases.categories[0].target_hours', 'cases.working_hours.days[0]', 'cases.working_hours.end'])
        expect(problems).toContain(field);
      expect(problems).toMatch(/TELEGRAM_STAFF_GROUP_ID: .*"nhom-can-bo"/);
    }
    expect(() => loadConfig({ CASE_DAILY_LIMIT: '0' })).toThrow(/CASE_DAILY_LIMIT/);
    expect(() =>
      loadConfig({
        CITY_FILE: writeCityFile({
          cases: {
            categories: [
              { slug: 'a', label: 'A', target_hours: 1 },
              { slug: 'a', label: 'B', target_hours: 2 },
            ],
          },
        }),
      }),
    ).toThrow(/cases.categories: .*"a"/);
  });

  it('TRUST_PROXY: off by default; true, a number of hops, or a list of proxy addresses', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '0' }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: ' 10.0.0.5, 192.168.0.0/16 ,::1,loopback' }).http.trustProxy).toEqual([
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
    expect(loadConfigOrReport((m) => lines.push(m), {})?.http.port).toBe(3000);
    expect(lines).toHaveLength(1);
  });
});
