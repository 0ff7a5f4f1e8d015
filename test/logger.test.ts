// What never reaches a log line or a printed error: registered secrets, Bot API tokens in URLs,
// phone numbers however they are written, and secret-named fields.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { redact, registerSecret } from '../src/logger.js';
import { captureLogs } from './helpers/test-env.js';

describe('redact', () => {
  it.each([
    ['0912345678', '***678'],
    ['0912.345.678', '***678'],
    ['0912-345-678', '***678'],
    ['091 234 5678', '***678'],
    ['+84 912 345 678', '***678'],
    ['+84912345678', '***678'],
    ['(+84) 912345678', '***678'],
    ['(84) 912 345 678', '***678'],
    ['84912345678', '***678'],
    ['0209 3870 123', '***123'],
  ])('masks the phone number %s but its last 3 digits', (phone, masked) => {
    expect(redact(`Liên hệ ${phone}.`)).toBe(`Liên hệ ${masked}.`);
    expect(redact(`sđt:${phone}`)).toBe(`sđt:${masked}`);
  });

  it('leaves amounts, dates, ratios and ids that are not phone numbers alone', () => {
    const text = 'Kinh phí 1.000.000.000 đồng, giai đoạn 2021-2025, đạt 18/30 chỉ tiêu ngày 10/09/2024, chat 987654321, v0.12345678';
    expect(redact(text)).toBe(text);
    // A duration in a JSON log line stays a number (the line must stay valid JSON).
    expect(redact('{"seconds":0.9123456013,"swapped":true}')).toBe('{"seconds":0.9123456013,"swapped":true}');
  });

  it('masks every registered secret wherever it appears', () => {
    registerSecret('sk-logger-test-7f3a9b');
    expect(redact('401 Incorrect API key provided: Bearer sk-logger-test-7f3a9b.')).toBe(
      '401 Incorrect API key provided: Bearer [REDACTED].',
    );
    // Too short to be a secret: masking it would garble ordinary words.
    registerSecret('abc');
    expect(redact('abc')).toBe('abc');
  });

  it('masks a Bot API token in a URL even when it was never registered', () => {
    expect(redact('GET https://api.telegram.org/bot123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe failed')).toBe(
      'GET https://api.telegram.org/bot[REDACTED]/getMe failed',
    );
  });

  it('loadConfig registers every configured token and key', () => {
    const secrets = {
      ADMIN_TOKEN: 'admin-logger-test-1-Qa2Ws3Ed4Rf5Tg6Yh',
      STAFF_TOKEN: 'staff-logger-test-2-Uj7Ik8Ol9Pm0Nb1Vc',
      OPENAI_API_KEY: 'sk-logger-test-3',
      TELEGRAM_BOT_TOKEN: '42:telegram-logger-test-4',
      TELEGRAM_WEBHOOK_SECRET: 'tg-hook-logger-test-5-Xz2Cv3Bn4Mq5Wr6E',
      ZALO_BOT_TOKEN: '7:zalo-logger-test-6',
      ZALO_WEBHOOK_SECRET: 'zalo-hook-logger-test-7-Ty8Ui9Op0As1Df',
    };
    loadConfig(secrets);
    const text = redact(Object.values(secrets).join(' '));
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
  });
});

describe('createLogger', () => {
  it('censors secret-named fields at any of the first three levels', () => {
    const logs = captureLogs('info');
    logs.logger.info(
      { token: 't-1', apiKey: 'k-1', req: { authorization: 'Bearer x', headers: { password: 'p-1' } }, phone: '0912345678' },
      'hello',
    );
    const [line] = logs.lines() as any[];
    expect(line.token).toBe('[REDACTED]');
    expect(line.apiKey).toBe('[REDACTED]');
    expect(line.req.authorization).toBe('[REDACTED]');
    expect(line.req.headers.password).toBe('[REDACTED]');
    expect(line.phone).toBe('[REDACTED]');
  });

  it('masks secrets and phone numbers inside any message or field value', () => {
    registerSecret('sk-logger-test-inline-9');
    const logs = captureLogs('info');
    logs.logger.warn(
      { detail: 'key sk-logger-test-inline-9 rejected', note: 'gọi +84 912 345 678' },
      'calling https://api.telegram.org/bot99:AAAAAAAAAAAAAAAAAAAAAAAAAAAA/sendMessage',
    );
    const text = logs.text();
    expect(text).not.toContain('sk-logger-test-inline-9');
    expect(text).not.toContain('912 345');
    expect(text).not.toContain('AAAAAAAAAAAAAAAAAAAA');
    const [line] = logs.lines() as any[];
    expect(line.note).toBe('gọi ***678');
    expect(line.msg).toBe('calling https://api.telegram.org/bot[REDACTED]/sendMessage');
  });
});
