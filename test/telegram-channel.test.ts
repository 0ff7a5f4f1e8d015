// The Telegram channel end to end in polling mode: grammY and its plugins run for real against the
// fake Bot API over HTTP, over the core the composition root builds (a copy of the repository's
// documents plus one with characters that must not break a message).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastService } from '../src/broadcast/service.js';
import { createTelegramChannel } from '../src/channels/telegram/index.js';
import type { MessagingChannel } from '../src/channels/types.js';
import type { Config } from '../src/config.js';
import type { Store } from '../src/db/store.js';
import type { KnowledgeBase } from '../src/engine/knowledge-base.js';
import type { KnowledgeService, Turn } from '../src/engine/types.js';
import { createLogger } from '../src/logger.js';
import { botTexts } from '../src/texts/bot.js';
import { broadcastTexts } from '../src/texts/broadcast.js';
import { caseChatTexts } from '../src/texts/case-chat.js';
import { telegramTexts } from '../src/texts/telegram.js';
import {
  callbackUpdate,
  type FakeTelegram,
  messageUpdate,
  type RecordedCall,
  startFakeTelegram,
  textUpdate,
} from './fakes/telegram-api.js';
import { JPEG, PNG } from './fixtures/images.js';
import { writeCityFile } from './helpers/city.js';
import { startCore, type TestCore } from './helpers/core.js';

const TOKEN = '123456:TEST-token_abcdefghijklmnopqrstu';
const STAFF = 800;
const ADMIN = 900;

const SPECIAL = `---
title: Quy định <b>đặc biệt</b> & ký hiệu *_[
kind: announcement
source_url: https://backan.example/quy-dinh
---

# Bãi đỗ xe

Bãi đỗ xe tạm tại phố Trường Chinh dành cho xe <b>máy</b> & ô tô *_[ hoạt động từ 6 giờ sáng.
`;

let tg: FakeTelegram;
let core: TestCore;
let config: Config;
let store: Store;
let _kb: KnowledgeBase;
let broadcast: BroadcastService;
let channel: MessagingChannel;
const logLines: string[] = [];
const asked: { question: string; history?: Turn[] }[] = [];

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN });
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  core = await startCore(
    {
      CITY_FILE: writeCityFile({ name: 'Bắc Kạn', wards: ['Đức Xuân', 'Phùng Chí Kiên'] }),
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_STAFF_IDS: String(STAFF),
      TELEGRAM_ADMIN_IDS: String(ADMIN),
      TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
      TELEGRAM_RATE_PER_SECOND: '100',
    },
    {
      logger,
      copyKnowledge: { 'quy-dinh-dac-biet.md': SPECIAL },
      broadcast: { tickMs: 100 },
      // The real engine, watched: follow-ups must reach it with the chat's history.
      wrapKnowledge: (kb): KnowledgeService => ({
        ask: (question, options) => {
          asked.push({ question, history: options?.history });
          return kb.ask(question, options);
        },
        documents: () => kb.documents(),
        refresh: () => kb.refresh(),
        addDocument: (name, bytes) => kb.addDocument(name, bytes),
      }),
    },
  );
  ({ config, store, broadcast, knowledge: _kb } = core);
  broadcast.start();
  channel = createTelegramChannel(core.channelDeps, {
    pollTimeoutSeconds: 1,
    rateLimit: { limit: 5, windowMs: 60_000 },
    progressIntervalMs: 50,
  });
  await channel.start();
});

afterAll(async () => {
  await channel?.stop();
  await core?.cleanup();
  await tg?.close();
});

const user = (id: number) => ({ id, first_name: `Người ${id}` });
/** The help text with Telegram's commands, spelled out here as residents see them. */
const HELP = botTexts.help({
  subscribe: '/dangky',
  unsubscribe: '/huy',
  sources: '/nguon',
  forget: '/xoadulieu',
  help: '/help',
  handoff: '/canbo',
  report: '/phananh',
  follow: '/theodoi',
});

/** Pushes an update and returns the next message the bot sends to that chat. */
async function send(chatId: number, update: Record<string, any>, match: (c: RecordedCall) => boolean = () => true): Promise<RecordedCall> {
  const mark = tg.calls.length;
  tg.pushUpdate(update);
  return tg.waitFor(
    (c) => c.seq >= mark && c.ok && c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId) && match(c),
    10_000,
  );
}
const say = (chatId: number, text: string, from = chatId) => send(chatId, textUpdate(chatId, user(from), text));

/** Presses an inline button whose callback data matches, on a message the bot sent. */
async function press(chatId: number, message: RecordedCall, data: string | RegExp, from = chatId): Promise<RecordedCall> {
  const buttons: { text: string; callback_data: string }[] = (
    message.result?.reply_markup ?? message.params.reply_markup
  ).inline_keyboard.flat();
  const button = buttons.find((b) => (typeof data === 'string' ? b.callback_data === data || b.text === data : data.test(b.text)));
  if (!button) throw new Error(`no button ${data} in ${JSON.stringify(buttons)}`);
  const mark = tg.calls.length;
  tg.pushUpdate(callbackUpdate(chatId, user(from), button.callback_data, message.result));
  return tg.waitFor(
    (c) =>
      c.seq >= mark &&
      c.ok &&
      String(c.params.chat_id) === String(chatId) &&
      ['sendMessage', 'editMessageText', 'editMessageReplyMarkup'].includes(c.method),
    10_000,
  );
}

const callbackAnswered = (mark: number) => tg.waitFor((c) => c.seq >= mark && c.method === 'answerCallbackQuery', 5000);

describe('Telegram channel: residents', () => {
  it('registers the Vietnamese commands, with staff commands only in staff chats', () => {
    const all = tg.callsOf('setMyCommands');
    const everyone = all.find((c) => !c.params.scope || c.params.scope.type === 'default')!;
    expect(everyone.params.commands.map((c: any) => c.command)).toEqual([
      'start',
      'help',
      'dangky',
      'huy',
      'nguon',
      'canbo',
      'phananh',
      'theodoi',
      'xoadulieu',
    ]);
    const admin = all.find((c) => c.params.scope?.chat_id === String(ADMIN))!;
    expect(admin.params.commands.map((c: any) => c.command)).toContain('capnhat');
    const staff = all.find((c) => c.params.scope?.chat_id === String(STAFF))!;
    expect(staff.params.commands.map((c: any) => c.command)).toEqual(expect.arrayContaining(['thongbao', 'tiendo', 'xuly']));
    expect(staff.params.commands.map((c: any) => c.command)).not.toContain('capnhat');
  });

  it('greets on /start with what it knows, how to ask and how to subscribe', async () => {
    const reply = await say(101, '/start');
    expect(reply.params.text).toContain('Bắc Kạn');
    expect(reply.params.text).toContain('/dangky');
  });

  it('answers a question with numbered sources, typing action and vote buttons, with or without diacritics', async () => {
    const mark = tg.calls.length;
    const reply = await say(102, 'Cầu Đội Kỳ đã xong chưa?');
    expect(reply.params.text).toMatch(/Đội Kỳ/);
    expect(reply.params.text).toContain(`${botTexts.sourcesLabel}\n[1] `);
    expect(reply.params.entities).toContainEqual({
      type: 'bold',
      offset: reply.params.text.indexOf(botTexts.sourcesLabel),
      length: botTexts.sourcesLabel.length,
    });
    const buttons = reply.params.reply_markup.inline_keyboard.flat();
    expect(buttons.map((b: any) => b.text)).toEqual([telegramTexts.voteUp, telegramTexts.voteDown]);
    expect(buttons[0].callback_data).toMatch(/^v:up:\d+$/);
    expect(tg.calls.some((c) => c.seq >= mark && c.method === 'sendChatAction' && c.params.action === 'typing')).toBe(true);

    const plain = await say(103, 'cau doi ky da xong chua');
    expect(plain.params.text).toMatch(/Đội Kỳ/);
    expect(plain.params.text).toContain('[1]');
  });

  it('answers a follow-up using the last turns of that chat', async () => {
    await say(104, 'Cầu Đội Kỳ đã xong chưa?');
    const reply = await say(104, 'còn sân vận động thì sao?');
    expect(reply.params.text).toMatch(/sân vận động/i);
    const last = asked.at(-1)!;
    expect(last.question).toBe('còn sân vận động thì sao?');
    expect(last.history?.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(last.history?.[0].text).toBe('Cầu Đội Kỳ đã xong chưa?');
  });

  it('sends document text containing <b>, & and Markdown characters verbatim, with a link on the source', async () => {
    const reply = await say(105, 'Bãi đỗ xe tạm phố Trường Chinh hoạt động từ mấy giờ?');
    expect(reply.params.parse_mode).toBeUndefined();
    expect(reply.params.text).toContain('xe máy & ô tô *_[');
    expect(reply.params.text).toContain('Quy định <b>đặc biệt</b> & ký hiệu *_[');
    const link = reply.params.entities.find((e: any) => e.type === 'text_link');
    expect(link.url).toBe('https://backan.example/quy-dinh');
    expect(reply.params.text.slice(link.offset, link.offset + link.length)).toBe('Quy định <b>đặc biệt</b> & ký hiệu *_[');
  });

  it('stores a 👎 vote with the question and answer', async () => {
    const reply = await say(106, 'Cầu Đội Kỳ đã xong chưa?');
    const mark = tg.calls.length;
    await press(106, reply, telegramTexts.voteDown);
    const answered = await callbackAnswered(mark);
    expect(answered.params.text).toBe(botTexts.feedbackDownThanks);
    const [review] = store.conversations.feedbackForReview(10, 'down');
    expect(review).toMatchObject({ chatId: '106', vote: 'down', question: 'Cầu Đội Kỳ đã xong chưa?' });
    expect(review.answer).toContain('Đội Kỳ');
    expect(review.citations.length).toBeGreaterThan(0);
  });

  it('subscribes through the /dangky buttons: topics, then several wards, then a confirmation', async () => {
    const menu = await say(107, '/dangky');
    expect(menu.params.text).toBe(botTexts.subscribeChooseTopics);
    const topicButton = config.city.topics[0];
    const toggled = await press(107, menu, topicButton.label);
    expect(toggled.method).toBe('editMessageReplyMarkup');
    const labels = toggled.params.reply_markup.inline_keyboard.flat().map((b: any) => b.text);
    expect(labels).toContain(telegramTexts.checked(topicButton.label));
    const wardStep = await press(107, { ...menu, result: { ...menu.result, reply_markup: toggled.params.reply_markup } }, botTexts.next);
    expect(wardStep.params.text).toBe(botTexts.subscribeChooseWard);
    const withMarkup = (markup: unknown) => ({ ...wardStep, result: { ...wardStep.result, reply_markup: markup } });
    const one = await press(107, wardStep, 'Phùng Chí Kiên');
    const two = await press(107, withMarkup(one.params.reply_markup), 'Đức Xuân');
    const confirm = await press(107, withMarkup(two.params.reply_markup), botTexts.next);
    // Wards in the city's order, whatever order they were ticked in.
    expect(confirm.params.text).toBe(botTexts.subscribeConfirm([topicButton.label], ['Đức Xuân', 'Phùng Chí Kiên']));
    expect(store.subscribers.get('telegram', '107')).toBeUndefined();
    const done = await press(107, confirm, botTexts.confirmSubscribe);
    expect(done.params.text).toBe(botTexts.subscribed([topicButton.label], ['Đức Xuân', 'Phùng Chí Kiên']));
    expect((await press(107, wardStep, 'Đức Xuân')).params.text).toBe(telegramTexts.buttonExpired);
    expect(store.subscribers.get('telegram', '107')).toMatchObject({
      status: 'active',
      topics: [topicButton.slug],
      wards: ['Đức Xuân', 'Phùng Chí Kiên'],
    });

    const off = await say(107, '/huy');
    expect(off.params.text).toBe(botTexts.unsubscribed);
  });

  it('answers a sticker, a photo, a voice message and a location politely, once each', async () => {
    const sticker = await send(
      108,
      messageUpdate(108, user(108), {
        sticker: { file_id: 's1', file_unique_id: 's1', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false },
      }),
    );
    expect(sticker.params.text).toBe(botTexts.nonText);
    const photo = await send(
      108,
      messageUpdate(108, user(108), { photo: [{ file_id: 'ph1', file_unique_id: 'ph1', width: 90, height: 90 }] }),
    );
    expect(photo.params.text).toBe(botTexts.nonText);
    const voice = await send(108, messageUpdate(108, user(108), { voice: { file_id: 'vo1', file_unique_id: 'vo1', duration: 3 } }));
    expect(voice.params.text).toBe(botTexts.nonText);
    const location = await send(108, messageUpdate(108, user(108), { location: { latitude: 22.15, longitude: 105.83 } }));
    expect(location.params.text).toBe(botTexts.nonText);
    expect(tg.sent(108)).toHaveLength(4);
  });

  it('in a group answers only when mentioned or replied to, and ignores everything else', async () => {
    const group = -500;
    const mark = tg.calls.length;
    tg.pushUpdate(textUpdate(group, user(109), 'Cầu Đội Kỳ đã xong chưa?'));
    tg.pushUpdate(
      messageUpdate(group, user(109), {
        sticker: { file_id: 's2', file_unique_id: 's2', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false },
      }),
    );
    const reply = await say(group, `@${tg.bot.username} Cầu Đội Kỳ đã xong chưa?`, 109);
    expect(reply.params.text).toMatch(/Đội Kỳ/);
    expect(reply.params.reply_parameters.message_id).toBeGreaterThan(0);
    const replied = await send(group, textUpdate(group, user(110), 'cau doi ky da xong chua', { reply_to_message: reply.result }));
    expect(replied.params.text).toMatch(/Đội Kỳ/);
    expect(tg.sent(group).filter((c) => c.seq >= mark)).toHaveLength(2);
  });

  it('deletes everything about a chat on /xoadulieu after confirmation', async () => {
    await say(111, 'Cầu Đội Kỳ đã xong chưa?');
    const menu = await say(111, '/dangky');
    await press(111, menu, config.city.topics[1].label);
    const confirm = await say(111, '/xoadulieu');
    expect(confirm.params.text).toBe(botTexts.forgetConfirm);
    const done = await press(111, confirm, botTexts.yesDelete);
    expect(done.params.text).toBe(botTexts.forgotten);
    // The question was answered: its button does nothing more.
    expect((await press(111, confirm, botTexts.yesDelete)).params.text).toBe(telegramTexts.buttonExpired);
    expect(store.conversations.recentTurns('telegram', '111', 10, 3_600_000)).toEqual([]);
    const left = { n: store.kv.keys('telegram:111:').length };
    expect(left.n).toBe(0);
  });

  it('limits a flood from one person with one friendly notice', async () => {
    const mark = tg.calls.length;
    for (let i = 0; i < 8; i++) tg.pushUpdate(textUpdate(112, user(112), `câu hỏi số ${i} về cầu Đội Kỳ`));
    await tg.waitFor((c) => c.seq >= mark && c.params.text === botTexts.rateLimited, 10_000);
    // Wait for the five allowed answers, then check nothing more came.
    await new Promise((r) => setTimeout(r, 300));
    const sent = tg.sent(112).filter((c) => c.seq >= mark);
    expect(sent.filter((c) => c.params.text === botTexts.rateLimited)).toHaveLength(1);
    expect(sent.filter((c) => c.params.text !== botTexts.rateLimited).length).toBeLessThanOrEqual(5);
  });

  it('limits repeated mentions in a group by chat, with one notice, and never counts talk not meant for the bot', async () => {
    const group = -600;
    const mark = tg.calls.length;
    // Talk among members is not for the bot: it neither answers it nor counts it towards the limit.
    for (let i = 0; i < 10; i++) tg.pushUpdate(textUpdate(group, user(150 + i), `mọi người ơi, tin số ${i}`));
    const first = await say(group, `/help@${tg.bot.username}`, 150);
    expect(first.params.text).toBe(HELP);
    // Different members, one group: the group is what gets limited.
    for (let i = 0; i < 8; i++) tg.pushUpdate(textUpdate(group, user(160 + i), `@${tg.bot.username} Cầu Đội Kỳ đã xong chưa? (${i})`));
    await tg.waitFor((c) => c.seq >= mark && String(c.params.chat_id) === String(group) && c.params.text === botTexts.rateLimited, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const sent = tg.sent(group).filter((c) => c.seq >= mark);
    expect(sent.filter((c) => c.params.text === botTexts.rateLimited)).toHaveLength(1);
    // The /help above and four answers: five in the window.
    expect(sent.filter((c) => c.params.text !== botTexts.rateLimited).length).toBeLessThanOrEqual(5);
  });
});

describe('Telegram channel: a report with an album', () => {
  it('counts the photos of one album once towards the flood limit (5 messages a minute here)', async () => {
    const u = 190;
    const categories = await say(u, '/phananh');
    await press(u, categories, 'Khác');
    const wards = await send(u, textUpdate(u, user(u), '8 Nguyễn Văn Thoát'), (c) => c.params.text === caseChatTexts.reportChooseWard);
    await press(u, wards, caseChatTexts.skip);
    const album = 'album-190';
    const mark = tg.calls.length;
    [PNG, JPEG, PNG].forEach((bytes, i) => {
      tg.setFile(`album-${i}`, bytes, `photos/album-${i}`);
      tg.pushUpdate(
        messageUpdate(u, user(u), {
          media_group_id: album,
          photo: [{ file_id: `album-${i}`, file_unique_id: `a${i}`, width: 1, height: 1 }],
        }),
      );
    });
    const kept = await tg.waitFor((c) => c.seq >= mark && c.ok && c.params.text === caseChatTexts.reportPhotoKept(3, 5), 10_000);
    await press(u, kept, caseChatTexts.done);
    const preview = await say(u, 'Cột điện nghiêng ra đường');
    expect(preview.params.text).toContain('• Ảnh: 3');
    const opened = await press(u, preview, caseChatTexts.reportSend);
    expect(opened.params.text).toContain('Mã phản ánh:');
    expect(tg.sent(u).some((c) => c.params.text === botTexts.rateLimited)).toBe(false);
  });
});

describe('Telegram channel: API failures', () => {
  it('waits out a 429 retry_after and delivers the answer', async () => {
    tg.failFor(120, { code: 429, retryAfter: 1 }, 1);
    const reply = await say(120, '/help');
    expect(reply.params.text).toBe(HELP);
    const attempts = tg.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === 120);
    expect(attempts.map((c) => c.ok)).toEqual([false, true]);
  });

  it('logs a chat that blocked the bot and keeps serving others', async () => {
    tg.failFor(121, { code: 403, description: 'Forbidden: bot was blocked by the user' });
    const mark = tg.calls.length;
    tg.pushUpdate(textUpdate(121, user(121), '/start'));
    await tg.waitFor((c) => c.seq >= mark && c.method === 'sendMessage' && c.params.chat_id === 121);
    const reply = await say(122, '/start');
    expect(reply.ok).toBe(true);
    expect(logLines.some((l) => l.includes('bot blocked or removed') && l.includes('Forbidden: bot was blocked by the user'))).toBe(true);
  });

  it('retries a 5xx on a reply and delivers it', async () => {
    tg.failFor(123, { code: 500 }, 1);
    const reply = await say(123, '/help');
    expect(reply.ok).toBe(true);
    expect(tg.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === 123).map((c) => c.ok)).toEqual([false, true]);
  });
});

describe('Telegram channel: staff and admins', () => {
  it('refuses /thongbao, /capnhat and uploads to a resident, and audits the attempt', async () => {
    const reply = await say(130, '/thongbao');
    expect(reply.params.text).toBe(botTexts.notAllowed);
    const refused = await say(130, '/capnhat');
    expect(refused.params.text).toBe(botTexts.notAllowed);
    const trail = store.access.auditTrail(10).filter((a) => a.userId === '130');
    expect(trail.map((a) => [a.action, a.allowed])).toEqual([
      ['refresh', false],
      ['announce', false],
    ]);
    tg.setFile('doc-130', Buffer.from('# Tài liệu'), 'documents/x.md');
    const file = await send(
      130,
      messageUpdate(130, user(130), { document: { file_id: 'doc-130', file_unique_id: 'u130', file_name: 'x.md' } }),
    );
    expect(file.params.text).toBe(botTexts.nonText);
  });

  it('guides staff from text to preview to sending, and the announcement reaches a subscriber', async () => {
    const subscriber = 140;
    const menu = await say(subscriber, '/dangky');
    const wardStep = await press(subscriber, menu, botTexts.next);
    const confirm = await press(subscriber, wardStep, botTexts.wholeCity);
    await press(subscriber, confirm, botTexts.confirmSubscribe);
    expect(store.subscribers.get('telegram', String(subscriber))?.status).toBe('active');

    const ask = await say(STAFF, '/thongbao');
    expect(ask.params.text).toBe(telegramTexts.announceAskText);
    const topics = await say(STAFF, 'Cắt điện <khu> A & B\nThứ Bảy cắt điện từ 7 giờ đến 11 giờ tại tổ 1 *_[.');
    expect(topics.params.text).toBe(telegramTexts.announceChooseTopic);
    const wards = await press(STAFF, topics, botTexts.allTopics);
    expect(wards.params.text).toBe(telegramTexts.announceChooseWard);
    const mark = tg.calls.length;
    const header = await press(STAFF, wards, botTexts.wholeCity);
    expect(header.params.text).toBe(telegramTexts.announcePreviewHeader);
    const recipients = await tg.waitFor((c) => c.seq >= mark && c.params.chat_id === STAFF && /Sẽ gửi tới/.test(c.params.text ?? ''));
    const preview = tg.calls.find((c) => c.seq > header.seq && c.seq < recipients.seq && c.method === 'sendMessage')!;
    expect(preview.params.text).toBe('Cắt điện <khu> A & B\n\nThứ Bảy cắt điện từ 7 giờ đến 11 giờ tại tổ 1 *_[.');
    expect(recipients.params.text).toMatch(/Sẽ gửi tới [1-9]/);

    // The subscriber's first delivery meets a 429: the run lasts long enough to show live progress.
    tg.failFor(subscriber, { code: 429, retryAfter: 1 }, 1);
    const started = await press(STAFF, recipients, telegramTexts.sendNow);
    const id = broadcast.recent(1)[0].id;
    expect(started.params.text).toBe(telegramTexts.announceStarted(id));
    const status = await tg.waitFor((c) => c.seq > started.seq && c.method === 'sendMessage' && c.params.chat_id === STAFF, 5000);
    expect(status.params.text).toMatch(new RegExp(`^Thông báo số ${id}: đang gửi\nĐã gửi 0/1`));
    const delivered = await tg.waitFor(
      (c) => c.ok && c.params.chat_id === String(subscriber) && String(c.params.text).startsWith('Cắt điện <khu> A & B'),
      10_000,
    );
    expect(delivered.params.text).toBe(preview.params.text);
    // Then the same status message is edited to the outcome, and the final report follows.
    const report = await tg.waitFor((c) => c.seq > status.seq && c.method === 'sendMessage' && c.params.chat_id === STAFF, 10_000);
    expect(report.params.text).toBe(broadcast.report(id));
    expect(report.params.text).toContain('đã gửi xong');
    const edits = tg
      .callsOf('editMessageText')
      .filter((c) => c.params.chat_id === STAFF && Number(c.params.message_id) === status.result.message_id);
    expect(edits.at(-1)?.params.text).toMatch(new RegExp(`^Thông báo số ${id}: đã gửi xong\nĐã gửi 1/1`));

    const progress = await say(STAFF, '/tiendo');
    expect(progress.params.text).toContain('Cắt điện <khu> A & B');
  });

  it('shows the problems of an invalid announcement clearly', async () => {
    await say(STAFF, '/thongbao');
    const missing = await say(STAFF, 'Chỉ có tiêu đề');
    expect(missing.params.text).toBe(telegramTexts.announceNeedsBody);
    expect(missing.params.text).toContain('Thiếu nội dung.');
    const topics = await say(STAFF, `Quá dài\n${'Nội dung rất dài. '.repeat(300)}`);
    const wards = await press(STAFF, topics, botTexts.allTopics);
    const problems = await press(STAFF, wards, botTexts.wholeCity);
    expect(problems.params.text).toMatch(/^Thông báo chưa hợp lệ, chưa lưu:\n• /);
  });

  it('schedules an announcement at a city time', async () => {
    await say(STAFF, '/thongbao');
    const topics = await say(STAFF, 'Họp dân\nHọp dân tổ 5 tối thứ Sáu.');
    const wards = await press(STAFF, topics, botTexts.allTopics);
    // Several wards: each press ticks one (the keyboard is edited in place), then "Tiếp tục".
    const ticked = await press(STAFF, wards, 'Đức Xuân');
    expect(ticked.method).toBe('editMessageReplyMarkup');
    const both = await press(STAFF, { ...wards, params: ticked.params }, 'Phùng Chí Kiên');
    expect(both.params.reply_markup.inline_keyboard.flat().map((b: any) => b.text)).toEqual(
      expect.arrayContaining([telegramTexts.checked('Đức Xuân'), telegramTexts.checked('Phùng Chí Kiên')]),
    );
    const mark = tg.calls.length;
    await press(STAFF, { ...wards, params: both.params }, botTexts.next);
    const recipients = await tg.waitFor((c) => c.seq >= mark && c.params.chat_id === STAFF && /Sẽ gửi tới/.test(c.params.text ?? ''));
    const askTime = await press(STAFF, recipients, telegramTexts.schedule);
    expect(askTime.params.text).toBe(telegramTexts.announceAskTime);
    const bad = await say(STAFF, 'mai nhé');
    expect(bad.params.text).toBe(telegramTexts.announceBadTime);
    const year = new Date().getFullYear() + 1;
    const ok = await say(STAFF, `01/12/${year} 07:00`);
    expect(ok.params.text).toContain(`01/12/${year} 07:00`);
    const latest = broadcast.recent(1)[0];
    expect(latest).toMatchObject({ title: 'Họp dân', status: 'scheduled', wards: ['Đức Xuân', 'Phùng Chí Kiên'] });
  });

  it('stops a scheduled announcement from the "Dừng gửi" button under /tiendo; a resident may not', async () => {
    const scheduled = broadcast.recent(5).find((a) => a.status === 'scheduled')!;
    const progress = await say(STAFF, '/tiendo');
    expect(progress.params.text).toContain(`Số ${scheduled.id} «${scheduled.title}» (đã hẹn giờ)`);
    const buttons = progress.params.reply_markup.inline_keyboard.flat();
    // Only what can still be stopped has a button: the announcement sent earlier is done.
    expect(buttons.map((b: any) => b.text)).toEqual([botTexts.stopSending(scheduled.id)]);

    // The same button pressed by a resident (say, under a /tiendo a staff member ran in a group): refused and audited.
    const forwarded = { ...progress, result: { ...progress.result, chat: { id: 130, type: 'private', first_name: 'Cư dân' } } };
    const refused = await press(130, forwarded, botTexts.stopSending(scheduled.id), 130);
    expect(refused.params.text).toBe(botTexts.notAllowed);
    expect(broadcast.get(scheduled.id)?.status).toBe('scheduled');
    expect(store.access.auditTrail(5).find((a) => a.userId === '130')).toMatchObject({ action: 'cancel', allowed: false });

    const stopped = await press(STAFF, progress, botTexts.stopSending(scheduled.id));
    expect(stopped.params.text).toBe(botTexts.stopped(scheduled.id));
    expect(broadcast.get(scheduled.id)?.status).toBe('cancelled');
    const again = await press(STAFF, progress, botTexts.stopSending(scheduled.id));
    expect(again.params.text).toBe(botTexts.stopRefused([broadcastTexts.cannotCancel(scheduled.id, 'cancelled')]));
  });

  it('tells staff in Vietnamese when the photo of an announcement cannot be had, and carries on', async () => {
    await say(STAFF, '/thongbao');
    const big = [{ file_id: 'photo-huge', file_unique_id: 'ph', width: 8000, height: 6000, file_size: 25 * 1024 * 1024 }];
    const tooBig = await send(STAFF, messageUpdate(STAFF, user(STAFF), { photo: big, caption: 'Ảnh lớn\nNội dung.' }));
    expect(tooBig.params.text).toBe(telegramTexts.announceAttachmentFailed(telegramTexts.fileTooBig));
    // Not asked for at all: the size in the message was enough.
    expect(tg.callsOf('getFile').some((c) => c.params.file_id === 'photo-huge')).toBe(false);
    const gone = [{ file_id: 'photo-missing', file_unique_id: 'pm', width: 800, height: 600 }];
    const missing = await send(STAFF, messageUpdate(STAFF, user(STAFF), { photo: gone, caption: 'Ảnh mất\nNội dung.' }));
    expect(missing.params.text).toBe(telegramTexts.announceAttachmentFailed(telegramTexts.fileUnavailable));
    const topics = await say(STAFF, 'Chỉ chữ thôi\nNội dung không kèm ảnh.');
    expect(topics.params.text).toBe(telegramTexts.announceChooseTopic);
    const cancelled = await press(STAFF, topics, botTexts.cancel);
    expect(cancelled.params.text).toBe(telegramTexts.announceCancelled);
  });

  it("explains a failed upload in Vietnamese, never with the library's English", async () => {
    const upload = messageUpdate(ADMIN, user(ADMIN), {
      document: { file_id: 'not-there', file_unique_id: 'nt', file_name: 'mat-tich.md', file_size: 100 },
    });
    const rejected = await send(ADMIN, upload, (c) => String(c.params.text).startsWith('Không thêm được tệp'));
    expect(rejected.params.text).toBe(botTexts.uploadRejected('mat-tich.md', telegramTexts.fileUnavailable));
    const huge = messageUpdate(ADMIN, user(ADMIN), {
      document: { file_id: 'huge', file_unique_id: 'hg', file_name: 'lon.pdf', file_size: 30 * 1024 * 1024 },
    });
    const refused = await send(ADMIN, huge);
    expect(refused.params.text).toBe(botTexts.uploadRejected('lon.pdf', telegramTexts.fileTooBig));
  });

  it('previews an announcement with a photo exactly as residents get it, then cancels it', async () => {
    tg.setFile('photo-big', Buffer.from('JPEGDATA-cat-dien'), 'photos/file_1.jpg');
    await say(STAFF, '/thongbao');
    const photo = [
      { file_id: 'photo-small', file_unique_id: 'ps', width: 90, height: 90 },
      { file_id: 'photo-big', file_unique_id: 'pb', width: 800, height: 600 },
    ];
    const topics = await send(STAFF, messageUpdate(STAFF, user(STAFF), { photo, caption: 'Lịch cắt điện\nTổ 3 cắt điện sáng Chủ nhật.' }));
    expect(topics.params.text).toBe(telegramTexts.announceChooseTopic);
    const ticked = await press(STAFF, topics, config.city.topics[0].label);
    const wards = await press(STAFF, { ...topics, params: ticked.params }, botTexts.next);
    const mark = tg.calls.length;
    await press(STAFF, wards, botTexts.wholeCity);
    const preview = await tg.waitFor((c) => c.seq >= mark && c.method === 'sendPhoto' && c.params.chat_id === String(STAFF));
    expect(preview.params.caption).toBe('Lịch cắt điện\n\nTổ 3 cắt điện sáng Chủ nhật.');
    expect(preview.params.photo.bytes.toString()).toBe('JPEGDATA-cat-dien');
    const recipients = await tg.waitFor((c) => c.seq >= mark && c.params.chat_id === STAFF && /Sẽ gửi tới/.test(c.params.text ?? ''));
    const cancelled = await press(STAFF, recipients, botTexts.cancel);
    expect(cancelled.params.text).toBe(telegramTexts.announceCancelled);
    expect(broadcast.recent(1)[0]).toMatchObject({ title: 'Lịch cắt điện', status: 'cancelled', attachment: { kind: 'photo' } });
  });

  it('adds a document an admin sends and answers from it', async () => {
    const doc = '---\ntitle: Kế hoạch trồng cây xanh\nkind: plan\n---\n\nThành phố trồng 5.000 cây xanh dọc bờ sông Cầu trong năm nay.\n';
    tg.setFile('good-md', Buffer.from(doc), 'documents/file_10.md');
    const upload = messageUpdate(ADMIN, user(ADMIN), {
      document: { file_id: 'good-md', file_unique_id: 'gm', file_name: 'trong-cay.md', file_size: doc.length },
    });
    const done = await send(ADMIN, upload, (c) => /Đã cập nhật kho dữ liệu/.test(c.params.text));
    expect(done.params.text).toMatch(/Thêm [1-9]/);
    const answer = await say(124, 'Thành phố trồng bao nhiêu cây xanh dọc bờ sông Cầu?');
    expect(answer.params.text).toContain('5.000 cây xanh');
    expect(answer.params.text).toContain('Kế hoạch trồng cây xanh');
  });

  it('lets an admin refresh the knowledge base and rejects a broken PDF while the old index keeps answering', async () => {
    const mark = tg.calls.length;
    tg.pushUpdate(textUpdate(ADMIN, user(ADMIN), '/capnhat'));
    const done = await tg.waitFor(
      (c) => c.seq >= mark && c.params.chat_id === ADMIN && /Đã cập nhật kho dữ liệu/.test(c.params.text ?? ''),
      20_000,
    );
    expect(done.params.text).toContain('không đổi');

    tg.setFile('broken-pdf', Buffer.from('%PDF-1.4\nđây không phải PDF thật'), 'documents/file_9.pdf');
    const upload = messageUpdate(ADMIN, user(ADMIN), {
      document: { file_id: 'broken-pdf', file_unique_id: 'bp', file_name: 'nghi-quyet-hong.pdf', file_size: 30 },
    });
    const rejected = await send(ADMIN, upload, (c) => String(c.params.text).startsWith('Không thêm được tệp'));
    expect(rejected.params.text).toContain('nghi-quyet-hong.pdf');
    expect(rejected.params.text).toContain('Kho dữ liệu cũ vẫn đang được dùng');
    const still = await say(ADMIN, 'Cầu Đội Kỳ đã xong chưa?');
    expect(still.params.text).toMatch(/Đội Kỳ/);
  });
});
