// What the console does reaches Telegram and Zalo too (the real service against the fake Bot
// APIs): a curated answer is used on both, marked as the staff's, with or without diacritics; a
// resident's 👎 can carry a reason ("góp ý: …") that staff then see with the vote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../src/server/console/auth.js';
import { botTexts } from '../src/texts/bot.js';
import { consoleTexts } from '../src/texts/console.js';
import { callbackUpdate, type FakeTelegram, startFakeTelegram, textUpdate } from './fakes/telegram-api.js';
import { type FakeZalo, startFakeZalo, textUpdate as zaloText } from './fakes/zalo-api.js';
import { ConsoleClient, type ConsoleFixture, PASSWORD, startConsole } from './helpers/console.js';

let tg: FakeTelegram;
let zalo: FakeZalo;
let fx: ConsoleFixture;

beforeAll(async () => {
  tg = await startFakeTelegram({ maxPollSeconds: 1 });
  zalo = await startFakeZalo({ maxPollSeconds: 1 });
  fx = await startConsole({
    TELEGRAM_BOT_TOKEN: '123456:telegram-token-abcdefghijklmnopqrstuvwxyz',
    TELEGRAM_API_ROOT: tg.apiRoot,
    ZALO_BOT_TOKEN: zalo.token,
    ZALO_API_ROOT: zalo.apiRoot,
  });
}, 60_000);
afterAll(async () => {
  await fx?.close();
  await tg?.close();
  await zalo?.close();
});

async function askTelegram(chatId: number, text: string) {
  const mark = tg.calls.length;
  tg.pushUpdate(textUpdate(chatId, { id: chatId }, text));
  return tg.waitFor((c) => c.seq >= mark && c.ok && c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId), 15_000);
}

async function sayZalo(chatId: string, text: string): Promise<string> {
  const before = zalo.sent(chatId).length;
  zalo.pushUpdate(zaloText(chatId, text, { userId: chatId }));
  return (await zalo.waitForSent(chatId, before + 1, 15_000)).at(before)!;
}

describe('the console on Telegram and Zalo', () => {
  it('answers with a curated answer on both channels, with and without diacritics', async () => {
    fx.service.store.console.curated.create(
      { answer: 'Bộ phận một cửa làm việc từ thứ Hai đến thứ Sáu.', variants: ['Bộ phận một cửa làm việc những ngày nào?'], sources: [] },
      'lan',
    );
    for (const q of ['Bộ phận một cửa làm việc những ngày nào?', 'bo phan mot cua lam viec nhung ngay nao']) {
      const tgReply = await askTelegram(5151, q);
      expect(tgReply.params.text).toContain(consoleTexts.curatedMark);
      expect(tgReply.params.text).toContain('từ thứ Hai đến thứ Sáu');
      const zaloReply = await sayZalo('z1', q);
      expect(zaloReply).toContain(consoleTexts.curatedMark);
      expect(zaloReply).toContain('từ thứ Hai đến thứ Sáu');
    }
  });

  it('keeps a reason given after a 👎 on Telegram ("góp ý: …")', async () => {
    const answer = await askTelegram(5252, 'Cầu Đội Kỳ đã xong chưa?');
    const down = answer.params.reply_markup.inline_keyboard
      .flat()
      .find((b: { callback_data: string }) => b.callback_data.startsWith('v:down:'));
    const mark = tg.calls.length;
    tg.pushUpdate(callbackUpdate(5252, { id: 5252 }, down.callback_data, answer.result));
    const toast = await tg.waitFor((c) => c.seq >= mark && c.method === 'answerCallbackQuery', 10_000);
    expect(toast.params.text).toBe(botTexts.feedbackDownThanks);
    const thanks = await askTelegram(5252, 'góp ý: thiếu ngày khánh thành');
    expect(thanks.params.text).toBe(botTexts.reasonThanks);
    const [review] = fx.service.store.conversations.feedbackForReview(10, 'down').filter((f) => f.chatId === '5252');
    expect(review).toMatchObject({ question: 'Cầu Đội Kỳ đã xong chưa?', comment: 'thiếu ngày khánh thành' });
    // Without a recent 👎, "góp ý …" is an ordinary question.
    const again = await askTelegram(5252, 'gop y ve quy hoach do thi gui o dau');
    expect(again.params.text).not.toBe(botTexts.reasonThanks);
  });

  it('keeps a reason given after a 👎 on Zalo', async () => {
    await sayZalo('z2', 'Nghị quyết số 04 về cái gì?');
    expect(await sayZalo('z2', '👎')).toBe(botTexts.feedbackDownThanks);
    expect(await sayZalo('z2', 'Góp ý: trả lời thiếu giai đoạn')).toBe(botTexts.reasonThanks);
    const [review] = fx.service.store.conversations.feedbackForReview(10, 'down').filter((f) => f.chatId === 'z2');
    expect(review).toMatchObject({ channel: 'zalo', comment: 'trả lời thiếu giai đoạn' });
  });

  it('gives a console account its role in the bot through its Telegram id, until it is disabled', async () => {
    expect((await askTelegram(6161, '/tiendo')).params.text).toBe(botTexts.notAllowed);
    const { users } = fx.service.store.console;
    const account = users.add({
      name: 'thu',
      displayName: 'Lê Thu',
      role: 'staff',
      telegramId: '6161',
      passwordHash: await hashPassword(PASSWORD),
    });
    expect((await askTelegram(6161, '/tiendo')).params.text).not.toBe(botTexts.notAllowed);
    users.update(account.id, { disabled: true });
    expect((await askTelegram(6161, '/tiendo')).params.text).toBe(botTexts.notAllowed);
    users.update(account.id, { disabled: false });
  });

  it('sends a draft announcement as a test to the author’s own Telegram chat only', async () => {
    const c = new ConsoleClient(fx.service.url);
    expect((await c.signIn('thu')).status).toBe(200);
    const mark = tg.calls.length;
    const r = await c.send('POST', '/announcements/test', { title: 'Thử', body: 'Nội dung gửi thử cho chính mình.' });
    expect(r.status).toBe(200);
    expect(r.body.results).toEqual([{ channel: 'telegram', sent: true }]);
    const sent = tg.calls.filter((x) => x.seq >= mark && x.method === 'sendMessage');
    expect(sent.map((x) => String(x.params.chat_id))).toEqual(['6161']);
    expect(sent[0].params.text).toContain('Nội dung gửi thử cho chính mình.');
    expect(fx.service.broadcast.recent(5)).toHaveLength(0);

    fx.service.store.console.users.add({
      name: 'nochat',
      displayName: 'Không mã',
      role: 'staff',
      passwordHash: await hashPassword(PASSWORD),
    });
    const other = new ConsoleClient(fx.service.url);
    await other.signIn('nochat');
    const refused = await other.send('POST', '/announcements/test', { title: 'Thử', body: 'x' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('no_own_chat');
  });
});
