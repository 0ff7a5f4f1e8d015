// One table of behaviours that Telegram and Zalo must both show, driven through the fake Bot APIs
// over real HTTP, on one core built by the composition root. Each channel has a driver that does
// a step its own way (Telegram: commands and buttons; Zalo: keywords and numbered replies); the
// expectations are the same for both.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagingChannel } from '../src/channels/types.js';
import type { ChatRef } from '../src/domain/index.js';
import { botTexts } from '../src/texts/bot.js';
import { caseChatTexts } from '../src/texts/case-chat.js';
import { caseTexts } from '../src/texts/cases.js';
import {
  type FakeTelegram,
  type RecordedCall,
  startFakeTelegram,
  callbackUpdate as tgCallback,
  messageUpdate as tgMessage,
  textUpdate as tgText,
} from './fakes/telegram-api.js';
import { type FakeZalo, startFakeZalo, imageUpdate as zaloImage, textUpdate as zaloText } from './fakes/zalo-api.js';
import { PNG } from './fixtures/images.js';
import { startBothChannels } from './helpers/channels.js';
import { writeCityFile } from './helpers/city.js';
import { startCore, type TestCore } from './helpers/core.js';

const TG_TOKEN = '4242424242:parity-telegram-token-abcdefghijkl';
const ZALO_TOKEN = '9898989898:parity-zalo-token-abcdefghijklmnop';
const WARDS = ['Đức Xuân', 'Phùng Chí Kiên', 'Sông Cầu'];
const TOPICS = [
  { slug: 'giao-thong', label: 'Giao thông' },
  { slug: 'do-thi', label: 'Đô thị và xây dựng' },
  { slug: 'khan-cap', label: 'Khẩn cấp – thiên tai' },
];

/** What a test does on a channel, in that channel's own way. */
interface Driver {
  name: 'telegram' | 'zalo';
  /** Sends a text; resolves with the text of the bot's next reply. */
  say(user: number, text: string): Promise<string>;
  greet(user: number): Promise<string>;
  startAnnouncement(user: number): Promise<string>;
  /** Writes an announcement for several topics and wards and schedules it; resolves with the last reply. */
  announceScheduled(user: number, content: string, topics: string[], wards: string[], at: string): Promise<string>;
  progress(user: number): Promise<string>;
  stop(user: number, id: number): Promise<string>;
  /** Subscribes to topics and wards (labels; [] = all): the confirmation asked, then the reply to confirming. */
  subscribe(user: number, topics: string[], wards: string[]): Promise<{ confirm: string; done: string }>;
  /** Starts subscribing, then cancels at the ward step. */
  subscribeCancelled(user: number): Promise<string>;
  unsubscribe(user: number): Promise<string>;
  /** Asks to delete the chat's data, then confirms: the question, then the reply. */
  forget(user: number): Promise<{ ask: string; done: string }>;
  /** Sends `count` messages at once; resolves with every reply that came back. */
  burst(user: number, count: number): Promise<string[]>;
  /** Asks what the documents do not answer, takes the offer of a person (button / keyword) and confirms. */
  askPerson(user: number, question: string): Promise<{ offered: boolean; confirm: string; opened: string }>;
  /** Reports with a category, a typed address, a ward, one photo and a description: the preview, then the reply. */
  report(
    user: number,
    r: { category: string; address: string; ward: string; description: string },
  ): Promise<{ preview: string; opened: string }>;
  follow(user: number): Promise<string>;
  /** Writes into a case by its number. */
  writeInto(user: number, number: string, text: string): Promise<string>;
  /** Waits for a message the outbox delivered to the chat, by a part of its text. */
  received(user: number, part: string): Promise<string>;
  /** Rates a closed case (Telegram: a button of the pushed question; Zalo: "<number> đánh giá <n>"). */
  rate(user: number, c: { id: number; number: string }, rating: number): Promise<string>;
}

let core: TestCore;
let tg: FakeTelegram;
let zalo: FakeZalo;
const channels: MessagingChannel[] = [];
/** Every step of a Zalo report is a typed message: more than the default limit lets through in a test's seconds. */
const FLOOD = { limit: 16, windowMs: 10_000 };

// Staff and residents have the same numbers on both channels (Zalo ids are text).
const STAFF = 7001;
const RESIDENT = 7101;

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TG_TOKEN });
  zalo = await startFakeZalo({ token: ZALO_TOKEN, maxPollSeconds: 1 });
  core = await startCore(
    {
      CITY_FILE: writeCityFile({ name: 'Bắc Kạn', example_question: 'Cầu Đội Kỳ đã xong chưa?', wards: WARDS, topics: TOPICS }),
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_STAFF_IDS: String(STAFF),
      ZALO_BOT_TOKEN: ZALO_TOKEN,
      ZALO_API_ROOT: zalo.apiRoot,
      ZALO_STAFF_IDS: String(STAFF),
      TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
    },
    { database: ':memory:' },
  );
  // Case notices (staff replies, status changes) go out through the outbox's workers.
  core.broadcast.start();
  const deps = core.channelDeps;
  channels.push(...(await startBothChannels(deps, FLOOD)));
});

afterAll(async () => {
  for (const c of channels) await c.stop();
  await core?.cleanup();
  await tg?.close();
  await zalo?.close();
});

const telegram: Driver = (() => {
  const user = (id: number) => ({ id, first_name: `Người ${id}` });
  const reply = (chatId: number, mark: number, methods = ['sendMessage']) =>
    tg.waitFor((c) => c.seq >= mark && c.ok && methods.includes(c.method) && String(c.params.chat_id) === String(chatId), 10_000);
  const send = async (chatId: number, text: string) => {
    const mark = tg.calls.length;
    tg.pushUpdate(tgText(chatId, user(chatId), text));
    return reply(chatId, mark);
  };
  const press = async (
    chatId: number,
    message: RecordedCall,
    label: string,
    markup = message.params.reply_markup,
    methods = ['sendMessage', 'editMessageReplyMarkup'],
  ) => {
    const button = (markup.inline_keyboard.flat() as { text: string; callback_data: string }[]).find(
      (b) => b.text === label || b.text.endsWith(` ${label}`),
    );
    if (!button) throw new Error(`no button ${label}`);
    const mark = tg.calls.length;
    tg.pushUpdate(tgCallback(chatId, user(chatId), button.callback_data, message.result));
    return reply(chatId, mark, methods);
  };
  /** Ticks each label on a choice message (edited in place), then presses "Tiếp tục". */
  const tick = async (chatId: number, message: RecordedCall, labels: string[]) => {
    let markup = message.params.reply_markup;
    for (const label of labels) markup = (await press(chatId, message, label, markup)).params.reply_markup;
    return press(chatId, message, botTexts.next, markup);
  };
  return {
    name: 'telegram',
    say: async (u, text) => (await send(u, text)).params.text,
    greet: async (u) => (await send(u, '/start')).params.text,
    startAnnouncement: async (u) => (await send(u, '/thongbao')).params.text,
    async announceScheduled(u, content, topics, wards, at) {
      await send(u, '/thongbao');
      const topicStep = await send(u, content);
      const wardStep = await tick(u, topicStep, topics);
      const mark = tg.calls.length;
      await tick(u, wardStep, wards);
      const recipients = await tg.waitFor(
        (c) => c.seq >= mark && c.params.reply_markup?.inline_keyboard?.flat().some((b: any) => b.callback_data === 'ann:do:schedule'),
        10_000,
      );
      await press(u, recipients, 'Hẹn giờ gửi');
      return (await send(u, at)).params.text;
    },
    async subscribe(u, topics, wards) {
      const topicStep = await send(u, '/dangky');
      const wardStep = await tick(u, topicStep, topics);
      const confirm = await tick(u, wardStep, wards);
      const done = await press(u, confirm, botTexts.confirmSubscribe);
      return { confirm: confirm.params.text, done: done.params.text };
    },
    async subscribeCancelled(u) {
      const wardStep = await tick(u, await send(u, '/dangky'), []);
      return (await press(u, wardStep, botTexts.cancel)).params.text;
    },
    unsubscribe: async (u) => (await send(u, '/huy')).params.text,
    async forget(u) {
      const ask = await send(u, '/xoadulieu');
      const done = await press(u, ask, botTexts.yesDelete, undefined, ['editMessageText']);
      return { ask: ask.params.text, done: done.params.text };
    },
    progress: async (u) => (await send(u, '/tiendo')).params.text,
    async stop(u, id) {
      const list = await send(u, '/tiendo');
      return (await press(u, list, botTexts.stopSending(id))).params.text;
    },
    async burst(u, count) {
      const mark = tg.calls.length;
      for (let i = 0; i < count; i++) tg.pushUpdate(tgText(u, user(u), `câu hỏi số ${i}`));
      await new Promise((r) => setTimeout(r, 1500));
      return tg.calls
        .filter((c) => c.seq >= mark && c.method === 'sendMessage' && String(c.params.chat_id) === String(u))
        .map((c) => c.params.text);
    },
    async askPerson(u, question) {
      const answer = await send(u, question);
      const offered = answer.params.reply_markup?.inline_keyboard?.flat().some((b: any) => b.text === caseChatTexts.handoffButton);
      const confirm = await press(u, answer, caseChatTexts.handoffButton);
      const opened = await press(u, confirm, caseChatTexts.handoffSend);
      return { offered, confirm: confirm.params.text, opened: opened.params.text };
    },
    async report(u, r) {
      await press(u, await send(u, '/phananh'), r.category);
      let mark = tg.calls.length;
      tg.pushUpdate(tgText(u, user(u), r.address));
      // The place is noted (the location key goes), then the wards.
      const wards = await tg.waitFor(
        (c) => c.seq >= mark && c.ok && String(c.params.chat_id) === String(u) && c.params.text === caseChatTexts.reportChooseWard,
        10_000,
      );
      await press(u, wards, r.ward);
      tg.setFile(`parity-${u}`, PNG, `photos/parity-${u}.png`);
      mark = tg.calls.length;
      tg.pushUpdate(tgMessage(u, user(u), { photo: [{ file_id: `parity-${u}`, file_unique_id: `p${u}`, width: 1, height: 1 }] }));
      const kept = await reply(u, mark);
      await press(u, kept, caseChatTexts.done);
      const preview = await send(u, r.description);
      const opened = await press(u, preview, caseChatTexts.reportSend);
      return { preview: preview.params.text, opened: opened.params.text };
    },
    follow: async (u) => (await send(u, '/theodoi')).params.text,
    writeInto: async (u, number, text) => (await send(u, `${number} ${text}`)).params.text,
    received: async (u, part) =>
      (await tg.waitFor((c) => c.ok && String(c.params.chat_id) === String(u) && String(c.params.text).includes(part), 10_000)).params.text,
    async rate(u, c, rating) {
      const ask = await tg.waitFor(
        (m) => m.ok && String(m.params.chat_id) === String(u) && m.params.text === caseTexts.askRating(c.number),
        10_000,
      );
      return (await press(u, ask, `${rating} ⭐`, undefined, ['sendMessage'])).params.text;
    },
  };
})();

const zaloDriver: Driver = (() => {
  const send = async (u: number, text: string, replies = 1) => {
    const chatId = `z${u}`;
    const before = zalo.sent(chatId).length;
    zalo.pushUpdate(zaloText(chatId, text, { userId: String(u) }));
    return (await zalo.waitForSent(chatId, before + replies, 10_000)).slice(before);
  };
  const numbers = (all: string[], picked: string[]) => picked.map((p) => all.indexOf(p) + 1).join(' ');
  return {
    name: 'zalo',
    say: async (u, text) => (await send(u, text))[0],
    greet: async (u) => (await send(u, 'xin chào'))[0],
    startAnnouncement: async (u) => (await send(u, 'thông báo'))[0],
    async announceScheduled(u, content, topics, wards, at) {
      await send(u, 'thông báo');
      await send(u, content);
      await send(
        u,
        numbers(
          TOPICS.map((t) => t.label),
          topics,
        ),
      );
      await send(u, numbers(WARDS, wards));
      await send(u, 'hẹn giờ');
      return (await send(u, at))[0];
    },
    async subscribe(u, topics, wards) {
      await send(u, 'đăng ký');
      await send(
        u,
        numbers(
          TOPICS.map((t) => t.label),
          topics,
        ) || '0',
      );
      const [confirm] = await send(u, numbers(WARDS, wards) || '0');
      const [done] = await send(u, 'đồng ý');
      return { confirm, done };
    },
    async subscribeCancelled(u) {
      await send(u, 'đăng ký');
      await send(u, '0');
      return (await send(u, 'hủy'))[0];
    },
    unsubscribe: async (u) => (await send(u, 'hủy'))[0],
    async forget(u) {
      const [ask] = await send(u, 'xóa dữ liệu');
      const [done] = await send(u, 'xóa');
      return { ask, done };
    },
    progress: async (u) => (await send(u, 'tiến độ'))[0],
    stop: async (u, id) => (await send(u, `dừng gửi ${id}`))[0],
    async burst(u, count) {
      const chatId = `z${u}`;
      const before = zalo.sent(chatId).length;
      for (let i = 0; i < count; i++) zalo.pushUpdate(zaloText(chatId, `câu hỏi số ${i}`, { userId: String(u) }));
      // Zalo hands out one update per poll: on a loaded machine the notice may take a while.
      await zalo.waitFor((c) => c.params.chat_id === chatId && c.params.text === botTexts.rateLimited, 10_000).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1500));
      return zalo
        .sent(chatId)
        .slice(before)
        .map((c) => String(c.params.text));
    },
    async askPerson(u, question) {
      const [answer] = await send(u, question);
      const [confirm] = await send(u, 'gặp cán bộ');
      const [opened] = await send(u, 'gửi');
      return { offered: answer.includes(caseChatTexts.handoffHint), confirm, opened };
    },
    async report(u, r) {
      const [list] = await send(u, 'phản ánh');
      const number = (label: string, text: string) =>
        String(
          text
            .split('\n')
            .find((l) => l.endsWith(`. ${label}`))
            ?.split('.')[0],
        );
      await send(u, number(r.category, list));
      const [wards] = await send(u, r.address);
      await send(u, number(r.ward, wards));
      const chatId = `z${u}`;
      const before = zalo.sent(chatId).length;
      zalo.pushUpdate(zaloImage(chatId, { userId: String(u), photoUrl: zalo.setPhoto(`parity-${u}.png`, PNG) }));
      await zalo.waitForSent(chatId, before + 1, 10_000);
      await send(u, 'xong');
      const [preview] = await send(u, r.description);
      const [opened] = await send(u, 'gửi');
      return { preview, opened };
    },
    follow: async (u) => (await send(u, 'theo dõi'))[0],
    writeInto: async (u, number, text) => (await send(u, `${number} ${text}`))[0],
    received: async (u, part) =>
      String((await zalo.waitFor((c) => c.ok && c.params.chat_id === `z${u}` && String(c.params.text).includes(part), 10_000)).params.text),
    rate: async (u, c, rating) => (await send(u, `${c.number} đánh giá ${rating}`))[0],
  };
})();

const YEAR = new Date().getFullYear() + 1;

describe.each([telegram, zaloDriver])('$name behaves like every channel', (d) => {
  const offset = d.name === 'telegram' ? 0 : 1;

  it('greets with the city, how to ask and an example', async () => {
    const text = await d.greet(RESIDENT + offset);
    expect(text).toContain('thành phố Bắc Kạn');
    expect(text).toContain('Cầu Đội Kỳ đã xong chưa?');
  });

  it('answers a question with numbered sources', async () => {
    const text = await d.say(RESIDENT + offset, 'Cầu Đội Kỳ đã xong chưa?');
    expect(text).toMatch(/\[1\]/);
  });

  it('refuses the announcement flow to a resident, and audits it', async () => {
    expect(await d.startAnnouncement(RESIDENT + 10 + offset)).toBe(botTexts.notAllowed);
    const trail = core.store.access.auditTrail(20).find((e) => e.channel === d.name && e.userId === String(RESIDENT + 10 + offset));
    expect(trail).toMatchObject({ action: 'announce', allowed: false });
  });

  it.each([`03/12/${YEAR} 07:30`, `${YEAR}-12-03 07:30`])(
    'lets staff write an announcement for several topics and wards and schedule it (%s)',
    async (at) => {
      const reply = await d.announceScheduled(
        STAFF,
        `Họp dân ${d.name} ${at}\nHọp dân các tổ tối thứ Năm.`,
        ['Giao thông', 'Khẩn cấp – thiên tai'],
        ['Đức Xuân', 'Sông Cầu'],
        at,
      );
      expect(reply).toContain(`03/12/${YEAR} 07:30`);
      const [latest] = core.broadcast.recent(1);
      expect(latest).toMatchObject({
        title: `Họp dân ${d.name} ${at}`,
        status: 'scheduled',
        topics: ['giao-thong', 'khan-cap'],
        wards: ['Đức Xuân', 'Sông Cầu'],
        author: `${d.name}:${STAFF}`,
      });
      expect(latest.scheduledAt).toBe(Date.UTC(YEAR, 11, 3, 0, 30));
    },
  );

  it('lists the progress of recent announcements and stops a scheduled one', async () => {
    const [latest] = core.broadcast.recent(1);
    expect(await d.progress(STAFF)).toContain(`Số ${latest.id} «${latest.title}» (đã hẹn giờ)`);
    expect(await d.stop(STAFF, latest.id)).toBe(botTexts.stopped(latest.id));
    expect(core.broadcast.get(latest.id)?.status).toBe('cancelled');
  });

  it('subscribes to several topics and wards after a confirmation, with the same words', async () => {
    const u = RESIDENT + 30 + offset;
    const chatId = d.name === 'telegram' ? String(u) : `z${u}`;
    const { confirm, done } = await d.subscribe(u, ['Giao thông', 'Khẩn cấp – thiên tai'], ['Sông Cầu', 'Đức Xuân']);
    expect(confirm).toContain(botTexts.subscribeConfirm(['Giao thông', 'Khẩn cấp – thiên tai'], ['Đức Xuân', 'Sông Cầu']));
    expect(done).toBe(botTexts.subscribed(['Giao thông', 'Khẩn cấp – thiên tai'], ['Đức Xuân', 'Sông Cầu']));
    expect(core.store.subscribers.get(d.name, chatId)).toMatchObject({
      status: 'active',
      topics: ['giao-thong', 'khan-cap'],
      wards: ['Đức Xuân', 'Sông Cầu'],
    });
    expect(await d.unsubscribe(u)).toBe(botTexts.unsubscribed);
    expect(core.store.subscribers.get(d.name, chatId)?.status).toBe('unsubscribed');
  });

  it('subscribes to every topic in the whole city when nothing is ticked', async () => {
    const u = RESIDENT + 40 + offset;
    const { done } = await d.subscribe(u, [], []);
    expect(done).toBe(botTexts.subscribed([], []));
    expect(core.store.subscribers.get(d.name, d.name === 'telegram' ? String(u) : `z${u}`)).toMatchObject({ topics: [], wards: [] });
  });

  it('cancels a half-made subscription without storing it, and says so when there is nothing to end', async () => {
    const u = RESIDENT + 50 + offset;
    expect(await d.subscribeCancelled(u)).toBe(botTexts.cancelled);
    expect(core.store.subscribers.get(d.name, d.name === 'telegram' ? String(u) : `z${u}`)).toBeUndefined();
    expect(await d.unsubscribe(u)).toBe(botTexts.notSubscribed);
  });

  it('deletes everything about the chat after asking for a confirmation', async () => {
    const u = RESIDENT + 60 + offset;
    const chatId = d.name === 'telegram' ? String(u) : `z${u}`;
    await d.subscribe(u, [], []);
    // A report with a photo: its personal data and the photo file go, the anonymous count stays.
    await d.report(u, { category: 'Rác thải', address: '3 Nguyễn Văn Thoát', ward: 'Đức Xuân', description: 'Rác ở số nhà tôi' });
    const [report] = core.cases.forResident({ channel: d.name, chatId, userId: chatId });
    const photoFile = path.join(core.config.paths.data, 'case-photos', report.photos[0].file);
    expect(fs.existsSync(photoFile)).toBe(true);
    const { ask, done } = await d.forget(u);
    expect(ask).toContain(botTexts.forgetConfirm);
    expect(done).toBe(botTexts.forgotten);
    expect(core.cases.get(report.id)).toMatchObject({ anonymized: true, photos: [], address: undefined });
    expect(core.cases.get(report.id)?.text).not.toContain('số nhà tôi');
    expect(fs.existsSync(photoFile)).toBe(false);
    expect(core.store.subscribers.get(d.name, chatId)).toBeUndefined();
    expect(core.store.conversations.recentTurns(d.name, chatId, 10, 3_600_000)).toEqual([]);
    expect(core.store.kv.keys(`${d.name}:${chatId}:`)).toEqual([]);
  });

  it('meets a flood with one friendly notice, then silence', async () => {
    const replies = await d.burst(RESIDENT + 20 + offset, FLOOD.limit + 4);
    expect(replies.filter((r) => r === botTexts.rateLimited)).toHaveLength(1);
  });

  const refOf = (u: number): ChatRef => {
    const chatId = d.name === 'telegram' ? String(u) : `z${u}`;
    return { channel: d.name, chatId, userId: chatId };
  };

  it('offers a person after an unanswered question and hands it over with a case number', async () => {
    const u = RESIDENT + 70 + offset;
    const question = 'Khi nào cấp lại sổ hộ khẩu bị mất?';
    const { offered, confirm, opened } = await d.askPerson(u, question);
    expect(offered).toBe(true);
    expect(confirm).toContain(caseChatTexts.handoffConfirm(question));
    const [c] = core.cases.forResident(refOf(u));
    expect(c).toMatchObject({ kind: 'question', text: question, channel: d.name });
    expect(opened).toContain(`Mã hồ sơ: ${c.number}.`);
  });

  it('takes a report step by step with a photo, previews it and gives its number', async () => {
    const u = RESIDENT + 80 + offset;
    const { preview, opened } = await d.report(u, {
      category: 'Lấn chiếm vỉa hè',
      address: '25 Trường Chinh',
      ward: 'Sông Cầu',
      description: 'Quán bày bàn ghế kín vỉa hè',
    });
    expect(preview).toContain(
      caseChatTexts.reportPreview({
        category: 'Lấn chiếm vỉa hè',
        place: '25 Trường Chinh',
        ward: 'Sông Cầu',
        photos: 1,
        description: 'Quán bày bàn ghế kín vỉa hè',
      }),
    );
    const [c] = core.cases.forResident(refOf(u));
    expect(opened).toContain(`Mã phản ánh: ${c.number}.`);
    expect(c).toMatchObject({ kind: 'report', category: 'lan-chiem-via-he', address: '25 Trường Chinh', ward: 'Sông Cầu' });
    expect(c.photos.map((p) => p.mime)).toEqual(['image/png']);
  });

  it('follows the cases, writes into one, receives the staff reply and each status, and rates it once when closed', async () => {
    const u = RESIDENT + 70 + offset;
    const [c] = core.cases.forResident(refOf(u));
    expect(await d.follow(u)).toBe(caseTexts.statusList([caseTexts.statusLine(c.number, 'new', c.text)]));
    expect(await d.writeInto(u, c.number, 'Tôi ở tổ 4')).toBe(caseTexts.residentMessageAdded(c.number));
    // As the console does it.
    core.cases.staffReply(c.id, 'Chị Hoa', 'Anh mang sổ tới công an phường nhé.');
    expect(await d.received(u, 'Anh mang sổ')).toBe(caseTexts.staffReplied(c.number, 'Bắc Kạn', 'Anh mang sổ tới công an phường nhé.'));
    core.cases.changeStatus(c.id, 'in_progress', 'Chị Hoa');
    expect(await d.received(u, 'trạng thái: đang xử lý')).toBe(caseTexts.statusChanged(c.number, 'in_progress'));
    expect(await d.say(u, `${c.number} tới đâu rồi?`)).toContain(`Hồ sơ ${c.number}: đang xử lý.`);
    core.cases.changeStatus(c.id, 'closed', 'Chị Hoa');
    expect(await d.received(u, 'trạng thái: đã đóng')).toBe(caseTexts.statusChanged(c.number, 'closed'));
    expect(await d.rate(u, c, 4)).toBe(caseTexts.ratingThanks(4));
    expect(await d.rate(u, c, 2)).toBe(caseTexts.ratingRefused);
    expect(core.cases.get(c.id)?.rating).toBe(4);
  });
});
