// The Zalo channel end to end in polling mode: the real channel, axios client, keyword dialogues and
// the core built by the composition root (the repository's knowledge/ folder), against the fake
// Zalo Bot API over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BroadcastService } from '../src/broadcast/service.js';
import type { MessagingChannel } from '../src/channels/types.js';
import { createZaloChannel } from '../src/channels/zalo/index.js';
import type { Config } from '../src/config.js';
import { FLOOD_LIMIT } from '../src/core/flood-guard.js';
import type { Store } from '../src/db/store.js';
import type { KnowledgeBase } from '../src/engine/knowledge-base.js';
import { botTexts } from '../src/texts/bot.js';
import { broadcastTexts } from '../src/texts/broadcast.js';
import { caseChatTexts, zaloCaseTexts } from '../src/texts/case-chat.js';
import { zaloActions, zaloTexts } from '../src/texts/zalo.js';
import { type FakeOpenAi, startFakeOpenAi } from './fakes/openai-server.js';
import { type FakeZalo, imageUpdate, startFakeZalo, stickerUpdate, textUpdate } from './fakes/zalo-api.js';
import { JPEG, PNG } from './fixtures/images.js';
import { writeCityFile } from './helpers/city.js';
import { startCore, type TestCore } from './helpers/core.js';

const TOKEN = '5551234567:zalo-channel-test-secret-abcdefghijklmnop';
const WARDS = 'Phường Đức Xuân,Phường Sông Cầu,Phường Phùng Chí Kiên';

interface Harness {
  fake: FakeZalo;
  config: Config;
  store: Store;
  kb: KnowledgeBase;
  channel: MessagingChannel;
  broadcast: BroadcastService;
  core: TestCore;
}

async function startHarness(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const fake = await startFakeZalo({ token: TOKEN, maxPollSeconds: 1 });
  const core = await startCore(
    {
      CITY_FILE: writeCityFile({ name: 'Bắc Kạn', example_question: 'Cầu Đội Kỳ đã xong chưa?', wards: WARDS.split(',') }),
      ZALO_BOT_TOKEN: TOKEN,
      ZALO_API_ROOT: fake.apiRoot,
      ZALO_ADMIN_IDS: 'admin-1',
      ZALO_STAFF_IDS: 'staff-1',
      ...extraEnv,
    },
    { database: ':memory:' },
  );
  const channel = createZaloChannel(core.channelDeps, { pollTimeoutSeconds: 1, pollBackoffMs: 20, retryBackoffMs: 5 });
  await channel.start();
  return { fake, config: core.config, store: core.store, kb: core.knowledge, channel, broadcast: core.broadcast, core };
}

async function stopHarness(h: Harness | undefined) {
  if (!h) return;
  await h.channel.stop();
  await h.core.cleanup();
  await h.fake.close();
}

/** Sends a text as `chatId` and returns the `replies` messages the bot sends back. */
async function say(fake: FakeZalo, chatId: string, text: string, replies = 1, userId = chatId): Promise<string[]> {
  const before = fake.sent(chatId).length;
  fake.pushUpdate(textUpdate(chatId, text, { userId }));
  return (await fake.waitForSent(chatId, before + replies)).slice(before);
}

describe('Zalo channel (polling)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));

  it('connects, deletes any webhook before polling, and reports itself connected', async () => {
    await h.fake.waitFor((c) => c.method === 'getUpdates');
    const methods = h.fake.calls.map((c) => c.method);
    expect(methods[0]).toBe('getMe');
    expect(methods.indexOf('deleteWebhook')).toBeLessThan(methods.indexOf('getUpdates'));
    expect(h.channel.mode).toBe('polling');
    expect(h.channel.isConnected()).toBe(true);
  });

  it('answers a question with its sources, with and without diacritics, showing "typing" first', async () => {
    const [withMarks] = await say(h.fake, 'r1', 'Cầu Đội Kỳ đã xong chưa?');
    expect(withMarks).toContain('Đội Kỳ');
    expect(withMarks).toContain(`${botTexts.sourcesLabel}\n[1]`);
    expect(withMarks.endsWith(zaloTexts.feedbackHint)).toBe(true);
    const typing = h.fake.calls.findIndex((c) => c.method === 'sendChatAction' && c.params.chat_id === 'r1');
    const reply = h.fake.calls.findIndex((c) => c.method === 'sendMessage' && c.params.chat_id === 'r1');
    expect(typing).toBeGreaterThanOrEqual(0);
    expect(typing).toBeLessThan(reply);
    expect(h.fake.calls[typing].params.action).toBe('typing');

    const [bare] = await say(h.fake, 'r2', 'cau doi ky da xong chua');
    expect(bare).toContain('Đội Kỳ');
    expect(bare).toContain(`${botTexts.sourcesLabel}\n[1]`);
    expect(h.store.conversations.recentTurns('zalo', 'r2', 10, 60_000)).toHaveLength(2);
  });

  it('treats a question that merely contains a keyword as a question', async () => {
    const [reply] = await say(h.fake, 'r3', 'huy dong nguon luc');
    expect(reply).not.toBe(botTexts.notSubscribed);
    expect(reply).toContain(botTexts.sourcesLabel);
    expect(reply).toContain('huy động các nguồn lực');
  });

  it("takes 👍 / 👎 as a vote on the chat's last answer", async () => {
    await say(h.fake, 'r4', 'Nghị quyết số 04 về cải cách hành chính nói gì?');
    expect(await say(h.fake, 'r4', '👍')).toEqual([botTexts.feedbackThanks]);
    expect(await say(h.fake, 'r4', 'không đúng')).toEqual([botTexts.feedbackDownThanks]);
    const review = h.store.conversations.feedbackForReview(10);
    expect(review.find((f) => f.chatId === 'r4')).toMatchObject({ vote: 'down', channel: 'zalo' });
    expect(await say(h.fake, 'r-new', '👎')).toEqual([botTexts.feedbackUnknown]);
  });

  it('subscribes with "dang ky", topics and wards picked by number, then "đồng ý"; "hủy" unsubscribes', async () => {
    const [topics] = await say(h.fake, 'r5', 'dang ky');
    expect(topics).toContain('0. Tất cả chủ đề');
    expect(topics).toContain('1. Giao thông');
    const [wards] = await say(h.fake, 'r5', '1,3');
    expect(wards).toContain('2. Phường Sông Cầu');
    expect(await say(h.fake, 'r5', '9')).toEqual([zaloTexts.pickNumbers(3)]);
    const [confirm] = await say(h.fake, 'r5', '2');
    expect(confirm).toBe(zaloTexts.subscribeConfirm(['Giao thông', 'Thủ tục hành chính'], ['Phường Sông Cầu']));
    const [done] = await say(h.fake, 'r5', 'đồng ý');
    expect(done).toBe(botTexts.subscribed(['Giao thông', 'Thủ tục hành chính'], ['Phường Sông Cầu']));
    expect(h.store.subscribers.get('zalo', 'r5')).toMatchObject({
      status: 'active',
      topics: ['giao-thong', 'hanh-chinh'],
      wards: ['Phường Sông Cầu'],
    });

    expect(await say(h.fake, 'r5', 'Hủy')).toEqual([botTexts.unsubscribed]);
    expect(h.store.subscribers.get('zalo', 'r5')?.status).toBe('unsubscribed');
    // Another chat: one person's messages here stay within the flood limit.
    expect(await say(h.fake, 'r5b', 'huy')).toEqual([botTexts.notSubscribed]);
  });

  it('"0" picks every topic; a question typed mid-dialogue leaves it and is answered', async () => {
    await say(h.fake, 'r6', 'đăng ký');
    await say(h.fake, 'r6', '0');
    await say(h.fake, 'r6', '0');
    expect(await say(h.fake, 'r6', 'có')).toEqual([botTexts.subscribed([], [])]);
    expect(h.store.subscribers.get('zalo', 'r6')).toMatchObject({ topics: [], wards: [] });

    await say(h.fake, 'r7', 'đăng ký');
    const [answer] = await say(h.fake, 'r7', 'Cầu Đội Kỳ đã xong chưa?');
    expect(answer).toContain(botTexts.sourcesLabel);
    expect(h.store.kv.get('zalo:r7:subscribe')).toBeUndefined();
  });

  it('answers stickers and images once, politely, and ignores its own messages', async () => {
    h.fake.pushUpdate(stickerUpdate('r8'));
    expect(await h.fake.waitForSent('r8', 1)).toEqual([botTexts.nonText]);
    h.fake.pushUpdate(imageUpdate('r8'));
    expect(await h.fake.waitForSent('r8', 2)).toEqual([botTexts.nonText, botTexts.nonText]);

    h.fake.pushUpdate(textUpdate('r9', 'xin chào', { userId: h.fake.botId }));
    h.fake.pushUpdate(textUpdate('r9', 'xin chào', { userId: 'someone-else', isBot: true }));
    const greeting = await say(h.fake, 'r9', 'Xin chào');
    expect(greeting).toEqual([botTexts.greeting('Bắc Kạn', zaloActions, 'Cầu Đội Kỳ đã xong chưa?')]);
    expect(greeting[0]).toContain('Ví dụ: "Cầu Đội Kỳ đã xong chưa?"');
    expect(h.fake.sent('r9')).toHaveLength(1);
  });

  it('answers a redelivered update (same message_id) only once', async () => {
    const update = textUpdate('r10', 'hướng dẫn', { messageId: 'dup-1' });
    h.fake.pushUpdate(update);
    h.fake.pushUpdate(update);
    expect(await h.fake.waitForSent('r10', 1)).toEqual([botTexts.help(zaloActions)]);
    const [sources] = await say(h.fake, 'r10', 'nguồn');
    expect(sources).toContain(botTexts.sourcesHeader(2));
    expect(h.fake.sent('r10')).toHaveLength(2);
  });

  it('deletes everything about the chat after "xóa dữ liệu" and "xóa"', async () => {
    // Subscribed through the core: the steps on Zalo are tested above, and the flood limit counts every message.
    h.store.subscribers.subscribe({ channel: 'zalo', chatId: 'r11', topics: [] });
    await say(h.fake, 'r11', 'Cầu Đội Kỳ đã xong chưa?');
    expect(await say(h.fake, 'r11', 'xoa du lieu')).toEqual([zaloTexts.forgetConfirm]);
    expect(await say(h.fake, 'r11', 'xóa')).toEqual([botTexts.forgotten]);
    expect(h.store.subscribers.get('zalo', 'r11')).toBeUndefined();
    expect(h.store.conversations.recentTurns('zalo', 'r11', 10, 60_000)).toEqual([]);
    expect(h.store.kv.get('zalo:r11:last-answer')).toBeUndefined();
  });

  it('refuses staff and admin keywords to residents (audited) and refreshes for an admin', async () => {
    expect(await say(h.fake, 'r12', 'cập nhật')).toEqual([botTexts.notAllowed]);
    expect(await say(h.fake, 'r12', 'thông báo')).toEqual([botTexts.notAllowed]);
    expect(await say(h.fake, 'r12', 'tiến độ')).toEqual([botTexts.notAllowed]);
    const trail = h.store.access.auditTrail(10).filter((a) => a.userId === 'r12');
    expect(trail.map((a) => [a.action, a.allowed])).toEqual([
      ['progress', false],
      ['announce', false],
      ['refresh', false],
    ]);

    const [started, done] = await say(h.fake, 'a1', 'cap nhat', 2, 'admin-1');
    expect(started).toBe(botTexts.refreshStarted);
    expect(done).toMatch(/^Đã cập nhật kho dữ liệu/);
  });

  it('answers a flood of 20 quick messages with one friendly notice, then silence', async () => {
    const delivered = () => h.fake.calls.filter((c) => c.method === 'getUpdates' && c.ok).length;
    const before = delivered();
    for (let i = 0; i < 20; i++) h.fake.pushUpdate(textUpdate('r20', 'hướng dẫn'));
    const deadline = Date.now() + 5_000;
    while (delivered() < before + 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await h.fake.waitForSent('r20', FLOOD_LIMIT.limit + 1);
    await new Promise((r) => setTimeout(r, 100));
    const texts = h.fake.sent('r20').map((c) => c.params.text);
    expect(texts.filter((t) => t === botTexts.rateLimited)).toHaveLength(1);
    expect(texts.filter((t) => t === botTexts.busy)).toHaveLength(0);
    expect(texts.filter((t) => t === botTexts.help(zaloActions))).toHaveLength(FLOOD_LIMIT.limit);
    expect(texts).toHaveLength(FLOOD_LIMIT.limit + 1);
  });

  it('in a group answers only messages that name the bot, and never stickers or images', async () => {
    const group = { group: true };
    h.fake.pushUpdate(textUpdate('g1', 'Cầu Đội Kỳ đã xong chưa?', { userId: 'm1', ...group }));
    h.fake.pushUpdate(stickerUpdate('g1', { userId: 'm1', ...group }));
    h.fake.pushUpdate(imageUpdate('g1', { userId: 'm2', ...group }));
    h.fake.pushUpdate(textUpdate('g1', 'hướng dẫn', { userId: 'm2', ...group }));
    h.fake.pushUpdate(textUpdate('g1', '@bot.civic cau doi ky da xong chua', { userId: 'm3', ...group }));
    const [answer] = await h.fake.waitForSent('g1', 1);
    expect(answer).toContain('Đội Kỳ');
    expect(answer).toContain(`${botTexts.sourcesLabel}\n[1]`);
    // Named without "@", in another case: still the bot; the name is taken out of the message.
    h.fake.pushUpdate(textUpdate('g1', 'Bot.Civic hướng dẫn', { userId: 'm4', ...group }));
    expect((await h.fake.waitForSent('g1', 2))[1]).toBe(botTexts.help(zaloActions));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.fake.sent('g1')).toHaveLength(2);
  });

  it('lets staff stop a scheduled announcement with "dừng gửi <số>"; residents may not', async () => {
    const a = h.broadcast.create({
      title: 'Họp tổ dân phố',
      body: 'Tối thứ Sáu họp tổ 5.',
      author: 'test',
      scheduledAt: new Date(Date.now() + 86_400_000),
    });
    expect(await say(h.fake, 'r13', `dừng gửi ${a.id}`)).toEqual([botTexts.notAllowed]);
    expect(h.store.access.auditTrail(5).find((e) => e.userId === 'r13')).toMatchObject({ action: 'cancel', allowed: false });
    expect(h.broadcast.get(a.id)?.status).toBe('scheduled');

    const [progress] = await say(h.fake, 's3', 'tiến độ', 1, 'staff-1');
    expect(progress).toContain(`Số ${a.id} «Họp tổ dân phố» (đã hẹn giờ)`);
    expect(progress.endsWith(zaloTexts.stopHint)).toBe(true);
    expect(await say(h.fake, 's3', `dung gui ${a.id}`, 1, 'staff-1')).toEqual([botTexts.stopped(a.id)]);
    expect(h.broadcast.get(a.id)?.status).toBe('cancelled');
    expect(await say(h.fake, 's3', `Dừng gửi số ${a.id}`, 1, 'staff-1')).toEqual([
      botTexts.stopRefused([broadcastTexts.cannotCancel(a.id, 'cancelled')]),
    ]);
  });

  it('lets staff compose an announcement, preview it exactly as sent, and cancel it', async () => {
    expect(await say(h.fake, 's1', 'thông báo', 1, 'staff-1')).toEqual([zaloTexts.announceAskText]);
    expect(await say(h.fake, 's1', 'Chỉ một dòng', 1, 'staff-1')).toEqual([zaloTexts.announceNeedsBody]);
    const [topics] = await say(h.fake, 's1', 'Cắt điện\nSáng thứ Bảy cắt điện khu vực Sông Cầu từ 7h đến 11h.', 1, 'staff-1');
    expect(topics).toContain('1. Giao thông');
    expect(await say(h.fake, 's1', 'abc', 1, 'staff-1')).toEqual([zaloTexts.pickNumbers(5)]);
    const [wards] = await say(h.fake, 's1', '0', 1, 'staff-1');
    expect(wards).toContain('2. Phường Sông Cầu');
    const [preview] = await say(h.fake, 's1', '2', 1, 'staff-1');
    expect(preview).toContain('Cắt điện\n\nSáng thứ Bảy cắt điện khu vực Sông Cầu từ 7h đến 11h.');
    expect(preview).toContain('Sẽ gửi tới');
    expect(preview.endsWith(zaloTexts.announceConfirm)).toBe(true);
    expect(await say(h.fake, 's1', 'hmm', 1, 'staff-1')).toEqual([zaloTexts.announceConfirm]);
    expect(await say(h.fake, 's1', 'huy', 1, 'staff-1')).toEqual([zaloTexts.announceCancelled]);
    const [last] = h.broadcast.recent(1);
    expect(last).toMatchObject({ title: 'Cắt điện', status: 'cancelled', wards: ['Phường Sông Cầu'], author: 'zalo:staff-1' });
  });

  it('tells staff why an announcement cannot be made (too long for Zalo)', async () => {
    await say(h.fake, 's2', 'thong bao', 1, 'staff-1');
    await say(h.fake, 's2', `Tiêu đề\n${'Nội dung rất dài. '.repeat(130)}`, 1, 'staff-1');
    await say(h.fake, 's2', '0', 1, 'staff-1');
    const [refused] = await say(h.fake, 's2', '0', 1, 'staff-1');
    expect(refused).toMatch(/^Thông báo chưa hợp lệ, chưa lưu:\n• /);
    expect(h.store.kv.get('zalo:s2:announce')).toBeUndefined();
  });
});

describe('Zalo channel: a report with several photos', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => stopHarness(h));

  it('does not count the photos of a report towards the flood limit (6 messages in 10 s)', async () => {
    const chat = 'photos-1';
    await say(h.fake, chat, 'phản ánh');
    await say(h.fake, chat, '1');
    await say(h.fake, chat, '8 Nguyễn Văn Thoát');
    await say(h.fake, chat, 'bỏ qua');
    const before = h.fake.sent(chat).length;
    for (const [i, bytes] of [PNG, JPEG, PNG].entries())
      h.fake.pushUpdate(imageUpdate(chat, { photoUrl: h.fake.setPhoto(`${chat}-${i}.png`, bytes) }));
    expect((await h.fake.waitForSent(chat, before + 3)).slice(before)).toEqual([1, 2, 3].map((n) => zaloCaseTexts.reportPhotoKept(n, 5)));
    expect(await say(h.fake, chat, 'xong')).toEqual([caseChatTexts.reportAskDescription]);
    expect(await say(h.fake, chat, 'hủy')).toEqual([botTexts.cancelled]);
  });
});

describe('Zalo channel: long answers', () => {
  let h: Harness;
  let llm: FakeOpenAi;
  const paragraph = (n: number) =>
    `Đoạn ${n}: ${'Công trình cầu Đội Kỳ được xây dựng và hoàn thiện theo kế hoạch của thành phố. '.repeat(6)}[1]`;
  const long = Array.from({ length: 7 }, (_, i) => paragraph(i + 1)).join('\n\n');

  beforeAll(async () => {
    llm = await startFakeOpenAi({ kind: 'reply', content: long });
    h = await startHarness({ OPENAI_BASE_URL: llm.url });
  });
  afterAll(async () => {
    await stopHarness(h);
    await llm.close();
  });

  it('splits a 3,500-character answer into two messages at a paragraph break, each under 2,000', async () => {
    expect(long.length).toBeGreaterThan(3_400);
    const parts = await say(h.fake, 'l1', 'Cầu Đội Kỳ đã xong chưa?', 2);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(2000);
    expect(parts[0].endsWith('[1]')).toBe(true);
    expect(parts[1]).toMatch(/^Đoạn \d+:/);
    expect(parts[1]).toContain(`${botTexts.sourcesLabel}\n[1]`);
    expect(parts[1].endsWith(zaloTexts.feedbackHint)).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.fake.sent('l1')).toHaveLength(2);
  });
});
