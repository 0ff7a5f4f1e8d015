// The web chat's resident case routes over real HTTP: a browser (its cookies kept by a small jar
// here) asks a person, reports a problem with a photo and its location, lists only its own cases,
// writes back, rates once; forged requests from other pages and other browsers get nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseService } from '../src/core/case-service.js';
import { caseTexts } from '../src/texts/cases.js';
import { webCaseTexts } from '../src/texts/web-cases.js';
import { JPEG, PNG } from './fixtures/images.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';
import { postJson, startWebServer, type TestServer } from './helpers/web-server.js';

let env: TestEnv;
let server: TestServer;
let cases: CaseService;
let photosDir: string;

beforeAll(async () => {
  env = await makeTestEnv({ CASE_MAX_PHOTOS: '2', CASE_PHOTO_MAX_MB: '0.1', CASE_DAILY_LIMIT: '4' });
  photosDir = path.join(env.config.paths.data, 'case-photos');
  server = await startWebServer(env, captureLogs().logger, { buildIndex: false });
  cases = server.cases;
});
afterAll(async () => {
  await server?.close();
  await env?.cleanup();
});

/** A case as the resident's page gets it. */
interface CaseView {
  number: string;
  text: string;
  [key: string]: unknown;
}

interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the JSON of whichever route answered, checked by the assertions
  body: any;
}

/** One browser: keeps the cookies the server sets and the CSRF token of its page. */
class WebResident {
  cookies = new Map<string, string>();
  setCookies: string[] = [];
  token = '';

  async setup(): Promise<Reply> {
    const reply = await this.request('GET', '/api/cases/setup');
    this.token = reply.body.csrfToken;
    return reply;
  }

  async request(
    method: string,
    url: string,
    init: { json?: unknown; form?: FormData; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (method !== 'GET' && this.token) headers['x-csrf-token'] = this.token;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${url}`, {
      method,
      headers: { ...headers, ...init.headers },
      body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
    });
    for (const line of response.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  ask(text: string, headers?: Record<string, string>) {
    return this.request('POST', '/api/cases/questions', { json: { text }, headers });
  }

  report(fields: Record<string, string>, photos: { name: string; type: string; bytes: Buffer }[] = []) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const p of photos) form.append('photos', new Blob([new Uint8Array(p.bytes)], { type: p.type }), p.name);
    return this.request('POST', '/api/cases/reports', { form });
  }

  list() {
    return this.request('GET', '/api/cases');
  }
}

async function resident(): Promise<WebResident> {
  const r = new WebResident();
  expect((await r.setup()).status).toBe(200);
  return r;
}

const photoFiles = () => (fs.existsSync(photosDir) ? fs.readdirSync(photosDir) : []);
const report = { category: 'den-duong', ward: 'Sông Cầu', address: 'Số 5 đường Trường Chinh', description: 'Đèn đường hỏng cả tuần nay' };

describe('web chat cases: identity and forgery', () => {
  it('gives the browser a random private id in an httpOnly cookie, and the page the categories, wards and limits', async () => {
    const r = new WebResident();
    const setup = await r.setup();
    expect(setup.body.categories).toContainEqual({ slug: 'den-duong', label: 'Đèn đường' });
    expect(setup.body.wards).toContain('Sông Cầu');
    expect(setup.body).toMatchObject({ maxPhotos: 2, photoMaxBytes: Math.round(0.1 * 1024 * 1024) });
    expect(setup.body.texts.askPerson).toBe('Gặp cán bộ');
    expect(setup.headers.get('cache-control')).toBe('no-store');

    const idCookie = r.setCookies.find((c) => c.startsWith('hoidap_id='))!;
    expect(idCookie).toMatch(/^hoidap_id=[0-9a-f]{32};/);
    expect(idCookie).toMatch(/HttpOnly/);
    expect(idCookie).toMatch(/SameSite=Lax/);
    expect(idCookie).toMatch(/Path=\/api\/cases/);
    expect(r.setCookies.find((c) => c.startsWith('hoidap_csrf='))).toMatch(/HttpOnly/);

    // The id stays: a second visit gets no new one.
    const before = r.cookies.get('hoidap_id');
    await r.setup();
    expect(r.cookies.get('hoidap_id')).toBe(before);

    // Two browsers, two ids.
    const other = await resident();
    expect(other.cookies.get('hoidap_id')).not.toBe(before);
  });

  it('keeps a hash of the id, not the id, as the chat of the case', async () => {
    const r = await resident();
    const opened = await r.ask('Hỏi để kiểm tra mã trình duyệt');
    expect(opened.status).toBe(201);
    const c = cases.get(cases.idIn(opened.body.case.number)!)!;
    expect(c.channel).toBe('web');
    expect(c.chatId).toMatch(/^[0-9a-f]{32}$/);
    expect(c.chatId).not.toBe(r.cookies.get('hoidap_id'));
  });

  it('refuses a change without the CSRF token, from another origin or another site', async () => {
    const r = await resident();
    const noToken = await r.request('POST', '/api/cases/questions', { json: { text: 'giả mạo' }, headers: { 'x-csrf-token': '' } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error).toMatchObject({ code: 'csrf', message: expect.stringContaining('tải lại trang') });

    const otherOrigin = await r.ask('giả mạo', { origin: 'https://evil.example' });
    expect(otherOrigin.status).toBe(403);
    expect(otherOrigin.body.error.code).toBe('cross_origin');

    const otherSite = await r.ask('giả mạo', { 'sec-fetch-site': 'cross-site' });
    expect(otherSite.status).toBe(403);
    const sibling = await r.ask('giả mạo', { 'sec-fetch-site': 'same-site', origin: server.url });
    expect(sibling.status).toBe(403);

    // Behind a proxy that ends TLS the scheme differs; the host is what counts.
    const proxied = await r.ask('Câu hỏi qua proxy', { origin: server.url.replace('http:', 'https:') });
    expect(proxied.status).toBe(201);

    // A token of another browser does not fit this browser's secret.
    const other = await resident();
    const stolen = await r.ask('giả mạo', { 'x-csrf-token': other.token });
    expect(stolen.status).toBe(403);

    const ownPage = await r.ask('Câu hỏi từ chính trang', { origin: server.url, 'sec-fetch-site': 'same-origin' });
    expect(ownPage.status).toBe(201);
    expect((await r.list()).body.cases.map((c: CaseView) => c.text)).toEqual(['Câu hỏi từ chính trang', 'Câu hỏi qua proxy']);
  });
});

describe('web chat cases: ask a person', () => {
  it('opens a question and tells the number and when to expect a reply', async () => {
    const r = await resident();
    const opened = await r.ask('Khi nào phường Sông Cầu cấp lại sổ đỏ?');
    expect(opened.status).toBe(201);
    expect(opened.body.case).toMatchObject({ kind: 'question', status: 'new', statusLabel: 'mới', open: true, canRate: false });
    expect(opened.body.case.number).toMatch(/^BK-\d{6}$/);
    expect(opened.body.text).toContain(opened.body.case.number);
    expect(opened.body.text).toMatch(/giờ làm việc/);
  });

  it('refuses an empty question, a body over the limit and the case past the daily limit, in Vietnamese', async () => {
    const r = await resident();
    const empty = await r.ask('   ');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe(caseTexts.emptyText);

    const huge = await r.ask('a'.repeat(20_000));
    expect(huge.status).toBe(413);

    for (let i = 0; i < 4; i++) expect((await r.ask(`câu hỏi ${i}`)).status).toBe(201);
    const over = await r.ask('một câu nữa');
    expect(over.status).toBe(429);
    expect(over.body.error.message).toBe(caseTexts.limitReached(4));
  });
});

describe('web chat cases: the words of a case action typed in the chat', () => {
  it('answers "gặp cán bộ", "phan anh", "/theodoi" with the action for the page, without asking the documents', async () => {
    const asked = server.store.conversations.feedbackForReview().length;
    for (const [question, action] of [
      ['Gặp cán bộ!', 'handoff'],
      ['phan anh', 'report'],
      ['/theodoi', 'follow'],
    ] as const) {
      const reply = await postJson(`${server.url}/api/ask`, { question });
      expect(reply.status, question).toBe(200);
      expect(reply.body, question).toMatchObject({ status: 'case_action', action, answer: webCaseTexts.actions[action], citations: [] });
      expect(reply.body.conversationId).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(server.store.conversations.feedbackForReview().length).toBe(asked);
  });
});

describe('web chat cases: report a problem', () => {
  it('opens a report with an uploaded photo and the shared location, the photo kept privately', async () => {
    const r = await resident();
    const before = photoFiles().length;
    const opened = await r.report({ ...report, latitude: '22.1470', longitude: '105.8348' }, [
      { name: 'den.png', type: 'image/png', bytes: PNG },
      { name: 'den2.jpg', type: 'image/jpeg', bytes: JPEG },
    ]);
    expect(opened.status).toBe(201);
    expect(opened.body.case).toMatchObject({
      kind: 'report',
      category: 'Đèn đường',
      ward: 'Sông Cầu',
      address: 'Số 5 đường Trường Chinh',
      hasLocation: true,
      photos: 2,
    });
    expect(opened.body.text).toContain(opened.body.case.number);
    const c = cases.get(cases.idIn(opened.body.case.number)!)!;
    expect(c.location).toEqual({ latitude: 22.147, longitude: 105.8348 });
    expect(c.photos.map((p) => p.mime)).toEqual(['image/png', 'image/jpeg']);
    expect(cases.photo(c.photos[0].id)?.bytes.equals(PNG)).toBe(true);
    expect(photoFiles().length).toBe(before + 2);
    expect(fs.statSync(path.join(photosDir, c.photos[0].file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a text file renamed to .png, too many photos and a photo too large, keeping nothing', async () => {
    const r = await resident();
    const before = photoFiles().length;
    const listed = (await r.list()).body.cases.length;

    const renamed = await r.report(report, [
      { name: 'anh.png', type: 'image/png', bytes: PNG },
      { name: 'anh2.png', type: 'image/png', bytes: Buffer.from('Đây là một tệp văn bản, không phải ảnh.\n') },
    ]);
    expect(renamed.status).toBe(422);
    expect(renamed.body.error.message).toBe(caseTexts.photoNotAPhoto);

    const three = await r.report(
      report,
      [1, 2, 3].map((n) => ({ name: `anh${n}.png`, type: 'image/png', bytes: PNG })),
    );
    expect(three.status).toBe(413);
    expect(three.body.error.message).toBe(caseTexts.tooManyPhotos(2));

    const big = Buffer.concat([PNG, Buffer.alloc(200 * 1024)]);
    const tooLarge = await r.report(report, [{ name: 'lon.png', type: 'image/png', bytes: big }]);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error.message).toBe(caseTexts.photoTooLarge(0.1));

    const noCategory = await r.report({ ...report, category: 'khong-co' }, [{ name: 'anh.png', type: 'image/png', bytes: PNG }]);
    expect(noCategory.status).toBe(400);
    expect(noCategory.body.error.message).toBe(caseTexts.unknownCategory);

    const halfLocation = await r.report({ ...report, latitude: '22.1' });
    expect(halfLocation.status).toBe(400);

    expect(photoFiles().length).toBe(before);
    expect((await r.list()).body.cases.length).toBe(listed);
  });

  it('refuses a report that is not a form', async () => {
    const r = await resident();
    const reply = await r.request('POST', '/api/cases/reports', { json: report });
    expect(reply.status).toBe(415);
  });
});

describe('web chat cases: following them', () => {
  it('lists only the browser’s own cases; another browser can neither see, write into nor rate them', async () => {
    const lan = await resident();
    const opened = await lan.report(report, [{ name: 'den.png', type: 'image/png', bytes: PNG }]);
    const number = opened.body.case.number;

    const mine = await lan.list();
    expect(mine.body.cases.map((c: CaseView) => c.number)).toEqual([number]);

    const stranger = await resident();
    expect((await stranger.list()).body.cases).toEqual([]);
    const write = await stranger.request('POST', `/api/cases/${number}/messages`, { json: { text: 'chen vào' } });
    expect(write.status).toBe(404);
    cases.changeStatus(cases.idIn(number)!, 'closed', 'Cán bộ Hà');
    const rate = await stranger.request('POST', `/api/cases/${number}/rating`, { json: { rating: 1 } });
    expect(rate.status).toBe(404);

    // Without its cookie a browser is a new resident: it gets a new id and no cases.
    const forgetful = new WebResident();
    expect((await forgetful.list()).body.cases).toEqual([]);
  });

  it('shows staff replies and status changes, takes the resident’s reply, then a rating once after closing', async () => {
    const r = await resident();
    const opened = await r.ask('Nhà tôi có được hỗ trợ sửa mái không?');
    const number = opened.body.case.number;
    const id = cases.idIn(number)!;

    cases.staffReply(id, 'Cán bộ Hà', 'Bạn cho biết địa chỉ nhà nhé.');
    cases.note(id, 'Cán bộ Hà', 'ghi chú nội bộ: hộ nghèo?');
    cases.changeStatus(id, 'in_progress', 'Cán bộ Hà');
    let listed = (await r.list()).body.cases[0];
    expect(listed).toMatchObject({ number, status: 'in_progress', statusLabel: 'đang xử lý', open: true });
    expect(listed.messages).toEqual([
      { from: 'staff', text: 'Bạn cho biết địa chỉ nhà nhé.', at: expect.any(String) },
      { from: 'status', text: 'đang xử lý', at: expect.any(String) },
    ]);
    expect(JSON.stringify(listed)).not.toContain('nội bộ');
    expect(JSON.stringify(listed)).not.toContain('Cán bộ Hà');

    const write = await r.request('POST', `/api/cases/${number}/messages`, { json: { text: 'Số 12 ngõ 3, phường Sông Cầu.' } });
    expect(write.status).toBe(200);
    expect(write.body.text).toBe(caseTexts.residentMessageAdded(number));
    expect(write.body.case.messages.at(-1)).toMatchObject({ from: 'resident', text: 'Số 12 ngõ 3, phường Sông Cầu.' });

    const early = await r.request('POST', `/api/cases/${number}/rating`, { json: { rating: 5 } });
    expect(early.status).toBe(409);

    cases.changeStatus(id, 'closed', 'Cán bộ Hà');
    listed = (await r.list()).body.cases[0];
    expect(listed).toMatchObject({ status: 'closed', open: false, canRate: true });

    const late = await r.request('POST', `/api/cases/${number}/messages`, { json: { text: 'còn nữa' } });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe(caseTexts.caseClosedForReplies(number));

    const bad = await r.request('POST', `/api/cases/${number}/rating`, { json: { rating: 7 } });
    expect(bad.status).toBe(400);
    const rated = await r.request('POST', `/api/cases/${number}/rating`, { json: { rating: 4 } });
    expect(rated.status).toBe(200);
    expect(rated.body.text).toBe(caseTexts.ratingThanks(4));
    expect(rated.body.case).toMatchObject({ rating: 4, canRate: false });
    const again = await r.request('POST', `/api/cases/${number}/rating`, { json: { rating: 1 } });
    expect(again.status).toBe(409);
    expect(cases.get(id)?.rating).toBe(4);
  });

  it('deletes the browser’s case data on request: nothing listed, photos gone, anonymous counts kept, a new id', async () => {
    const r = await resident();
    const opened = await r.report({ ...report, latitude: '22.1', longitude: '105.8' }, [
      { name: 'den.png', type: 'image/png', bytes: PNG },
    ]);
    const c = cases.get(cases.idIn(opened.body.case.number)!)!;
    const file = path.join(photosDir, c.photos[0].file);
    expect(fs.existsSync(file)).toBe(true);
    const oldId = r.cookies.get('hoidap_id');

    const stranger = await resident();
    expect((await stranger.request('POST', '/api/cases/forget', { json: {} })).body.text).toBe(webCaseTexts.forgotten(0));
    expect(cases.get(c.id)?.anonymized).toBe(false);

    const forgot = await r.request('POST', '/api/cases/forget', { json: {} });
    expect(forgot.status).toBe(200);
    expect(forgot.body.text).toBe(webCaseTexts.forgotten(1));
    expect(fs.existsSync(file)).toBe(false);
    expect(cases.get(c.id)).toMatchObject({ anonymized: true, text: '', category: 'den-duong', ward: 'Sông Cầu' });
    expect(cases.get(c.id)?.location).toBeUndefined();
    expect(r.setCookies.at(-1)).toMatch(/^hoidap_id=;/);
    expect((await r.list()).body.cases).toEqual([]);
    expect(r.cookies.get('hoidap_id')).not.toBe(oldId);
  });
});
