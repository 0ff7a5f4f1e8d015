/**
 * A fake Zalo Bot API for tests: a real node:http server on 127.0.0.1 (port 0), so the channel's
 * real axios client runs against it.
 *
 *   const zalo = await startFakeZalo({ token: '12345:secret...' });
 *   env.ZALO_API_ROOT = zalo.apiRoot;
 *
 * - `POST /bot<token>/<method>` with JSON. A wrong token gets 401 `{ok:false, error_code:401}`.
 * - Every call is recorded in `calls` as `{ method, token, params, ok, at }`; `sent(chatId?)` lists
 *   successful sendMessage / sendPhoto calls; `waitFor(predicate)` awaits a call.
 * - `pushUpdate(update)` queues an update for getUpdates. A poll is held open (its `timeout`, sent
 *   as number or string, capped by maxPollSeconds) until an update arrives, and answers 408
 *   "Request timeout" when none did. With `arrayUpdates` the result is an array, otherwise one
 *   update, the two forms seen in the wild. While a webhook is set, getUpdates is refused.
 * - `waitForSent(chatId, n)` resolves with the texts sent to a chat once there are n of them.
 * - `failNext(rule, { method?, chatId?, times })` fails the next matching calls: `{ code: 429, retryAfter? }`,
 *   `{ code: 500 }`, `{ code: 403 }`, ... Errors go with HTTP status = error_code, or 200 when
 *   `errorsWithHttp200` (which status accompanies ok:false is undocumented).
 * - `setPhoto(name, bytes)` serves bytes at `GET /photos/<name>` and returns that URL: the `photo_url`
 *   of an image update, as Zalo's CDN would serve it.
 * - `textUpdate`, `stickerUpdate`, `imageUpdate` build updates (private chat; `{ group: true }` for a group).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ZaloCall {
  method: string;
  token: string;
  params: Record<string, any>;
  ok: boolean;
  at: number;
}

export interface ZaloFailure {
  code: number;
  description?: string;
  retryAfter?: number;
}

export interface FakeZaloOptions {
  token?: string;
  botId?: string;
  maxPollSeconds?: number;
  arrayUpdates?: boolean;
  errorsWithHttp200?: boolean;
}

export interface FakeZalo {
  apiRoot: string;
  token: string;
  botId: string;
  calls: ZaloCall[];
  webhook: { url: string; secret?: string };
  sent(chatId?: string): ZaloCall[];
  pushUpdate(update: object): void;
  failNext(rule: ZaloFailure, options?: { method?: string; chatId?: string; times?: number }): void;
  waitFor(predicate: (call: ZaloCall) => boolean, timeoutMs?: number): Promise<ZaloCall>;
  /** Resolves with the texts sent to a chat once there are at least `count` of them. */
  waitForSent(chatId: string, count: number, timeoutMs?: number): Promise<string[]>;
  setPhoto(name: string, bytes: Uint8Array): string;
  close(): Promise<void>;
}

const SENDING = new Set(['sendMessage', 'sendPhoto']);
const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Internal error',
  404: 'Not found',
  408: 'Request timeout',
  429: 'Quota exceeded',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
};

export async function startFakeZalo(options: FakeZaloOptions = {}): Promise<FakeZalo> {
  const token = options.token ?? '1234567890:fake-zalo-secret-abcdefghijklmnopqrstuvwxyz';
  const botId = options.botId ?? 'bot-1234567890';
  const maxPoll = options.maxPollSeconds ?? 2;
  const calls: ZaloCall[] = [];
  const queue: object[] = [];
  const waitingPolls = new Set<() => void>();
  const watchers = new Set<(call: ZaloCall) => void>();
  const failures: { rule: ZaloFailure; method?: string; chatId?: string; times: number }[] = [];
  const webhook: { url: string; secret?: string } = { url: '' };
  let messageId = 1;
  const photos = new Map<string, Buffer>();

  const record = (call: ZaloCall) => {
    calls.push(call);
    for (const w of watchers) w(call);
  };

  const respond = (res: http.ServerResponse, status: number, body: object) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };
  const fail = (res: http.ServerResponse, f: ZaloFailure) =>
    respond(res, options.errorsWithHttp200 ? 200 : f.code, {
      ok: false,
      error_code: f.code,
      description: f.description ?? DESCRIPTIONS[f.code] ?? 'Error',
      ...(f.retryAfter ? { parameters: { retry_after: f.retryAfter } } : {}),
    });

  const takeFailure = (method: string, chatId: unknown): ZaloFailure | undefined => {
    // A rule without a method never hits getUpdates (polls would eat it); name the method for that.
    const i = failures.findIndex(
      (f) => (f.method === method || (!f.method && method !== 'getUpdates')) && (f.chatId === undefined || f.chatId === String(chatId)),
    );
    if (i < 0) return undefined;
    const f = failures[i];
    if (--f.times <= 0) failures.splice(i, 1);
    return f.rule;
  };

  const poll = (res: http.ServerResponse, seconds: number, done: (ok: boolean) => void) => {
    const deliver = () => {
      const batch = options.arrayUpdates ? queue.splice(0) : queue.splice(0, 1);
      respond(res, 200, { ok: true, result: options.arrayUpdates ? batch : batch[0] });
      done(true);
    };
    if (queue.length) return deliver();
    let timer: NodeJS.Timeout;
    const wake = () => {
      clearTimeout(timer);
      waitingPolls.delete(wake);
      if (queue.length) deliver();
      else {
        fail(res, { code: 408 });
        done(false);
      }
    };
    waitingPolls.add(wake);
    timer = setTimeout(wake, Math.min(seconds, maxPoll) * 1000);
    res.on('close', () => {
      clearTimeout(timer);
      waitingPolls.delete(wake);
    });
  };

  const server = http.createServer((req, res) => {
    const photo = req.method === 'GET' ? /^\/photos\/([^/?]+)$/.exec(req.url ?? '') : null;
    if (photo) {
      const bytes = photos.get(decodeURIComponent(photo[1]));
      if (!bytes) return void res.writeHead(404).end('Not found');
      return void res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': bytes.length }).end(bytes);
    }
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
      let params: Record<string, any> = {};
      try {
        params = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        return respond(res, 400, { ok: false, error_code: 400, description: 'Bad request' });
      }
      if (!m || req.method !== 'POST') return respond(res, 404, { ok: false, error_code: 404, description: 'Not found' });
      const [, callToken, method] = m;
      const call: ZaloCall = { method, token: callToken, params, ok: false, at: Date.now() };
      if (callToken !== token) {
        record(call);
        return fail(res, { code: 401 });
      }
      const failure = takeFailure(method, params.chat_id);
      if (failure) {
        record(call);
        return fail(res, failure);
      }
      const ok = (result: unknown) => {
        call.ok = true;
        record(call);
        respond(res, 200, { ok: true, result });
      };
      switch (method) {
        case 'getMe':
          return ok({ id: botId, account_name: 'bot.civic', account_type: 'BASIC', can_join_groups: false });
        case 'getUpdates': {
          if (webhook.url) {
            record(call);
            return fail(res, { code: 400, description: 'Webhook is active, getUpdates is not allowed' });
          }
          // Recorded on arrival (a held poll is visible at once); ok once it delivered updates.
          record(call);
          const seconds = Number(params.timeout ?? 30);
          return poll(res, Number.isFinite(seconds) ? seconds : 30, (delivered) => {
            call.ok = delivered;
          });
        }
        case 'setWebhook':
          webhook.url = String(params.url ?? '');
          webhook.secret = params.secret_token;
          return ok({ url: webhook.url, updated_at: Date.now() });
        case 'deleteWebhook':
          webhook.url = '';
          webhook.secret = undefined;
          return ok({ url: '', updated_at: Date.now() });
        case 'getWebhookInfo':
          return ok({ url: webhook.url, updated_at: Date.now() });
        case 'sendMessage':
        case 'sendPhoto': {
          const text = method === 'sendMessage' ? params.text : params.caption;
          if (!params.chat_id || (method === 'sendMessage' && !text) || (text && String(text).length > 2000)) {
            record(call);
            return fail(res, { code: 400 });
          }
          return ok({ message_id: `m${messageId++}`, date: Date.now() });
        }
        case 'sendChatAction':
          call.ok = true;
          record(call);
          return respond(res, 200, { ok: true });
        default:
          record(call);
          return fail(res, { code: 404 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token,
    botId,
    calls,
    webhook,
    sent: (chatId) => calls.filter((c) => c.ok && SENDING.has(c.method) && (chatId === undefined || String(c.params.chat_id) === chatId)),
    pushUpdate(update) {
      queue.push(update);
      for (const wake of [...waitingPolls]) wake();
    },
    failNext(rule, { method, chatId, times = 1 } = {}) {
      failures.push({ rule, method, chatId, times });
    },
    waitFor(predicate, timeoutMs = 5_000) {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error('fake zalo: no matching call in time'));
        }, timeoutMs);
        const watch = (call: ZaloCall) => {
          if (!predicate(call)) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve(call);
        };
        watchers.add(watch);
      });
    },
    async waitForSent(chatId, count, timeoutMs = 5_000) {
      const texts = () =>
        calls
          .filter((c) => c.ok && SENDING.has(c.method) && String(c.params.chat_id) === chatId)
          .map((c) => String(c.params.text ?? c.params.caption ?? ''));
      const deadline = Date.now() + timeoutMs;
      while (texts().length < count) {
        if (Date.now() > deadline)
          throw new Error(`fake zalo: ${texts().length} of ${count} messages to ${chatId} in time: ${JSON.stringify(texts())}`);
        await new Promise((r) => setTimeout(r, 5));
      }
      return texts();
    },
    setPhoto(name, bytes) {
      photos.set(name, Buffer.from(bytes));
      return `http://127.0.0.1:${port}/photos/${encodeURIComponent(name)}`;
    },
    async close() {
      for (const wake of [...waitingPolls]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let nextMessage = 1;

interface UpdateOptions {
  userId?: string;
  displayName?: string;
  messageId?: string;
  isBot?: boolean;
  /** Sent in a group chat (chat_type "GROUP") rather than a private one. */
  group?: boolean;
}

function envelope(event: string, chatId: string, fields: object, o: UpdateOptions = {}) {
  return {
    event_name: event,
    message: {
      message_id: o.messageId ?? `u${nextMessage++}`,
      date: Date.now(),
      from: { id: o.userId ?? chatId, display_name: o.displayName ?? 'Người dân', is_bot: o.isBot ?? false },
      chat: { id: chatId, chat_type: o.group ? 'GROUP' : 'PRIVATE' },
      ...fields,
    },
  };
}

export const textUpdate = (chatId: string, text: string, o?: UpdateOptions) => envelope('message.text.received', chatId, { text }, o);
export const stickerUpdate = (chatId: string, o?: UpdateOptions) =>
  envelope('message.sticker.received', chatId, { sticker: 'sticker-1' }, o);
export const imageUpdate = (chatId: string, o?: UpdateOptions & { photoUrl?: string; caption?: string }) =>
  envelope('message.image.received', chatId, { photo_url: o?.photoUrl ?? 'https://example.org/a.jpg', caption: o?.caption ?? '' }, o);
