// Cases in the staff console, through its HTTP API against the real service: nothing without a
// session, changes only with the CSRF token and in the audit log by name; the list's filters,
// paging and due times; reply, status, assignment, notes and reply → curated answer; photos to
// signed-in staff only; the CSV export of the filtered list; the figures per category and ward;
// and residents' personal data never in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseService } from '../src/core/case-service.js';
import { PhotoFiles } from '../src/db/case-photos.js';
import type { Case, ChatRef } from '../src/domain/index.js';
import { createLogger } from '../src/logger.js';
import { JPEG, PNG } from './fixtures/images.js';
import { ConsoleClient, type ConsoleFixture, startConsole } from './helpers/console.js';

const DAY_MS = 86_400_000;
let fx: ConsoleFixture;
let lan: ConsoleClient;
let minh: ConsoleClient;
let question: Case;
let flood: Case;
let litter: Case;
let old: Case;

const resident = (n: number, displayName?: string): ChatRef => ({
  channel: 'telegram',
  chatId: `90000${n}`,
  userId: `90000${n}`,
  displayName,
});

beforeAll(async () => {
  fx = await startConsole({ CASE_DAILY_LIMIT: '50' });
  await fx.addUser('lan', 'admin', 'Nguyễn Thị Lan');
  await fx.addUser('minh', 'staff', 'Trần Văn Minh');
  lan = new ConsoleClient(fx.service.url);
  minh = new ConsoleClient(fx.service.url);
  await lan.signIn('lan');
  await minh.signIn('minh');

  const cases = fx.service.cases;
  question = cases.openQuestion(resident(1, 'Phạm Thu Hà'), 'Làm lại giấy khai sinh bị mất ở đâu?').case;
  const photo = await cases.keepPhoto(PNG);
  flood = cases.openReport(resident(2, 'Hoàng Văn Nam'), {
    category: 'ngap-ung',
    ward: 'Đức Xuân',
    address: '12 Trường Chinh',
    location: { latitude: 22.1471, longitude: 105.8348 },
    description: 'Nước ngập nửa bánh xe trước số 12',
    photos: [photo, await cases.keepPhoto(JPEG)],
  }).case;
  litter = cases.openReport(resident(3), {
    category: 'rac-thai',
    ward: 'Sông Cầu',
    // A formula a spreadsheet would run if the export did not defuse it.
    description: '=HYPERLINK("http://evil.example","bấm vào đây") rác để cả tuần',
    photos: [],
  }).case;
  // Opened ten days ago with a one-day target: overdue.
  const earlier = new CaseService({
    store: fx.service.store,
    city: fx.env.config.city,
    photos: new PhotoFiles(`${fx.env.config.paths.data}/scratch-photos`, 1024 * 1024),
    outbox: { enqueue: () => undefined, wake: () => undefined },
    logger: createLogger({ level: 'silent' }),
    limits: { dailyLimit: 50, maxPhotos: 5 },
    now: () => Date.now() - 10 * DAY_MS,
  });
  old = earlier.openReport(resident(4), { category: 'ngap-ung', ward: 'Đức Xuân', description: 'Cống tắc lâu ngày', photos: [] }).case;
}, 60_000);
afterAll(async () => {
  await fx?.close();
});

const numbers = (body: { cases: { number: string }[] }) => body.cases.map((c) => c.number);

describe('cases in the staff console', () => {
  it('serves nothing without a session; a photo answers 404, not 401, and never by file name', async () => {
    const anon = new ConsoleClient(fx.service.url);
    for (const path of ['/cases', `/cases/${question.id}`, '/cases/export.csv', '/cases/figures', '/cases/choices'])
      expect((await anon.get(path)).status, path).toBe(401);
    await anon.start();
    expect((await anon.send('POST', `/cases/${question.id}/reply`, { text: 'x' })).status).toBe(401);
    const photoId = flood.photos[0].id;
    expect((await anon.request('GET', `/quan-tri/anh/${photoId}`)).status).toBe(404);

    const seen = await lan.request('GET', `/quan-tri/anh/${photoId}`);
    expect(seen.status).toBe(200);
    expect(seen.headers.get('content-type')).toBe('image/png');
    expect(seen.headers.get('cache-control')).toBe('private, no-store');
    expect(seen.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(
      await (await fetch(`${fx.service.url}/quan-tri/anh/${flood.photos[1].id}`, { headers: cookieOf(lan) })).arrayBuffer(),
    );
    expect(bytes.equals(JPEG)).toBe(true);
    expect((await lan.request('GET', '/quan-tri/anh/999999')).status).toBe(404);
    expect((await lan.request('GET', `/quan-tri/anh/${flood.photos[0].file}`)).status).toBe(404);
    expect((await lan.request('GET', '/quan-tri/anh/..%2F..%2Fcivicbot.db')).status).toBe(404);
    // The case itself names its photos by id only.
    const c = (await minh.get(`/cases/${flood.id}`)).body.case;
    expect(c.photos.map((p: { id: number }) => p.id)).toEqual(flood.photos.map((p) => p.id));
    expect(JSON.stringify(c)).not.toContain(flood.photos[0].file);
  });

  it('refuses a change without the CSRF token and changes nothing', async () => {
    const r = await minh.request('POST', `/quan-tri/api/cases/${question.id}/reply`, { text: 'Không có mã CSRF' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('csrf');
    expect(fx.service.cases.entries(question.id, { notes: true })).toEqual([]);
  });

  it('filters by status, kind, category, ward, age, overdue, assignee and text, with paging and due times', async () => {
    const all = await minh.get('/cases');
    expect(all.status).toBe(200);
    expect(numbers(all.body)).toEqual(
      [litter, flood, question, old]
        .map((c) => c.number)
        .sort()
        .reverse(),
    );
    expect(all.body.cases.find((c: { id: number }) => c.id === flood.id)).toMatchObject({
      categoryLabel: 'Ngập úng',
      ward: 'Đức Xuân',
      displayName: 'Hoàng Văn Nam',
      dueAt: flood.createdAt + 24 * 3_600_000,
      overdue: false,
      mapUrl: 'https://www.openstreetmap.org/?mlat=22.1471&mlon=105.8348#map=18/22.1471/105.8348',
    });
    expect(all.body.cases.find((c: { id: number }) => c.id === old.id).overdue).toBe(true);
    // No chat or user ids leave the server.
    expect(all.text).not.toContain('900002');

    expect(numbers((await minh.get('/cases?kind=question')).body)).toEqual([question.number]);
    expect(numbers((await minh.get('/cases?category=ngap-ung')).body)).toEqual([old.number, flood.number]);
    expect(numbers((await minh.get('/cases?ward=S%C3%B4ng%20C%E1%BA%A7u')).body)).toEqual([litter.number]);
    expect(numbers((await minh.get('/cases?olderThanDays=5')).body)).toEqual([old.number]);
    expect(numbers((await minh.get('/cases?overdue=1')).body)).toEqual([old.number]);
    expect(numbers((await minh.get('/cases?q=khai%20sinh')).body)).toEqual([question.number]);
    expect(numbers((await minh.get(`/cases?q=${flood.number}`)).body)).toEqual([flood.number]);
    expect(numbers((await minh.get('/cases?q=Tr%C6%B0%E1%BB%9Dng%20Chinh&status=open&kind=report')).body)).toEqual([flood.number]);
    // Empty form fields filter nothing.
    expect((await minh.get('/cases?status=&kind=&ward=&olderThanDays=&q=')).body.total).toBe(4);

    const first = (await minh.get('/cases?limit=3')).body;
    const second = (await minh.get('/cases?limit=3&page=2')).body;
    expect([first.total, first.pages, first.cases.length, second.cases.length]).toEqual([4, 2, 3, 1]);
    expect(numbers(second)).toEqual([question.number]);

    expect((await minh.get('/cases?status=maybe')).status).toBe(400);
    expect((await minh.get('/cases?olderThanDays=-1')).status).toBe(400);
  });

  it('replies, changes the status, assigns and notes as the signed-in staff member, each audited by name', async () => {
    const reply = await minh.send('POST', `/cases/${question.id}/reply`, { text: 'Chị mang CCCD tới bộ phận một cửa phường.' });
    expect(reply.status).toBe(200);
    expect(reply.body.case.firstReplyAt).toBeGreaterThan(0);
    const status = await minh.send('POST', `/cases/${question.id}/status`, { status: 'in_progress' });
    expect(status.body.case.status).toBe('in_progress');
    const staffList = (await minh.get('/cases/choices')).body.staff as { id: number; displayName: string }[];
    const lanId = staffList.find((s) => s.displayName === 'Nguyễn Thị Lan')!.id;
    const assign = await minh.send('POST', `/cases/${question.id}/assign`, { userId: lanId });
    expect(assign.body.case.assignee).toBe('Nguyễn Thị Lan');
    const note = await minh.send('POST', `/cases/${question.id}/note`, { text: 'Đã gọi điện cho chị Hà.' });
    expect(note.status).toBe(200);

    const entries = fx.service.cases.entries(question.id, { notes: true });
    expect(entries.map((e) => [e.kind, e.author, e.text])).toEqual([
      ['staff', 'Trần Văn Minh', 'Chị mang CCCD tới bộ phận một cửa phường.'],
      ['status', 'Trần Văn Minh', 'in_progress'],
      ['assign', 'Trần Văn Minh', 'Nguyễn Thị Lan'],
      ['note', 'Trần Văn Minh', 'Đã gọi điện cho chị Hà.'],
    ]);
    // The reply and the status change wait in the outbox for the resident's chat, marked as from the city's staff; the note does not.
    const texts = noticeTexts();
    expect(texts).toContainEqual(expect.stringContaining('Chị mang CCCD tới bộ phận một cửa phường.'));
    expect(texts).toContainEqual(expect.stringMatching(/BK-000001 đã chuyển sang trạng thái: đang xử lý/));
    expect(texts.join('\n')).not.toContain('Đã gọi điện');
    // No channel runs in this test: the reply waits, and the case says so.
    const thread = (await minh.get(`/cases/${question.id}`)).body.entries;
    expect(thread.find((e: { kind: string }) => e.kind === 'staff').delivery).toBe('pending');
    expect(thread.find((e: { kind: string }) => e.kind === 'note').delivery).toBeUndefined();
    // The resident's view has no note.
    expect(fx.service.cases.entries(question.id, { notes: false }).map((e) => e.kind)).not.toContain('note');
    expect(numbers((await minh.get('/cases?assignee=Nguy%E1%BB%85n%20Th%E1%BB%8B%20Lan')).body)).toEqual([question.number]);
    const unassigned = numbers((await minh.get('/cases?unassigned=1')).body);
    expect(unassigned).not.toContain(question.number);
    expect(unassigned.length).toBe((await minh.get('/cases')).body.total - 1);

    expect((await minh.send('POST', `/cases/${question.id}/assign`, { userId: 99999 })).status).toBe(400);
    expect((await minh.send('POST', `/cases/${question.id}/status`, { status: 'done' })).status).toBe(400);
    expect((await minh.send('POST', `/cases/${question.id}/reply`, { text: '   ' })).status).toBe(400);
    expect((await minh.send('POST', '/cases/424242/note', { text: 'x' })).status).toBe(404);
    const unassign = await minh.send('POST', `/cases/${question.id}/assign`, { userId: null });
    expect(unassign.body.case.assignee).toBeUndefined();

    const audit = (await lan.get('/audit?limit=500')).body.entries as {
      userName: string;
      action: string;
      target?: string;
      allowed: boolean;
    }[];
    for (const action of ['case.reply', 'case.status', 'case.assign', 'case.note'])
      expect(audit, action).toContainEqual(
        expect.objectContaining({ userName: 'minh', action, target: String(question.id), allowed: true }),
      );
    expect(audit).toContainEqual(expect.objectContaining({ userName: 'minh', action: 'case.note', target: '424242', allowed: false }));
  });

  it('turns a staff reply into a curated answer in one action: the question as variant, the reply as answer', async () => {
    const staffEntry = fx.service.cases.entries(question.id, { notes: true }).find((e) => e.kind === 'staff')!;
    const noteEntry = fx.service.cases.entries(question.id, { notes: true }).find((e) => e.kind === 'note')!;
    const r = await minh.send('POST', `/cases/${question.id}/curated`, { entryId: staffEntry.id });
    expect(r.status).toBe(201);
    expect(r.body.curated).toMatchObject({
      status: 'active',
      variants: ['Làm lại giấy khai sinh bị mất ở đâu?'],
      answer: 'Chị mang CCCD tới bộ phận một cửa phường.',
      createdBy: 'minh',
    });
    expect(fx.service.store.console.curated.get(r.body.curated.id)).toBeDefined();
    // A note (or another case's entry) is not a reply to the resident.
    expect((await minh.send('POST', `/cases/${question.id}/curated`, { entryId: noteEntry.id })).status).toBe(400);
    expect((await minh.send('POST', `/cases/${flood.id}/curated`, { entryId: staffEntry.id })).status).toBe(400);
    const audit = (await lan.get('/audit?limit=500')).body.entries;
    expect(audit).toContainEqual(expect.objectContaining({ userName: 'minh', action: 'case.curated', allowed: true }));
  });

  it('exports the filtered list as CSV with names and places for staff, formulas defused, no chat ids, audited', async () => {
    const r = await minh.get('/cases/export.csv?kind=report');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('cache-control')).toBe('private, no-store');
    // A BOM first (fetch's text() drops it), so spreadsheet programs read it as UTF-8.
    const raw = await fetch(`${fx.service.url}/quan-tri/api/cases/export.csv?kind=report`, { headers: cookieOf(minh) });
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = r.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Mã hồ sơ,Loại,Trạng thái,Lĩnh vực,Phường/xã,Kênh,Người gửi,Địa chỉ,"Vị trí (vĩ độ, kinh độ)",Nội dung,Người phụ trách,Tiếp nhận lúc,Hạn xử lý,Quá hạn,Trả lời đầu tiên lúc,Xử lý xong lúc,Đánh giá (1–5)',
    );
    expect(lines).toHaveLength(4);
    const floodLine = lines.find((l) => l.startsWith(flood.number))!;
    expect(floodLine).toContain('Phản ánh,mới,Ngập úng,Đức Xuân,Telegram,Hoàng Văn Nam,12 Trường Chinh,"22.1471, 105.8348",Nước ngập');
    expect(lines.find((l) => l.startsWith(old.number))).toMatch(/,có,/);
    const litterLine = lines.find((l) => l.startsWith(litter.number))!;
    expect(litterLine).toContain(`"'=HYPERLINK(""http://evil.example"",""bấm vào đây"") rác để cả tuần"`);
    expect(r.text).not.toContain(question.number);
    for (const n of [1, 2, 3, 4]) expect(r.text).not.toContain(`90000${n}`);
    const audit = (await lan.get('/audit?limit=500')).body.entries;
    expect(audit).toContainEqual(expect.objectContaining({ userName: 'minh', action: 'export.cases', allowed: true }));
  });

  it('gives figures per category and per ward over a period', async () => {
    await minh.send('POST', `/cases/${flood.id}/status`, { status: 'resolved' });
    const f = (await minh.get('/cases/figures?days=30')).body;
    expect(f.period).toBe(30);
    const flooding = f.byCategory.find((x: { key: string }) => x.key === 'ngap-ung');
    expect(flooding).toMatchObject({ label: 'Ngập úng', received: 2, handled: 1, handledOnTime: 1 });
    expect(flooding.medianFirstReplyMs).toBeGreaterThanOrEqual(0);
    expect(f.byCategory.find((x: { key: string }) => x.key === '')).toMatchObject({ label: 'Câu hỏi (không có lĩnh vực)', received: 1 });
    expect(f.byWard.find((x: { key: string }) => x.key === 'Đức Xuân')).toMatchObject({ received: 2 });
    // Over the last 5 days the ten-day-old case is not counted.
    const recent = (await minh.get('/cases/figures?days=5')).body;
    expect(recent.byCategory.find((x: { key: string }) => x.key === 'ngap-ung').received).toBe(1);
    expect((await minh.get('/cases/figures?days=0')).status).toBe(400);
  });

  it('shows what is left of a case whose resident deleted their data, and refuses to reply into it', async () => {
    const gone = fx.service.cases.openQuestion(resident(5, 'Lê Văn Xóa'), 'Hỏi rồi xóa dữ liệu').case;
    fx.service.store.cases.forget('telegram', resident(5).chatId);
    const c = (await minh.get(`/cases/${gone.id}`)).body.case;
    expect(c).toMatchObject({ anonymized: true, text: '' });
    expect(c.displayName).toBeUndefined();
    const r = await minh.send('POST', `/cases/${gone.id}/reply`, { text: 'Trả lời muộn' });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain('xóa dữ liệu');
    // Its status can still change (the figures stay right).
    expect((await minh.send('POST', `/cases/${gone.id}/status`, { status: 'closed' })).body.case.status).toBe('closed');
  });

  it("keeps residents' names, addresses and words out of the log", () => {
    const log = fx.logs.text();
    for (const secret of ['Phạm Thu Hà', 'Hoàng Văn Nam', '12 Trường Chinh', 'Nước ngập', 'khai sinh', '22.1471', 'HYPERLINK'])
      expect(log, secret).not.toContain(secret);
  });
});

/** Every notice written to the outbox (waiting: no channel is configured in these tests). */
function noticeTexts(): string[] {
  const { pending, sending, sent, failed, blocked } = fx.service.store.notices.counts();
  const total = pending + sending + sent + failed + blocked;
  return Array.from({ length: total }, (_, i) => fx.service.store.notices.message(i + 1)?.text ?? '');
}

function cookieOf(client: ConsoleClient): Record<string, string> {
  return { cookie: `quantri_sid=${encodeURIComponent(client.cookie('quantri_sid') ?? '')}` };
}
