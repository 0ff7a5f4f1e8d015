// The channel-neutral case flows (HandoffFlow, ReportFlow, CaseDesk) over a real CaseService, store
// and photo folder, with a recording outbox: what every channel renders.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CASES } from '../src/city-file.js';
import { CaseDesk, statusNamed } from '../src/core/case-desk.js';
import { CaseService, type Notice } from '../src/core/case-service.js';
import { ForgetFlow } from '../src/core/forget-flow.js';
import { HandoffFlow } from '../src/core/handoff-flow.js';
import { ReportFlow } from '../src/core/report-flow.js';
import { ResidentService } from '../src/core/resident-service.js';
import { PhotoFiles } from '../src/db/case-photos.js';
import { Store } from '../src/db/store.js';
import type { ChatRef, City } from '../src/domain/index.js';
import { PersonError } from '../src/domain/index.js';
import { createLogger } from '../src/logger.js';
import { caseTexts } from '../src/texts/cases.js';
import { JPEG, PNG } from './fixtures/images.js';

const MONDAY_9AM = Date.UTC(2026, 11, 1, 2, 0);
const city: City = {
  name: 'Thử',
  wards: [
    { name: 'Sông Cầu', formerNames: [] },
    { name: 'Đức Xuân', formerNames: [] },
  ],
  topics: [],
  exampleQuestion: '',
  offices: [],
  cases: { ...DEFAULT_CASES, prefix: 'BK' },
};
const lan: ChatRef = { channel: 'zalo', chatId: 'z42', userId: 'z42', displayName: 'Lan' };
const logger = createLogger({ level: 'silent' });

let dir: string;
let store: Store;
let notices: Notice[];
let now: number;
let photos: PhotoFiles;
let cases: CaseService;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicbot-case-flows-'));
  store = Store.open(':memory:');
  notices = [];
  now = MONDAY_9AM;
  photos = new PhotoFiles(path.join(dir, 'photos'), 4096);
  cases = new CaseService({
    store,
    city,
    photos,
    outbox: { enqueue: (n) => notices.push(n), wake: () => undefined },
    logger,
    limits: { dailyLimit: 3, maxPhotos: 2 },
    staffGroup: { channel: 'telegram', chatId: '-100' },
    now: () => now,
  });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const photoFiles = () => (fs.existsSync(photos.dir) ? fs.readdirSync(photos.dir) : []);

describe('HandoffFlow', () => {
  const flow = () => new HandoffFlow({ kv: store.kv, cases, now: () => now });

  it('offers the last unanswered question, sends it on confirmation and tells the number', () => {
    const f = flow();
    expect(f.remember(lan, 'Khi nào cấp lại sổ đỏ?', 'not_found')).toBe(true);
    expect(f.start(lan)).toEqual({ kind: 'confirm', question: 'Khi nào cấp lại sổ đỏ?' });
    const opened = f.handle(lan, { kind: 'confirm' });
    expect(opened).toMatchObject({ kind: 'opened', number: 'BK-000001' });
    expect(opened?.kind === 'opened' && opened.text).toContain('Mã hồ sơ: BK-000001');
    expect(cases.get(1)).toMatchObject({ kind: 'question', text: 'Khi nào cấp lại sổ đỏ?', chatId: 'z42' });
    expect(notices[0]).toMatchObject({ chatId: '-100' });
    // Sent once: the next start asks what to send.
    expect(f.start(lan)).toEqual({ kind: 'ask-text' });
  });

  it('sends another text typed instead of the offered one; an answered question is no longer offered', () => {
    const f = flow();
    f.remember(lan, 'Thời tiết mai thế nào?', 'refused');
    f.start(lan);
    expect(f.handle(lan, { kind: 'text', text: 'Xin hỏi lịch tiếp dân tháng này' })).toMatchObject({ kind: 'opened' });
    expect(cases.get(1)?.text).toBe('Xin hỏi lịch tiếp dân tháng này');
    f.remember(lan, 'Câu không có trả lời', 'not_found');
    expect(f.remember(lan, 'Cầu Đội Kỳ xong chưa?', 'answered')).toBe(false);
    expect(f.start(lan)).toEqual({ kind: 'ask-text' });
  });

  it('cancels without a case, asks again on an empty text, and says the daily limit in Vietnamese', () => {
    const f = flow();
    f.start(lan);
    expect(f.handle(lan, { kind: 'text', text: '   ' })).toEqual({ kind: 'again', screen: { kind: 'ask-text' } });
    expect(f.handle(lan, { kind: 'cancel' })).toEqual({ kind: 'cancelled' });
    expect(f.handle(lan, { kind: 'text', text: 'muộn' })).toBeUndefined();
    expect(cases.forResident(lan)).toEqual([]);
    for (let i = 0; i < 3; i++) {
      f.start(lan);
      f.handle(lan, { kind: 'text', text: `câu ${i}` });
    }
    f.start(lan);
    expect(f.handle(lan, { kind: 'text', text: 'câu thứ tư' })).toEqual({ kind: 'refused', text: caseTexts.limitReached(3) });
  });
});

describe('ReportFlow', () => {
  const flow = (maxPhotos = 2, c: City = city) =>
    new ReportFlow({ city: c, kv: store.kv, cases, maxPhotos, now: () => now, ttlMs: 60_000 });
  /** A report of the "khác" category at `address`, no ward: at its photo step. */
  const toPhotoStep = async (f: ReportFlow, address: string) => {
    f.start(lan);
    await f.handle(lan, { kind: 'pick', value: 'khac' });
    await f.handle(lan, { kind: 'text', text: address });
    await f.handle(lan, { kind: 'skip' });
  };

  it('walks category → place → ward → photos → description → preview → a case number', async () => {
    const f = flow();
    const first = f.start(lan);
    expect(first.kind === 'choose-category' && first.options.map((o) => o.label)).toContain('Đèn đường');
    expect(await f.handle(lan, { kind: 'pick', value: 'den-duong' })).toEqual({ kind: 'ask-place' });
    const wards = await f.handle(lan, { kind: 'location', location: { latitude: 22.15, longitude: 105.83 } });
    expect(wards).toMatchObject({ kind: 'choose-ward', options: [{ value: 'Sông Cầu' }, { value: 'Đức Xuân' }] });
    // A ward typed without diacritics is the ward.
    expect(await f.handle(lan, { kind: 'text', text: 'duc xuan' })).toEqual({ kind: 'ask-photos', max: 2 });
    expect(await f.handle(lan, { kind: 'photo', bytes: async () => PNG })).toEqual({ kind: 'photo-kept', count: 1, max: 2 });
    expect(await f.handle(lan, { kind: 'photo', bytes: async () => JPEG })).toEqual({
      kind: 'photo-kept',
      count: 2,
      max: 2,
      next: { kind: 'ask-description' },
    });
    const preview = await f.handle(lan, { kind: 'text', text: 'Đèn tắt cả tuần ở ngõ 5' });
    expect(preview).toMatchObject({
      kind: 'preview',
      preview: { category: 'Đèn đường', ward: 'Đức Xuân', photos: 2, description: 'Đèn tắt cả tuần ở ngõ 5' },
    });
    expect(preview?.kind === 'preview' && preview.preview.place).toContain('openstreetmap.org/?mlat=22.15&mlon=105.83');
    const opened = await f.handle(lan, { kind: 'confirm' });
    expect(opened).toMatchObject({ kind: 'opened', number: 'BK-000001' });
    expect(cases.get(1)).toMatchObject({
      kind: 'report',
      category: 'den-duong',
      ward: 'Đức Xuân',
      location: { latitude: 22.15, longitude: 105.83 },
      text: 'Đèn tắt cả tuần ở ngõ 5',
    });
    expect(cases.get(1)?.photos.map((p) => p.mime)).toEqual(['image/png', 'image/jpeg']);
    expect(f.state(lan)).toBeUndefined();
  });

  it('takes a typed address, skips the ward and photos, and asks again for what a step cannot take', async () => {
    const f = flow();
    f.start(lan);
    expect(await f.handle(lan, { kind: 'text', text: 'không có loại này' })).toMatchObject({ kind: 'again' });
    await f.handle(lan, { kind: 'text', text: 'rac thai' });
    await f.handle(lan, { kind: 'text', text: '12 Trường Chinh' });
    expect(await f.handle(lan, { kind: 'skip' })).toEqual({ kind: 'ask-photos', max: 2 });
    expect(await f.handle(lan, { kind: 'text', text: 'chữ ở bước ảnh' })).toMatchObject({ kind: 'again', screen: { kind: 'ask-photos' } });
    expect(await f.handle(lan, { kind: 'skip' })).toEqual({ kind: 'ask-description' });
    await f.handle(lan, { kind: 'text', text: 'Rác đổ trộm đầu ngõ' });
    expect(await f.handle(lan, { kind: 'text', text: 'không phải xác nhận' })).toMatchObject({
      kind: 'again',
      screen: { kind: 'preview' },
    });
    expect(await f.handle(lan, { kind: 'confirm' })).toMatchObject({ kind: 'opened' });
    expect(cases.get(1)).toMatchObject({ category: 'rac-thai', address: '12 Trường Chinh', ward: undefined, photos: [] });
  });

  it("takes a photo's caption as the description: the resident is not asked again, and the preview shows it", async () => {
    const f = flow();
    await toPhotoStep(f, 'Ngõ 5 Trường Chinh');
    expect(await f.handle(lan, { kind: 'photo', caption: '  Ống nước vỡ  ', bytes: async () => PNG })).toEqual({
      kind: 'photo-kept',
      count: 1,
      max: 2,
    });
    const last = await f.handle(lan, { kind: 'photo', caption: 'Nước tràn ra đường', bytes: async () => JPEG });
    expect(last).toMatchObject({
      kind: 'photo-kept',
      count: 2,
      next: { kind: 'preview', preview: { description: 'Ống nước vỡ\nNước tràn ra đường' } },
    });
    expect(await f.handle(lan, { kind: 'confirm' })).toMatchObject({ kind: 'opened' });
    expect(cases.get(1)).toMatchObject({ text: 'Ống nước vỡ\nNước tràn ra đường' });

    // Photos without captions, then "done": the description is asked for as before.
    await toPhotoStep(f, 'Chợ');
    await f.handle(lan, { kind: 'photo', caption: '   ', bytes: async () => PNG });
    expect(await f.handle(lan, { kind: 'confirm' })).toEqual({ kind: 'ask-description' });
  });

  it('refuses a file that is not a photo with a clear message and keeps going', async () => {
    const f = flow();
    await toPhotoStep(f, 'Chợ cũ');
    expect(await f.handle(lan, { kind: 'photo', bytes: async () => Buffer.from('%PDF-1.4 giấy tờ') })).toEqual({
      kind: 'photo-refused',
      reason: caseTexts.photoNotAPhoto,
    });
    expect(await f.handle(lan, { kind: 'photo', bytes: async () => Buffer.alloc(5000, 1) })).toMatchObject({ kind: 'photo-refused' });
    const failed = await f.handle(lan, {
      kind: 'photo',
      bytes: async () => {
        throw new PersonError('Không nhận được ảnh: lỗi mạng.');
      },
    });
    expect(failed).toEqual({ kind: 'photo-refused', reason: 'Không nhận được ảnh: lỗi mạng.' });
    expect(photoFiles()).toEqual([]);
    expect(await f.handle(lan, { kind: 'photo', bytes: async () => PNG })).toMatchObject({ kind: 'photo-kept', count: 1 });
  });

  it('discards the kept photos when cancelled, abandoned, expired, or when the resident deletes their data', async () => {
    const toPhotos = async (f: ReportFlow, ref: ChatRef) => {
      f.start(ref);
      await f.handle(ref, { kind: 'pick', value: 'khac' });
      await f.handle(ref, { kind: 'text', text: 'Đâu đó' });
      await f.handle(ref, { kind: 'skip' });
      await f.handle(ref, { kind: 'photo', bytes: async () => PNG });
    };
    const f = flow();
    await toPhotos(f, lan);
    expect(photoFiles()).toHaveLength(1);
    expect(await f.handle(lan, { kind: 'cancel' })).toEqual({ kind: 'cancelled' });
    expect(photoFiles()).toEqual([]);

    await toPhotos(f, lan);
    now += 61_000;
    expect(await f.handle(lan, { kind: 'skip' })).toBeUndefined();
    expect(photoFiles()).toEqual([]);

    // Nobody came back: the next report started on the channel sweeps it.
    const other: ChatRef = { ...lan, chatId: 'z43', userId: 'z43' };
    await toPhotos(f, other);
    now += 61_000;
    f.start(lan);
    expect(photoFiles()).toEqual([]);
    expect(store.kv.keys('zalo:z43:')).toEqual([]);

    const residents = new ResidentService({ store, knowledge: {} as never, config: {} as never, logger, photos });
    const forget = new ForgetFlow({ kv: store.kv, residents, drafts: [f] });
    await toPhotos(f, other);
    expect(photoFiles()).toHaveLength(1);
    forget.start(other);
    expect(forget.handle(other, { kind: 'confirm' })).toEqual({ kind: 'forgotten' });
    expect(photoFiles()).toEqual([]);
  });

  it('skips the ward step in a city without wards and the photo step when photos are off', async () => {
    const f = flow(0, { ...city, wards: [] });
    f.start(lan);
    await f.handle(lan, { kind: 'pick', value: 'ngap-ung' });
    expect(await f.handle(lan, { kind: 'text', text: 'Ngã tư Phùng Chí Kiên' })).toEqual({ kind: 'ask-description' });
  });

  it('discards the photos when the service refuses the report (daily limit)', async () => {
    const f = flow();
    for (let i = 0; i < 3; i++) cases.openQuestion(lan, `câu ${i}`);
    await toPhotoStep(f, 'Chợ');
    await f.handle(lan, { kind: 'photo', bytes: async () => PNG });
    await f.handle(lan, { kind: 'skip' });
    await f.handle(lan, { kind: 'text', text: 'Mô tả' });
    expect(await f.handle(lan, { kind: 'confirm' })).toEqual({ kind: 'refused', text: caseTexts.limitReached(3) });
    expect(photoFiles()).toEqual([]);
  });
});

describe('CaseDesk', () => {
  const desk = () => new CaseDesk(cases, 'BK', () => now);

  it('reads keywords with or without diacritics, case numbers, status questions, writing and rating', () => {
    const d = desk();
    expect(d.read(lan, 'Gặp cán bộ')).toEqual({ kind: 'handoff' });
    expect(d.read(lan, 'gap can bo!')).toEqual({ kind: 'handoff' });
    expect(d.read(lan, 'phan anh')).toEqual({ kind: 'report' });
    expect(d.read(lan, 'theo dõi')).toEqual({ kind: 'follow', text: '' });
    expect(d.read(lan, 'BK-000123')).toEqual({ kind: 'follow', text: 'BK-000123' });
    expect(d.read(lan, 'phản ánh BK-000123 tới đâu rồi')).toEqual({ kind: 'follow', text: 'phản ánh BK-000123 tới đâu rồi' });
    expect(d.read(lan, 'bk 123 xử lý chưa?')).toMatchObject({ kind: 'follow' });
    expect(d.read(lan, 'BK-000123 cảm ơn, tối nay đèn lại tắt')).toEqual({
      kind: 'write',
      caseId: 123,
      text: 'cảm ơn, tối nay đèn lại tắt',
    });
    expect(d.read(lan, 'BK-000123: đánh giá 5')).toEqual({ kind: 'rate', caseId: 123, rating: 5 });
    expect(d.read(lan, 'bk123 danh gia 4 sao')).toEqual({ kind: 'rate', caseId: 123, rating: 4 });
    // Questions stay questions; a bare number is no rating while nothing waits for one.
    expect(d.read(lan, 'Cầu Đội Kỳ đã xong chưa?')).toBeUndefined();
    expect(d.read(lan, 'gặp cán bộ phường để hỏi gì?')).toBeUndefined();
    expect(d.read(lan, '5')).toBeUndefined();
  });

  it('answers follow, write and rate with the service, and a bare number rates the case just closed', () => {
    const d = desk();
    const { case: c } = cases.openQuestion(lan, 'Hỏi về đèn đường');
    expect(d.reply(lan, { kind: 'follow', text: '' })).toContain('• BK-000001: mới');
    expect(d.reply(lan, { kind: 'write', caseId: c.id, text: 'Thêm: ngõ 7 nữa' })).toContain('Đã gửi thêm');
    expect(d.reply(lan, { kind: 'write', caseId: c.id, text: ' ' })).toBe(caseTexts.emptyText);
    cases.changeStatus(c.id, 'closed', 'An');
    expect(d.read(lan, '5')).toEqual({ kind: 'rate', caseId: c.id, rating: 5 });
    expect(d.reply(lan, { kind: 'rate', caseId: c.id, rating: 5 })).toBe(caseTexts.ratingThanks(5));
    expect(d.read(lan, '5')).toBeUndefined();
    expect(d.reply(lan, { kind: 'rate', caseId: c.id, rating: 1 })).toBe(caseTexts.ratingRefused);
  });

  it('reads a status staff name by its Vietnamese label, with or without diacritics', () => {
    expect(statusNamed('BK-000123 đang xử lý')).toBe('in_progress');
    expect(statusNamed('bk 123 da xu ly')).toBe('resolved');
    expect(statusNamed('BK-1 Không thuộc thẩm quyền')).toBe('out_of_scope');
    expect(statusNamed('BK-1 đã tiếp nhận')).toBe('accepted');
    expect(statusNamed('BK-1 closed')).toBe('closed');
    expect(statusNamed('BK-1 xong rồi')).toBeUndefined();
  });
});
