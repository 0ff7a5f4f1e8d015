import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CASES } from '../src/city-file.js';
import { CaseError, CaseService, type Notice } from '../src/core/case-service.js';
import { ResidentService } from '../src/core/resident-service.js';
import { PhotoFiles } from '../src/db/case-photos.js';
import { Store } from '../src/db/store.js';
import { type ChatRef, type City, caseIdIn, nextWorkingStart, withinWorkingHours } from '../src/domain/index.js';
import { createLogger } from '../src/logger.js';
import { JPEG, PNG } from './fixtures/images.js';

// Monday 1 December 2026, 09:00 in the city (UTC+7).
const MONDAY_9AM = Date.UTC(2026, 11, 1, 2, 0);
const city: City = {
  name: 'Thử',
  wards: [{ name: 'Sông Cầu', formerNames: [] }],
  topics: [],
  exampleQuestion: '',
  offices: [],
  cases: { ...DEFAULT_CASES, prefix: 'BK' },
};
const resident: ChatRef = { channel: 'telegram', chatId: '42', userId: '42', displayName: 'Lan' };
const neighbour: ChatRef = { channel: 'telegram', chatId: '43', userId: '43' };

describe('CaseService', () => {
  let dir: string;
  let store: Store;
  let notices: Notice[];
  let wakes: number;
  let now: number;
  const service = (over: Partial<ConstructorParameters<typeof CaseService>[0]> = {}) =>
    new CaseService({
      store,
      city,
      photos: new PhotoFiles(path.join(dir, 'photos'), 1024),
      outbox: { enqueue: (n) => notices.push(n), wake: () => wakes++ },
      logger: createLogger({ level: 'silent' }),
      limits: { dailyLimit: 3, maxPhotos: 2 },
      staffGroup: { channel: 'telegram', chatId: '-100' },
      now: () => now,
      ...over,
    });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicbot-cases-'));
    store = Store.open(':memory:');
    notices = [];
    wakes = 0;
    now = MONDAY_9AM;
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens a question with a short number, tells when to expect a reply and posts it to the staff group', () => {
    const opened = service().openQuestion(resident, 'Khi nào sửa xong đường Trường Chinh?');
    expect(opened.case.number).toBe('BK-000001');
    expect(opened.text).toContain('BK-000001');
    expect(opened.text).toContain('trong giờ làm việc');
    expect(notices).toEqual([expect.objectContaining({ channel: 'telegram', chatId: '-100', key: 'case-1-opened' })]);
    expect(notices[0].text).toContain('Khi nào sửa xong đường Trường Chinh?');
    expect(wakes).toBeGreaterThan(0);
  });

  it('says when staff will look outside working hours', () => {
    now = Date.UTC(2026, 11, 5, 5, 0); // Saturday 12:00 in the city
    const opened = service().openQuestion(resident, 'Hỏi cán bộ');
    expect(opened.text).toContain('ngoài giờ làm việc');
    expect(opened.text).toContain('07/12/2026 07:30'); // Monday's opening
  });

  it('refuses a case past the daily limit, per person, and counts again a day later', () => {
    const s = service();
    for (let i = 0; i < 3; i++) s.openQuestion(resident, `câu ${i}`);
    expect(() => s.openQuestion(resident, 'thêm')).toThrow(CaseError);
    expect(() => s.openQuestion(resident, 'thêm')).toThrow(/3 yêu cầu/);
    expect(s.openQuestion(neighbour, 'của người khác').case.number).toBe('BK-000004');
    now += 24 * 3_600_000 + 1;
    expect(s.openQuestion(resident, 'hôm sau').case.number).toBe('BK-000005');
  });

  it('refuses empty and overlong texts with a Vietnamese reason', () => {
    expect(() => service().openQuestion(resident, '   ')).toThrow(/viết nội dung/);
    expect(() => service().openQuestion(resident, 'a'.repeat(2001))).toThrow(/2000 ký tự/);
  });

  it('keeps photos by their bytes, not their name, privately', async () => {
    const s = service();
    const photo = await s.keepPhoto(PNG);
    expect(photo.mime).toBe('image/png');
    expect((await s.keepPhoto(JPEG)).mime).toBe('image/jpeg');
    const file = path.join(dir, 'photos', photo.file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, 'photos')).mode & 0o777).toBe(0o700);
    await expect(s.keepPhoto(Buffer.from('%PDF-1.4 not a photo'))).rejects.toThrow(/không phải ảnh/);
    await expect(s.keepPhoto(Buffer.alloc(2048, 1))).rejects.toThrow(/lớn quá/);
    await expect(s.keepPhoto(Buffer.alloc(0))).rejects.toThrow(/trống/);
  });

  it('sweeps photos of reports never sent once they are a day old, never those of a case', async () => {
    const s = service();
    const sent = await s.keepPhoto(PNG);
    const abandoned = await s.keepPhoto(PNG);
    s.openReport(resident, { category: 'khac', description: 'x', photos: [sent] });
    // Written "now" on the test's clock.
    for (const p of [sent, abandoned]) fs.utimesSync(path.join(dir, 'photos', p.file), new Date(now), new Date(now));
    expect(s.sweepPhotos()).toBe(0); // both are new
    now += 25 * 3_600_000;
    expect(s.sweepPhotos()).toBe(1);
    expect(fs.existsSync(path.join(dir, 'photos', sent.file))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'photos', abandoned.file))).toBe(false);
  });

  it('opens a report with category, ward, place and photos; the due time follows the category', async () => {
    const s = service();
    const photo = await s.keepPhoto(PNG);
    const { case: c, text } = s.openReport(resident, {
      category: 'ngap-ung',
      ward: 'Sông Cầu',
      address: '12 Trường Chinh',
      location: { latitude: 22.147, longitude: 105.834 },
      description: 'Nước ngập nửa bánh xe',
      photos: [photo],
    });
    expect(text).toContain('Mã phản ánh: BK-000001');
    expect(c).toMatchObject({ kind: 'report', status: 'new', category: 'ngap-ung', ward: 'Sông Cầu', address: '12 Trường Chinh' });
    expect(c.dueAt - c.createdAt).toBe(24 * 3_600_000);
    expect(c.photos).toHaveLength(1);
    expect(s.photo(c.photos[0].id)?.bytes.equals(PNG)).toBe(true);
    expect(notices[0].text).toContain('openstreetmap.org/?mlat=22.147&mlon=105.834');
    expect(() => s.openReport(resident, { category: 'khong-co', description: 'x', photos: [] })).toThrow(/Loại phản ánh/);
    expect(() => s.openReport(resident, { category: 'khac', ward: 'Nơi khác', description: 'x', photos: [] })).toThrow(/Phường/);
    expect(() => s.openReport(resident, { category: 'khac', description: 'x', photos: [photo, photo, photo] })).toThrow(/tối đa 2 ảnh/);
  });

  it('pushes a staff reply and each status change to the resident, keyed so a retry writes them once', () => {
    const s = service();
    const { case: c } = s.openQuestion(resident, 'Hỏi về giấy phép');
    notices = [];
    now += 3_600_000;
    s.staffReply(c.id, 'Chị Hoa', 'Anh mang hồ sơ tới bộ phận một cửa nhé.');
    s.changeStatus(c.id, 'in_progress', 'Chị Hoa');
    expect(notices.map((n) => [n.chatId, n.key])).toEqual([
      ['42', 'case-1-entry-1'],
      ['42', `case-1-status-in_progress-${now}`],
    ]);
    expect(notices[0].text).toContain('Cán bộ thành phố Thử trả lời hồ sơ BK-000001');
    expect(notices[1].text).toContain('đang xử lý');
    expect(s.get(c.id)?.firstReplyAt).toBe(now);
    // The same status again changes nothing and says nothing.
    s.changeStatus(c.id, 'in_progress', 'Chị Hoa');
    expect(notices).toHaveLength(2);
  });

  it('asks for a rating once when the case ends, and keeps the first rating only', () => {
    const s = service();
    const { case: c } = s.openQuestion(resident, 'Hỏi');
    expect(s.rate(resident, c.id, 5)).toMatch(/chưa đóng/);
    s.changeStatus(c.id, 'closed', 'An');
    s.changeStatus(c.id, 'in_progress', 'An');
    s.changeStatus(c.id, 'closed', 'An');
    const asks = notices.filter((n) => n.actions);
    expect(asks).toHaveLength(1);
    expect(asks[0].actions?.map((a) => a.data)).toEqual([1, 2, 3, 4, 5].map((n) => `case-rate:1:${n}`));
    expect(s.rate(neighbour, c.id, 1)).toMatch(/đã được đánh giá|chưa đóng/);
    expect(s.rate(resident, c.id, 4)).toContain('4/5');
    expect(s.rate(resident, c.id, 1)).toMatch(/đã được đánh giá/);
    expect(s.get(c.id)?.rating).toBe(4);
  });

  it('lets the resident follow and write into their own case only, until it closes', () => {
    const s = service();
    const { case: c } = s.openQuestion(resident, 'Hỏi về đèn đường');
    s.staffReply(c.id, 'An', 'Đã báo điện lực.');
    expect(s.statusText(resident, 'bk 1 tới đâu rồi')).toContain('BK-000001: mới');
    expect(s.statusText(resident, 'BK-000001')).toContain('Trả lời gần nhất của cán bộ: Đã báo điện lực.');
    expect(s.statusText(neighbour, 'BK-000001')).toContain('Không tìm thấy hồ sơ BK-000001');
    expect(s.statusText(resident)).toContain('• BK-000001: mới — Hỏi về đèn đường');
    expect(s.statusText(neighbour)).toContain('chưa có hồ sơ');
    expect(s.residentWrites(resident, c.id, 'Cảm ơn, tối nay còn tắt')).toContain('Đã gửi thêm');
    expect(notices.at(-1)).toMatchObject({ chatId: '-100' });
    expect(s.residentWrites(neighbour, c.id, 'chen vào')).toContain('Không tìm thấy');
    s.changeStatus(c.id, 'closed', 'An');
    expect(s.residentWrites(resident, c.id, 'thêm nữa')).toContain('đã đóng');
    expect(s.entries(c.id, { notes: false }).map((e) => e.kind)).toEqual(['staff', 'resident', 'status']);
  });

  it('keeps internal notes from the resident', () => {
    const s = service();
    const { case: c } = s.openQuestion(resident, 'Hỏi');
    s.note(c.id, 'An', 'Người này hỏi lần thứ ba');
    s.assign(c.id, 'Bình', 'An');
    expect(s.get(c.id)?.assignee).toBe('Bình');
    expect(s.entries(c.id, { notes: false }).map((e) => e.kind)).toEqual(['assign']);
    expect(s.entries(c.id, { notes: true }).map((e) => e.kind)).toEqual(['note', 'assign']);
    expect(notices.filter((n) => n.chatId === '42')).toEqual([]);
  });

  it('does not push to web chat residents (their page reads the case)', () => {
    const s = service();
    const web: ChatRef = { channel: 'web', chatId: 'browser-1', userId: 'browser-1' };
    const { case: c } = s.openQuestion(web, 'Hỏi');
    s.staffReply(c.id, 'An', 'Trả lời');
    expect(notices.map((n) => n.chatId)).toEqual(['-100']);
    expect(s.forResident(web)[0].number).toBe('BK-000001');
  });

  it("deletes the resident's personal data from their cases and photos, keeping anonymous figures", async () => {
    const photos = new PhotoFiles(path.join(dir, 'photos'), 1024);
    const s = service({ photos });
    const photo = await s.keepPhoto(PNG);
    const { case: c } = s.openReport(resident, {
      category: 'rac-thai',
      ward: 'Sông Cầu',
      address: 'Ngõ 5',
      location: { latitude: 22.1, longitude: 105.8 },
      description: 'Rác ở đầu ngõ nhà tôi',
      photos: [photo],
    });
    s.staffReply(c.id, 'An', 'Chị Lan ơi, đã cử người');
    s.changeStatus(c.id, 'resolved', 'An');
    const residents = new ResidentService({
      store,
      knowledge: {} as never,
      config: {} as never,
      logger: createLogger({ level: 'silent' }),
      photos,
    });
    expect(residents.forget(resident)).toMatchObject({ cases: 1 });
    const after = s.get(c.id);
    expect(after).toMatchObject({
      anonymized: true,
      text: '',
      chatId: '',
      userId: '',
      category: 'rac-thai',
      ward: 'Sông Cầu',
      status: 'resolved',
    });
    expect(after?.address).toBeUndefined();
    expect(after?.location).toBeUndefined();
    expect(after?.displayName).toBeUndefined();
    expect(after?.photos).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'photos', photo.file))).toBe(false);
    expect(s.entries(c.id, { notes: true }).map((e) => e.kind)).toEqual(['status']);
    expect(s.forResident(resident)).toEqual([]);
    expect(s.figures('category', 0)).toEqual([expect.objectContaining({ key: 'rac-thai', received: 1, handled: 1, handledOnTime: 1 })]);
    // Nothing more reaches the old chat.
    notices = [];
    s.changeStatus(c.id, 'closed', 'An');
    expect(notices.filter((n) => n.chatId === '42')).toEqual([]);
  });

  it('measures received, handled on time, median time to first reply and satisfaction per category and ward', () => {
    const s = service({ limits: { dailyLimit: 100, maxPhotos: 2 } });
    const open = (category: string, ward?: string) => s.openReport(resident, { category, ward, description: 'x', photos: [] }).case;
    const a = open('ngap-ung', 'Sông Cầu'); // due in 24 h
    const b = open('ngap-ung');
    const c = open('rac-thai', 'Sông Cầu');
    now += 2 * 3_600_000;
    s.staffReply(a.id, 'An', 'ok');
    s.changeStatus(a.id, 'resolved', 'An');
    now += 4 * 3_600_000;
    s.staffReply(b.id, 'An', 'ok');
    now += 30 * 3_600_000; // b is handled late
    s.changeStatus(b.id, 'closed', 'An');
    s.rate(resident, b.id, 2);
    const byCategory = Object.fromEntries(s.figures('category', 0).map((f) => [f.key, f]));
    expect(byCategory['ngap-ung']).toMatchObject({ received: 2, handled: 2, handledOnTime: 1, ratings: 1, satisfaction: 2 });
    expect(byCategory['ngap-ung'].medianFirstReplyMs).toBe(4 * 3_600_000); // 2 h and 6 h
    expect(byCategory['rac-thai']).toMatchObject({ received: 1, handled: 0, medianFirstReplyMs: undefined });
    const byWard = Object.fromEntries(s.figures('ward', 0).map((f) => [f.key, f]));
    expect(byWard['Sông Cầu'].received).toBe(2);
    expect(byWard[''].received).toBe(1);
    expect(s.isOverdue(s.get(c.id) as never)).toBe(false);
    now += 13 * 3_600_000; // c (rubbish, 48 h) is now past due
    expect(s.isOverdue(s.get(c.id) as never)).toBe(true);
    expect(s.list({ overdue: true }, { limit: 10, offset: 0 }).cases.map((x) => x.number)).toEqual(['BK-000003']);
    expect(s.list({ status: 'open' }, { limit: 10, offset: 0 }).total).toBe(2);
    expect(s.list({ category: 'ngap-ung', ward: 'Sông Cầu' }, { limit: 10, offset: 0 }).cases.map((x) => x.id)).toEqual([a.id]);
    expect(s.list({ text: 'BK-000002' }, { limit: 10, offset: 0 }).cases.map((x) => x.id)).toEqual([b.id]);
  });
});

describe('case numbers and working hours', () => {
  it('reads a case number as residents type it', () => {
    for (const text of ['BK-000123', 'phản ánh bk 123 tới đâu rồi', 'BK000123', 'bk–123?', '#123', 'Bk: 123'])
      expect(caseIdIn(text, 'BK'), text).toBe(123);
    for (const text of ['BKX-123', 'có 123 người', 'BK-0', '']) expect(caseIdIn(text, 'BK'), text).toBeUndefined();
  });

  it('knows working hours and the next opening in city time', () => {
    const hours = DEFAULT_CASES.workingHours; // Mon–Fri 07:30–17:00
    expect(withinWorkingHours(hours, MONDAY_9AM)).toBe(true);
    expect(withinWorkingHours(hours, Date.UTC(2026, 11, 1, 10, 0))).toBe(false); // 17:00
    const friday18 = Date.UTC(2026, 11, 4, 11, 0);
    expect(nextWorkingStart(hours, friday18)).toBe(Date.UTC(2026, 11, 7, 0, 30)); // Monday 07:30
    const monday6 = Date.UTC(2026, 10, 30, 23, 0); // Monday 1 Dec 06:00 city time
    expect(nextWorkingStart(hours, monday6)).toBe(Date.UTC(2026, 11, 1, 0, 30));
    expect(nextWorkingStart({ ...hours, days: [] }, friday18)).toBeUndefined();
  });
});
