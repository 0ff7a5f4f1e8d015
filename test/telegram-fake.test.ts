// The fake Bot API must behave like the real one for grammY's client: envelopes, errors, uploads,
// long polling and file downloads.

import { Api, GrammyError, InputFile } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram, textUpdate } from './fakes/telegram-api.js';

const TOKEN = '123456:TEST-token_abcdefghijklmnopqrstu';
let tg: FakeTelegram;
let api: Api;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  api = new Api(TOKEN, { apiRoot: tg.apiRoot });
});
afterAll(() => tg.close());

describe('fake Telegram Bot API', () => {
  it('answers getMe and records sendMessage with increasing message ids', async () => {
    const me = await api.getMe();
    expect(me.username).toBe(tg.bot.username);
    const a = await api.sendMessage(11, 'một', { reply_markup: { inline_keyboard: [[{ text: '👍', callback_data: 'v:1' }]] } });
    const b = await api.sendMessage(11, 'hai');
    expect(b.message_id).toBeGreaterThan(a.message_id);
    expect(a.chat.id).toBe(11);
    expect(tg.sent(11).map((c) => c.params.text)).toEqual(['một', 'hai']);
    expect(tg.sent(11)[0].params.reply_markup.inline_keyboard[0][0].callback_data).toBe('v:1');
    expect(tg.countByChat().get('11')).toBe(2);
  });

  it('refuses a wrong token with 401', async () => {
    const other = new Api('999:wrong', { apiRoot: tg.apiRoot });
    await expect(other.getMe()).rejects.toMatchObject({ error_code: 401 });
  });

  it('parses multipart uploads and resolves attach:// references', async () => {
    await api.sendPhoto(12, new InputFile(Buffer.from('PNGDATA'), 'anh.png'), { caption: 'Chú thích <b>&' });
    const call = tg.sent(12)[0];
    expect(call.method).toBe('sendPhoto');
    expect(call.params.caption).toBe('Chú thích <b>&');
    expect(call.params.photo).toMatchObject({ fileName: 'anh.png', size: 7 });
    expect(call.params.photo.bytes.toString()).toBe('PNGDATA');
  });

  it('applies failure rules in the real error envelope', async () => {
    tg.failFor(13, { code: 403, description: 'Forbidden: bot was blocked by the user' });
    tg.failNext({ code: 429, retryAfter: 7 }, { method: 'sendMessage' });
    const err = await api.sendMessage(14, 'x').catch((e) => e);
    expect(err).toBeInstanceOf(GrammyError);
    expect(err.error_code).toBe(429);
    expect(err.parameters.retry_after).toBe(7);
    await expect(api.sendMessage(14, 'y')).resolves.toBeTruthy();
    await expect(api.sendMessage(13, 'z')).rejects.toMatchObject({
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    await expect(api.sendMessage(13, 'z')).rejects.toMatchObject({ error_code: 403 });
    tg.clearFailures();
    await expect(api.sendMessage(13, 'z')).resolves.toBeTruthy();
    expect(tg.countByChat().get('13')).toBe(1);
  });

  it('holds a long poll until an update arrives and honours offset', async () => {
    const poll = api.getUpdates({ offset: 0, timeout: 5 });
    setTimeout(() => tg.pushUpdate(textUpdate(20, { id: 20 }, 'xin chào')), 50);
    const [u] = await poll;
    expect(u.message?.text).toBe('xin chào');
    tg.pushUpdate(textUpdate(20, { id: 20 }, 'lần hai'));
    const again = await api.getUpdates({ offset: u.update_id + 1, timeout: 0 });
    expect(again.map((x) => x.message?.text)).toEqual(['lần hai']);
    expect(await api.getUpdates({ offset: again[0].update_id + 1, timeout: 0 })).toEqual([]);
  });

  it('serves files through getFile and the file URL', async () => {
    tg.setFile('f1', Buffer.from('%PDF-1.4 hỏng'), 'documents/file_1.pdf');
    const file = await api.getFile('f1');
    const res = await fetch(`${tg.apiRoot}/file/bot${TOKEN}/${file.file_path}`);
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('%PDF-1.4 hỏng');
  });

  it('keeps up with thousands of messages', async () => {
    const before = tg.calls.length;
    for (let batch = 0; batch < 20; batch++)
      await Promise.all(Array.from({ length: 100 }, (_, i) => api.sendMessage(100_000 + i, `tin ${batch}`)));
    expect(tg.calls.length - before).toBe(2000);
    expect(tg.countByChat().get('100007')).toBe(20);
  });
});
