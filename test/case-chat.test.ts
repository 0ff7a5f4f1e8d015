// Cases end to end on Telegram and Zalo: the real channels against the fake Bot APIs over HTTP, on
// one core built by the composition root, its notices delivered through the real outbox. Ask a
// person after a not-found answer, report with a photo and a place, the staff group's post and
// reply reaching the resident, status changes pushed back, follow, write into a case, rate once.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagingChannel } from '../src/channels/types.js';
import type { CaseService } from '../src/core/case-service.js';
import { botTexts } from '../src/texts/bot.js';
import { caseChatTexts, zaloCaseTexts } from '../src/texts/case-chat.js';
import { caseTexts } from '../src/texts/cases.js';
import { zaloActions } from '../src/texts/zalo.js';
import {
  type FakeTelegram,
  messageUpdate,
  type RecordedCall,
  startFakeTelegram,
  callbackUpdate as tgCallback,
  textUpdate as tgText,
} from './fakes/telegram-api.js';
import { type FakeZalo, imageUpdate, startFakeZalo, textUpdate as zaloText } from './fakes/zalo-api.js';
import { JPEG, PNG } from './fixtures/images.js';
import { startBothChannels } from './helpers/channels.js';
import { startCore, type TestCore } from './helpers/core.js';

const TG_TOKEN = '5151515151:case-chat-telegram-token-abcdefgh';
const ZALO_TOKEN = '6161616161:case-chat-zalo-token-abcdefghijklmn';
const STAFF = 9001;
const STAFF_GROUP = -500;
const NOT_FOUND = 'Khi nào cấp lại sổ hộ khẩu bị mất?';

let core: TestCore;
let tg: FakeTelegram;
let zalo: FakeZalo;
let cases: CaseService;
const channels: MessagingChannel[] = [];

beforeAll(async () => {
  tg = await startFakeTelegram({ token: TG_TOKEN });
  zalo = await startFakeZalo({ token: ZALO_TOKEN, maxPollSeconds: 1 });
  core = await startCore(
    {
      TELEGRAM_BOT_TOKEN: TG_TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_STAFF_IDS: String(STAFF),
      TELEGRAM_STAFF_GROUP_ID: String(STAFF_GROUP),
      TELEGRAM_PER_CHAT_INTERVAL_MS: '0',
      ZALO_BOT_TOKEN: ZALO_TOKEN,
      ZALO_API_ROOT: zalo.apiRoot,
      CASE_MAX_PHOTOS: '2',
    },
    { database: ':memory:' },
  );
  cases = core.cases;
  core.broadcast.start();
  const deps = core.channelDeps;
  // A test types faster than a person: the flood limit is not what is tested here.
  const flood = { limit: 1000, windowMs: 1000 };
  channels.push(...(await startBothChannels(deps, flood)));
});

afterAll(async () => {
  for (const c of channels) await c.stop();
  await core?.cleanup();
  await tg?.close();
  await zalo?.close();
});

// ── Telegram ──────────────────────────────────────────────────────────────────────────────────
const person = (id: number) => ({ id, first_name: `Người ${id}` });
const nextSent = (chatId: number, mark: number, methods = ['sendMessage']) =>
  tg.waitFor((c) => c.seq >= mark && c.ok && methods.includes(c.method) && String(c.params.chat_id) === String(chatId), 10_000);
const tgSay = async (chatId: number, text: string, extra: Record<string, any> = {}, from = person(chatId)) => {
  const mark = tg.calls.length;
  tg.pushUpdate(tgText(chatId, from, text, extra));
  return nextSent(chatId, mark);
};
const tgSend = async (chatId: number, extra: Record<string, any>) => {
  const mark = tg.calls.length;
  tg.pushUpdate(messageUpdate(chatId, person(chatId), extra));
  return nextSent(chatId, mark);
};
const buttons = (call: RecordedCall) =>
  (call.params.reply_markup?.inline_keyboard ?? []).flat() as { text: string; callback_data: string }[];
const tgPress = async (chatId: number, message: RecordedCall, label: string) => {
  const button = buttons(message).find((b) => b.text === label);
  if (!button) throw new Error(`no button ${label} in ${JSON.stringify(buttons(message))}`);
  const mark = tg.calls.length;
  tg.pushUpdate(tgCallback(chatId, person(chatId), button.callback_data, message.result));
  return nextSent(chatId, mark);
};
/** The texts sent to a chat after `mark`, once `count` have come. */
const sentSince = async (chatId: number, mark: number, count: number) => {
  const texts = () =>
    tg.calls.filter((c) => c.seq >= mark && c.ok && c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId));
  const deadline = Date.now() + 10_000;
  while (texts().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return texts();
};

/** A message the outbox delivered to a Telegram chat, by a part of its text. */
const tgPushed = (chatId: number, part: string) =>
  tg.waitFor(
    (c) => c.ok && c.method === 'sendMessage' && String(c.params.chat_id) === String(chatId) && c.params.text.includes(part),
    10_000,
  );

describe('Telegram: cases', () => {
  it('offers a person under a not-found answer and sends the question on confirmation', async () => {
    const u = 8101;
    const answer = await tgSay(u, NOT_FOUND);
    expect(buttons(answer).map((b) => b.text)).toContain(caseChatTexts.handoffButton);
    // A 👎 takes the vote buttons away and leaves "Gặp cán bộ".
    const mark = tg.calls.length;
    const down = buttons(answer).find((b) => b.text === '👎');
    tg.pushUpdate(tgCallback(u, person(u), String(down?.callback_data), answer.result));
    const edited = await nextSent(u, mark, ['editMessageReplyMarkup']);
    expect(buttons(edited).map((b) => b.text)).toEqual([caseChatTexts.handoffButton]);
    const confirm = await tgPress(u, answer, caseChatTexts.handoffButton);
    expect(confirm.params.text).toBe(caseChatTexts.handoffConfirm(NOT_FOUND));
    const opened = await tgPress(u, confirm, caseChatTexts.handoffSend);
    const [mine] = cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) });
    expect(mine).toMatchObject({ kind: 'question', text: NOT_FOUND, displayName: 'Người 8101' });
    expect(opened.params.text).toContain(`Mã hồ sơ: ${mine.number}`);
    // The staff group hears of it through the outbox.
    expect((await tgPushed(STAFF_GROUP, mine.number)).params.text).toContain(NOT_FOUND);
    // An answered question offers nobody.
    expect(buttons(await tgSay(u, 'Cầu Đội Kỳ đã xong chưa?')).map((b) => b.text)).not.toContain(caseChatTexts.handoffButton);
  });

  it('asks what to send when nothing went unanswered (/canbo), and the words "gap can bo" start it too', async () => {
    const u = 8102;
    expect((await tgSay(u, '/canbo')).params.text).toBe(caseChatTexts.handoffAsk);
    expect((await tgSay(u, 'Xin lịch tiếp công dân tháng 12')).params.text).toContain('Mã hồ sơ:');
    // "gửi" typed at the confirmation sends the offered question, not the word.
    await tgSay(u, NOT_FOUND);
    expect((await tgSay(u, '/canbo')).params.text).toBe(caseChatTexts.handoffConfirm(NOT_FOUND));
    expect((await tgSay(u, 'Gửi')).params.text).toContain('Mã hồ sơ:');
    expect(cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) })[0].text).toBe(NOT_FOUND);
    expect((await tgSay(u, 'gap can bo')).params.text).toBe(caseChatTexts.handoffAsk);
    expect((await tgSay(u, '/huy')).params.text).toBe(botTexts.cancelled);
    expect(cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) })).toHaveLength(2);
  });

  it('takes a report with a category, a shared location, a photo and a description, and gives its number', async () => {
    const u = 8103;
    const categories = await tgSay(u, '/phananh');
    expect(categories.params.text).toBe(caseChatTexts.reportChooseCategory);
    const place = await tgPress(u, categories, 'Đèn đường');
    expect(place.params.text).toBe(caseChatTexts.reportAskPlaceOrLocation);
    expect(place.params.reply_markup.keyboard[0][0]).toMatchObject({ text: caseChatTexts.locationButton, request_location: true });
    let mark = tg.calls.length;
    tg.pushUpdate(messageUpdate(u, person(u), { location: { latitude: 22.1471, longitude: 105.8348 } }));
    const [noted, wards] = await sentSince(u, mark, 2);
    expect(noted.params).toMatchObject({ text: caseChatTexts.placeNoted(true), reply_markup: { remove_keyboard: true } });
    expect(wards.params.text).toBe(caseChatTexts.reportChooseWard);
    const photos = await tgPress(u, wards, 'Sông Cầu');
    expect(photos.params.text).toBe(caseChatTexts.reportAskPhotos(2));
    tg.setFile('photo-big', JPEG, 'photos/file_1.jpg');
    const kept = await tgSend(u, {
      photo: [{ file_id: 'photo-big', file_unique_id: 'pb', width: 800, height: 600, file_size: JPEG.length }],
    });
    expect(kept.params.text).toBe(caseChatTexts.reportPhotoKept(1, 2));
    // A file that only claims to be a photo is refused by its bytes.
    tg.setFile('fake-photo', Buffer.from('%PDF-1.4 not a photo'), 'documents/file_2.jpg');
    const refused = await tgSend(u, {
      document: { file_id: 'fake-photo', file_unique_id: 'fp', file_name: 'anh.jpg', mime_type: 'image/jpeg' },
    });
    expect(refused.params.text).toBe(caseChatTexts.reportPhotoRefused(caseTexts.photoNotAPhoto));
    const describe = await tgPress(u, kept, caseChatTexts.done);
    expect(describe.params.text).toBe(caseChatTexts.reportAskDescription);
    const preview = await tgSay(u, 'Đèn đường tắt cả tuần ở ngõ 5 Trường Chinh');
    expect(preview.params.text).toContain('• Loại: Đèn đường');
    expect(preview.params.text).toContain('• Phường/xã: Sông Cầu');
    expect(preview.params.text).toContain('• Ảnh: 1');
    mark = tg.calls.length;
    const opened = await tgPress(u, preview, caseChatTexts.reportSend);
    const [report] = cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) });
    expect(opened.params.text).toContain(`Mã phản ánh: ${report.number}`);
    expect(report).toMatchObject({
      kind: 'report',
      category: 'den-duong',
      ward: 'Sông Cầu',
      location: { latitude: 22.1471, longitude: 105.8348 },
      text: 'Đèn đường tắt cả tuần ở ngõ 5 Trường Chinh',
    });
    expect(report.photos).toHaveLength(1);
    expect(cases.photo(report.photos[0].id)?.bytes.equals(JPEG)).toBe(true);
  });

  it("puts a staff member's reply to the group's post into the case; the resident gets it; a resident there is refused", async () => {
    const u = 8104;
    await tgSay(u, '/canbo');
    await tgSay(u, 'Đường Trường Chinh bao giờ trải nhựa lại?');
    const [c] = cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) });
    const post = (await tgPushed(STAFF_GROUP, c.number)).result;
    const hoa = { id: STAFF, first_name: 'Chị Hoa' };
    const confirmed = await tgSay(STAFF_GROUP, 'Quý 2 năm sau anh nhé.', { reply_to_message: post }, hoa);
    expect(confirmed.params.text).toBe(caseTexts.staffReplySent(c.number));
    expect(cases.entries(c.id, { notes: false })).toEqual([
      expect.objectContaining({ kind: 'staff', author: 'Chị Hoa', text: 'Quý 2 năm sau anh nhé.' }),
    ]);
    const pushed = await tgPushed(u, 'Quý 2 năm sau anh nhé.');
    expect(pushed.params.text).toBe(caseTexts.staffReplied(c.number, core.config.city.name, 'Quý 2 năm sau anh nhé.'));

    const refused = await tgSay(STAFF_GROUP, 'Tôi trả lời thay!', { reply_to_message: post }, { id: 8999, first_name: 'Người lạ' });
    expect(refused.params.text).toBe(botTexts.notAllowed);
    expect(cases.entries(c.id, { notes: false })).toHaveLength(1);
    expect(core.store.access.auditTrail(20).find((e) => e.userId === '8999')).toMatchObject({ action: 'case-reply', allowed: false });

    // The resident answers by replying to the pushed reply: it goes into the case and to the group.
    expect((await tgSay(u, 'Cảm ơn chị', { reply_to_message: pushed.result })).params.text).toBe(caseTexts.residentMessageAdded(c.number));
    expect((await tgPushed(STAFF_GROUP, 'Cảm ơn chị')).params.text).toBe(caseTexts.staffResidentWrote(c.number, 'Cảm ơn chị'));

    // /xuly changes the status from the group, and the resident hears of it.
    const changed = await tgSay(STAFF_GROUP, `/xuly ${c.number} đang xử lý`, {}, hoa);
    expect(changed.params.text).toBe(caseChatTexts.staffStatusChanged(c.number, 'in_progress'));
    expect(cases.get(c.id)?.status).toBe('in_progress');
    await tgPushed(u, caseTexts.statusChanged(c.number, 'in_progress'));
    expect((await tgSay(STAFF_GROUP, '/xuly BK-999999 đã xử lý', {}, hoa)).params.text).toBe(caseTexts.caseNotFound);
    expect((await tgSay(STAFF_GROUP, `/xuly ${c.number}`, {}, hoa)).params.text).toBe(caseChatTexts.staffStatusUsage);
  });

  it('follows, writes into a case by its number or by replying to its notice, and rates it once with the buttons', async () => {
    const u = 8105;
    await tgSay(u, '/canbo');
    await tgSay(u, 'Hỏi về giấy phép sửa nhà');
    const [c] = cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) });
    expect((await tgSay(u, '/theodoi')).params.text).toContain(`• ${c.number}: mới — Hỏi về giấy phép sửa nhà`);
    expect((await tgSay(u, `${c.number} tới đâu rồi?`)).params.text).toContain(`Hồ sơ ${c.number}: mới.`);
    expect((await tgSay(u, `${c.number} nhà tôi ở tổ 3`)).params.text).toBe(caseTexts.residentMessageAdded(c.number));
    // A reply to the bot's message about the case goes into it.
    const notice = {
      message_id: 91,
      date: 0,
      chat: { id: u, type: 'private' },
      from: { id: tg.bot.id, is_bot: true, first_name: 'CivicBot' },
      text: caseTexts.staffReplied(c.number, 'Bắc Kạn', 'Anh gửi thêm sổ đỏ nhé'),
    };
    expect((await tgSay(u, 'Vâng, tôi gửi bản chụp sau', { reply_to_message: notice })).params.text).toBe(
      caseTexts.residentMessageAdded(c.number),
    );
    expect(cases.entries(c.id, { notes: false }).map((e) => e.text)).toEqual(['nhà tôi ở tổ 3', 'Vâng, tôi gửi bản chụp sau']);

    // Closing, as the console does it: the status, then the rating question with its buttons.
    cases.changeStatus(c.id, 'closed', 'Chị Hoa');
    await tgPushed(u, caseTexts.statusChanged(c.number, 'closed'));
    const ask = await tgPushed(u, caseTexts.askRating(c.number));
    expect(buttons(ask).map((b) => b.text)).toEqual(['1 ⭐', '2 ⭐', '3 ⭐', '4 ⭐', '5 ⭐']);
    expect((await tgPress(u, ask, '4 ⭐')).params.text).toBe(caseTexts.ratingThanks(4));
    expect((await tgPress(u, ask, '5 ⭐')).params.text).toBe(caseTexts.ratingRefused);
    expect(cases.get(c.id)?.rating).toBe(4);
  });

  /** A "Rác thải" report at a typed `address`, no ward: at its photo step. */
  const tgReportToPhotos = async (u: number, address: string) => {
    const categories = await tgSay(u, '/phananh');
    await tgPress(u, categories, 'Rác thải');
    const mark = tg.calls.length;
    tg.pushUpdate(tgText(u, person(u), address));
    const [, wards] = await sentSince(u, mark, 2);
    await tgPress(u, wards, caseChatTexts.skip);
  };

  it('asks to be written to privately when a group asks for a person or a report', async () => {
    expect((await tgSay(-600, `@${tg.bot.username} gặp cán bộ`, {}, person(8107))).params.text).toBe(caseChatTexts.privateOnly);
    expect((await tgSay(-600, `/phananh@${tg.bot.username}`, {}, person(8107))).params.text).toBe(caseChatTexts.privateOnly);
    expect(cases.forResident({ channel: 'telegram', chatId: '-600', userId: '8107' })).toEqual([]);
  });

  it("takes a photo's caption as the report's description", async () => {
    const u = 8108;
    await tgReportToPhotos(u, '3 Nguyễn Văn Tố');
    tg.setFile('photo-caption', PNG, 'photos/file_9.png');
    const kept = await tgSend(u, {
      photo: [{ file_id: 'photo-caption', file_unique_id: 'pc', width: 1, height: 1 }],
      caption: 'Rác đổ trộm cạnh cột điện',
    });
    const preview = await tgPress(u, kept, caseChatTexts.done);
    expect(preview.params.text).toContain('Rác đổ trộm cạnh cột điện');
    await tgPress(u, preview, caseChatTexts.reportSend);
    const [report] = cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) });
    expect(report).toMatchObject({ kind: 'report', text: 'Rác đổ trộm cạnh cột điện' });
  });

  it('cancels a report half-way and removes its photos', async () => {
    const u = 8106;
    await tgReportToPhotos(u, '12 Trường Chinh');
    tg.setFile('photo-2', PNG, 'photos/file_3.png');
    await tgSend(u, { photo: [{ file_id: 'photo-2', file_unique_id: 'p2', width: 1, height: 1 }] });
    const dir = path.join(core.config.paths.data, 'case-photos');
    const before = fs.readdirSync(dir).length;
    expect((await tgSay(u, 'Hủy')).params).toMatchObject({ text: botTexts.cancelled, reply_markup: { remove_keyboard: true } });
    expect(fs.readdirSync(dir).length).toBe(before - 1);
    expect(cases.forResident({ channel: 'telegram', chatId: String(u), userId: String(u) })).toEqual([]);
  });
});

// ── Zalo ──────────────────────────────────────────────────────────────────────────────────────
const zaloSay = async (chatId: string, text: string, replies = 1) => {
  const before = zalo.sent(chatId).length;
  zalo.pushUpdate(zaloText(chatId, text));
  return (await zalo.waitForSent(chatId, before + replies, 10_000)).slice(before);
};
const zaloPhoto = async (chatId: string, url: string, replies = 1) => {
  const before = zalo.sent(chatId).length;
  zalo.pushUpdate(imageUpdate(chatId, { photoUrl: url }));
  return (await zalo.waitForSent(chatId, before + replies, 10_000)).slice(before);
};

describe('Zalo: cases', () => {
  it('hints at a person under a not-found answer; "gặp cán bộ" offers the question and "gửi" sends it', async () => {
    const chat = 'zc1';
    const [answer] = await zaloSay(chat, NOT_FOUND);
    expect(answer).toContain(caseChatTexts.handoffHint);
    const [confirm] = await zaloSay(chat, 'gặp cán bộ');
    expect(confirm).toContain(caseChatTexts.handoffConfirm(NOT_FOUND));
    const [opened] = await zaloSay(chat, 'gửi');
    const [c] = cases.forResident({ channel: 'zalo', chatId: chat, userId: chat });
    expect(c).toMatchObject({ kind: 'question', text: NOT_FOUND });
    expect(opened).toContain(`Mã hồ sơ: ${c.number}`);
  });

  it('takes a report with numbers, a typed address, a photo by its URL and a description', async () => {
    const chat = 'zc2';
    const [categories] = await zaloSay(chat, 'phan anh');
    expect(categories).toContain('3. Đèn đường');
    expect(await zaloSay(chat, '4')).toEqual([zaloCaseTexts.reportAskPlace]);
    const [wards] = await zaloSay(chat, 'Ngã tư Phùng Chí Kiên – Trường Chinh');
    expect(wards).toContain('1. Đức Xuân');
    expect((await zaloSay(chat, '1'))[0]).toContain('tối đa 2 ảnh');
    expect(await zaloPhoto(chat, zalo.setPhoto('ngap.png', PNG))).toEqual([expect.stringContaining('Đã nhận ảnh 1/2')]);
    expect(await zaloPhoto(chat, zalo.setPhoto('gia.jpg', Buffer.from('GIF89a? no, text')))).toEqual([
      expect.stringContaining(caseTexts.photoNotAPhoto),
    ]);
    expect(await zaloPhoto(chat, `${zalo.apiRoot}/photos/khong-con.jpg`)).toEqual([
      expect.stringContaining(caseChatTexts.photoUnavailable),
    ]);
    // The second photo is the last one allowed: the description is asked at once.
    expect(await zaloPhoto(chat, zalo.setPhoto('ngap2.jpg', JPEG), 2)).toEqual([
      expect.stringContaining('Đã nhận ảnh 2/2'),
      caseChatTexts.reportAskDescription,
    ]);
    const [preview] = await zaloSay(chat, 'Nước ngập nửa bánh xe sau mưa');
    expect(preview).toContain('• Loại: Ngập úng');
    expect(preview).toContain('• Địa điểm: Ngã tư Phùng Chí Kiên – Trường Chinh');
    const [opened] = await zaloSay(chat, 'gửi');
    const [c] = cases.forResident({ channel: 'zalo', chatId: chat, userId: chat });
    expect(opened).toContain(`Mã phản ánh: ${c.number}`);
    expect(c).toMatchObject({ category: 'ngap-ung', ward: 'Đức Xuân', address: 'Ngã tư Phùng Chí Kiên – Trường Chinh' });
    expect(c.photos.map((p) => p.mime)).toEqual(['image/png', 'image/jpeg']);
  });

  it("takes a photo's caption as the report's description", async () => {
    const chat = 'zc5';
    await zaloSay(chat, 'phan anh');
    await zaloSay(chat, '4');
    await zaloSay(chat, 'Ngõ 7 Đức Xuân');
    await zaloSay(chat, '1');
    const before = zalo.sent(chat).length;
    zalo.pushUpdate(imageUpdate(chat, { photoUrl: zalo.setPhoto('ngo7.png', PNG), caption: 'Nước ngập ngang gối' }));
    await zalo.waitForSent(chat, before + 1, 10_000);
    const [preview] = await zaloSay(chat, 'xong');
    expect(preview).toContain('Nước ngập ngang gối');
    await zaloSay(chat, 'gửi');
    const [c] = cases.forResident({ channel: 'zalo', chatId: chat, userId: chat });
    expect(c).toMatchObject({ kind: 'report', text: 'Nước ngập ngang gối' });
  });

  it('follows, writes into a case, and rates it with a bare number after it closes', async () => {
    const chat = 'zc3';
    await zaloSay(chat, 'gap can bo');
    await zaloSay(chat, 'Xin hỏi thủ tục đăng ký tạm trú');
    const [c] = cases.forResident({ channel: 'zalo', chatId: chat, userId: chat });
    expect((await zaloSay(chat, 'theo dõi'))[0]).toContain(`• ${c.number}: mới`);
    expect((await zaloSay(chat, `phản ánh ${c.number} tới đâu rồi`))[0]).toContain(`Hồ sơ ${c.number}: mới.`);
    expect(await zaloSay(chat, `${c.number} cảm ơn, tôi ở tổ 5`)).toEqual([caseTexts.residentMessageAdded(c.number)]);
    // A reply from the console and the closing reach the Zalo chat through the outbox.
    const before = zalo.sent(chat).length;
    cases.staffReply(c.id, 'Anh Minh', 'Chị mang CCCD tới công an phường nhé.');
    cases.changeStatus(c.id, 'closed', 'Anh Minh');
    expect((await zalo.waitForSent(chat, before + 3, 10_000)).slice(before)).toEqual([
      caseTexts.staffReplied(c.number, core.config.city.name, 'Chị mang CCCD tới công an phường nhé.'),
      caseTexts.statusChanged(c.number, 'closed'),
      caseTexts.askRating(c.number),
    ]);
    expect(await zaloSay(chat, '5')).toEqual([caseTexts.ratingThanks(5)]);
    expect(await zaloSay(chat, `${c.number} đánh giá 1`)).toEqual([caseTexts.ratingRefused]);
    expect(cases.get(c.id)?.rating).toBe(5);
  });

  it('asks to be written to privately when a group asks for a person', async () => {
    const before = zalo.sent('zg1').length;
    zalo.pushUpdate(zaloText('zg1', '@bot.civic gặp cán bộ', { group: true, userId: 'zu1' }));
    expect((await zalo.waitForSent('zg1', before + 1, 10_000)).slice(before)).toEqual([caseChatTexts.privateOnly]);
  });

  it("leaves the report for another command, and deletes the cases with the resident's data", async () => {
    const chat = 'zc4';
    await zaloSay(chat, 'phản ánh');
    expect((await zaloSay(chat, 'hướng dẫn'))[0]).toBe(botTexts.help(zaloActions));
    // The words of another case action leave a flow too: nothing is sent in their place.
    await zaloSay(chat, 'gặp cán bộ');
    expect(await zaloSay(chat, 'theo dõi')).toEqual([caseTexts.unknownCase()]);
    await zaloSay(chat, 'gặp cán bộ');
    await zaloSay(chat, 'Câu hỏi riêng tư của tôi');
    const [c] = cases.forResident({ channel: 'zalo', chatId: chat, userId: chat });
    expect(cases.forResident({ channel: 'zalo', chatId: chat, userId: chat })).toHaveLength(1);
    await zaloSay(chat, 'xóa dữ liệu');
    expect(await zaloSay(chat, 'xóa')).toEqual([botTexts.forgotten]);
    expect(cases.get(c.id)).toMatchObject({ anonymized: true });
    expect(cases.get(c.id)?.text).not.toContain('riêng tư');
  });
});
