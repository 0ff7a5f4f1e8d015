/**
 * A fake Telegram Bot API server for tests and benchmarks: a real node:http server on 127.0.0.1
 * (port 0), so grammY's real HTTP client, plugins and error handling run against it.
 *
 *   const tg = await startFakeTelegram({ token: 'optional; any token is accepted when unset' });
 *   new Bot(token, { client: { apiRoot: tg.apiRoot } });
 *
 * - Every call is recorded in `tg.calls` as `{ method, token, params, ok, at }`; params are parsed
 *   from JSON, urlencoded and multipart bodies (uploaded files become `{ fileName, size, bytes }`,
 *   resolved from grammY's `attach://` references). `sent(chatId?)` lists successful
 *   sendMessage / sendPhoto / sendDocument calls; `countByChat()` counts them per chat (O(1) per
 *   call, for duplicate counting in broadcast benchmarks); `waitFor(predicate)` awaits a call.
 * - `pushUpdate(update)` queues an update (update_id assigned when missing) for getUpdates long
 *   polling: offset confirms earlier updates, timeout (seconds) holds the poll open until an update
 *   arrives. While a webhook is set, getUpdates answers 409 like the real API.
 * - Failures: `failNext(rule, { method?, times = 1 })` fails the next matching calls of any chat;
 *   `failFor(chatId, rule, times = Infinity)` fails calls to one chat (by default only the message
 *   sending methods). Rules: `{ code: 429, retryAfter }`, `{ code: 403, description }`,
 *   `{ code: 400, description }`, `{ code: 500 }`. `clearFailures()` drops all rules.
 * - `setFile(fileId, bytes, filePath)` serves getFile and `GET /file/bot<token>/<filePath>`.
 * - Responses use the real envelope: `{ ok: true, result }` or
 *   `{ ok: false, error_code, description, parameters?: { retry_after } }`; sent messages get
 *   increasing message_id, date and chat. Unknown methods answer `{ ok: true, result: true }`.
 * - Update builders (`textUpdate`, `callbackUpdate`, ...) below make updates for `pushUpdate`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UploadedFile {
  fileName: string;
  size: number;
  bytes: Buffer;
}

export interface RecordedCall {
  method: string;
  token: string;
  params: Record<string, any>;
  /** False when the fake answered with an error (a failure rule or a bad request). */
  ok: boolean;
  /** What the fake answered (e.g. the sent message, for building a callback on its buttons). */
  result?: any;
  at: number;
  /** Position in `calls`: wait for calls after a point with `c.seq >= mark`. */
  seq: number;
}

export type FailureRule =
  | { code: 429; retryAfter?: number; description?: string }
  | { code: 400 | 401 | 403 | 404 | 409; description?: string }
  | { code: 500 | 502 | 503; description?: string };

export interface FakeTelegramOptions {
  /** When set, calls with any other token get 401 Unauthorized. */
  token?: string;
  botId?: number;
  botUsername?: string;
  /** Upper bound on how long a getUpdates poll is held, in seconds (tests keep it short). */
  maxPollSeconds?: number;
}

export interface FakeTelegram {
  apiRoot: string;
  token?: string;
  bot: { id: number; username: string; first_name: string };
  calls: RecordedCall[];
  sent(chatId?: string | number): RecordedCall[];
  countByChat(): Map<string, number>;
  callsOf(method: string): RecordedCall[];
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  pushUpdate(update: Record<string, any>): number;
  failNext(rule: FailureRule, options?: { method?: string; times?: number }): void;
  failFor(chatId: string | number, rule: FailureRule, times?: number, methods?: string[]): void;
  clearFailures(): void;
  setFile(fileId: string, bytes: Uint8Array, filePath: string): void;
  webhookUrl(): string | undefined;
  close(): Promise<void>;
}

const MESSAGE_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument']);
/** Fields grammY serializes as JSON inside multipart / urlencoded bodies. */
const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'link_preview_options',
  'reply_parameters',
  'media',
  'commands',
  'scope',
  'allowed_updates',
]);
const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: chat not found',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

interface ActiveRule {
  rule: FailureRule;
  left: number;
  chatId?: string;
  methods?: Set<string>;
}

interface Poller {
  offset: number;
  limit: number;
  respond: (updates: Record<string, any>[]) => void;
}

export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const bot = { id: options.botId ?? 7_000_000_001, username: options.botUsername ?? 'civic_test_bot', first_name: 'CivicBot' };
  const calls: RecordedCall[] = [];
  const perChat = new Map<string, number>();
  const watchers = new Set<{ predicate: (c: RecordedCall) => boolean; resolve: (c: RecordedCall) => void }>();
  const rules: ActiveRule[] = [];
  const files = new Map<string, { bytes: Buffer; filePath: string }>();
  const commands = new Map<string, unknown[]>();
  let queue: Record<string, any>[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let pollers: Poller[] = [];
  let webhook: { url: string; secret?: string } | undefined;

  const record = (call: RecordedCall) => {
    call.seq = calls.length;
    calls.push(call);
    if (call.ok && MESSAGE_METHODS.has(call.method)) {
      const chat = String(call.params.chat_id);
      perChat.set(chat, (perChat.get(chat) ?? 0) + 1);
    }
    for (const w of watchers) {
      if (w.predicate(call)) {
        watchers.delete(w);
        w.resolve(call);
      }
    }
  };

  const takeFailure = (method: string, params: Record<string, any>): FailureRule | undefined => {
    const chat = params.chat_id === undefined ? undefined : String(params.chat_id);
    const i = rules.findIndex((r) =>
      r.chatId !== undefined ? r.chatId === chat && (r.methods ?? MESSAGE_METHODS).has(method) : !r.methods || r.methods.has(method),
    );
    if (i < 0) return undefined;
    const r = rules[i];
    if (--r.left <= 0) rules.splice(i, 1);
    return r.rule;
  };

  const pending = (offset: number, limit: number) => queue.filter((u) => u.update_id >= offset).slice(0, limit);

  const wakePollers = () => {
    pollers = pollers.filter((p) => {
      const updates = pending(p.offset, p.limit);
      if (!updates.length) return true;
      p.respond(updates);
      return false;
    });
  };

  const chatOf = (chatId: unknown) => {
    const id = Number(chatId);
    return Number.isFinite(id)
      ? { id, type: id < 0 ? 'supergroup' : 'private', ...(id < 0 ? { title: 'Nhóm thử' } : { first_name: 'Cư dân' }) }
      : { id: chatId, type: 'channel' };
  };

  const messageFor = (method: string, p: Record<string, any>) => {
    const msg: Record<string, any> = {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: chatOf(p.chat_id),
      from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
    };
    if (p.text !== undefined) msg.text = p.text;
    if (p.entities) msg.entities = p.entities;
    if (p.caption !== undefined) msg.caption = p.caption;
    if (p.caption_entities) msg.caption_entities = p.caption_entities;
    if (p.reply_markup) msg.reply_markup = p.reply_markup;
    if (method === 'sendPhoto')
      msg.photo = [{ file_id: `photo-${msg.message_id}`, file_unique_id: `p${msg.message_id}`, width: 800, height: 600 }];
    if (method === 'sendDocument') {
      const name = typeof p.document === 'object' && p.document?.fileName ? p.document.fileName : 'file.dat';
      msg.document = { file_id: `doc-${msg.message_id}`, file_unique_id: `d${msg.message_id}`, file_name: name };
    }
    return msg;
  };

  /** The happy-path result of one method; throws a FailureRule for a request the real API would refuse. */
  const resultOf = (method: string, p: Record<string, any>): unknown => {
    switch (method) {
      case 'getMe':
        return { ...bot, is_bot: true, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'sendMessage':
        if (typeof p.text !== 'string' || !p.text.length) throw { code: 400, description: 'Bad Request: message text is empty' };
        if (p.text.length > 4096) throw { code: 400, description: 'Bad Request: message is too long' };
        return messageFor(method, p);
      case 'sendPhoto':
      case 'sendDocument':
        if (typeof p.caption === 'string' && p.caption.length > 1024)
          throw { code: 400, description: 'Bad Request: message caption is too long' };
        return messageFor(method, p);
      case 'editMessageText':
      case 'editMessageReplyMarkup':
        if (p.inline_message_id) return true;
        return { ...messageFor(method, p), message_id: Number(p.message_id), edit_date: Math.floor(Date.now() / 1000) };
      case 'setMyCommands':
        commands.set(scopeKey(p), p.commands ?? []);
        return true;
      case 'deleteMyCommands':
        commands.delete(scopeKey(p));
        return true;
      case 'getMyCommands':
        return commands.get(scopeKey(p)) ?? [];
      case 'setWebhook':
        webhook = p.url ? { url: String(p.url), secret: p.secret_token } : undefined;
        return true;
      case 'deleteWebhook':
        webhook = undefined;
        if (p.drop_pending_updates === true || p.drop_pending_updates === 'true') queue = [];
        return true;
      case 'getWebhookInfo':
        return { url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: webhook ? 0 : queue.length };
      case 'getFile': {
        const f = files.get(String(p.file_id));
        if (!f) throw { code: 400, description: 'Bad Request: invalid file_id' };
        return { file_id: p.file_id, file_unique_id: `u-${p.file_id}`, file_size: f.bytes.length, file_path: f.filePath };
      }
      default:
        return true;
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && fileMatch) {
      const entry = [...files.values()].find((f) => f.filePath === decodeURIComponent(fileMatch[2]));
      if (!entry || (options.token && fileMatch[1] !== options.token)) {
        res.writeHead(404).end('Not Found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': entry.bytes.length }).end(entry.bytes);
      return;
    }
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!m) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token, method] = m;
      let params: Record<string, any>;
      try {
        params = { ...Object.fromEntries(url.searchParams), ...parseBody(req.headers['content-type'], Buffer.concat(chunks)) };
      } catch {
        return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: cannot parse body' });
      }
      const call: RecordedCall = { method, token, params, ok: false, at: Date.now(), seq: -1 };
      if (options.token && token !== options.token) {
        record(call);
        return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      }
      const failure = takeFailure(method, params);
      if (failure) {
        record(call);
        return replyError(res, failure);
      }
      if (method === 'getUpdates') return handleGetUpdates(call, res);
      let result: unknown;
      try {
        result = resultOf(method, params);
      } catch (refusal) {
        record(call);
        return replyError(res, refusal as FailureRule);
      }
      call.ok = true;
      call.result = result;
      record(call);
      reply(res, 200, { ok: true, result });
    });
  });

  const handleGetUpdates = (call: RecordedCall, res: http.ServerResponse) => {
    if (webhook) {
      record(call);
      return replyError(res, {
        code: 409,
        description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      });
    }
    call.ok = true;
    record(call);
    const p = call.params;
    const offset = p.offset === undefined ? 0 : Number(p.offset);
    const limit = Math.min(100, p.limit === undefined ? 100 : Number(p.limit));
    // A non-zero offset confirms every earlier update: the real server forgets them.
    if (offset > 0) queue = queue.filter((u) => u.update_id >= offset);
    const ready = pending(offset, limit);
    const timeout = Math.min(Number(p.timeout ?? 0), options.maxPollSeconds ?? 50);
    if (ready.length || timeout <= 0) return reply(res, 200, { ok: true, result: ready });
    const poller: Poller = {
      offset,
      limit,
      respond: (updates) => {
        clearTimeout(timer);
        reply(res, 200, { ok: true, result: updates });
      },
    };
    const timer = setTimeout(() => {
      pollers = pollers.filter((x) => x !== poller);
      reply(res, 200, { ok: true, result: [] });
    }, timeout * 1000);
    // A client that gives up (bot.stop aborts its fetch) must not keep the poller alive.
    res.on('close', () => {
      clearTimeout(timer);
      pollers = pollers.filter((x) => x !== poller);
    });
    pollers.push(poller);
  };

  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token: options.token,
    bot,
    calls,
    sent: (chatId) =>
      calls.filter((c) => c.ok && MESSAGE_METHODS.has(c.method) && (chatId === undefined || String(c.params.chat_id) === String(chatId))),
    countByChat: () => new Map(perChat),
    callsOf: (method) => calls.filter((c) => c.method === method),
    waitFor: (predicate, timeoutMs = 5000) => {
      const found = calls.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          predicate,
          resolve: (c: RecordedCall) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          watchers.delete(w);
          reject(new Error(`fake Telegram: no matching call within ${timeoutMs} ms (${calls.length} calls recorded)`));
        }, timeoutMs);
        watchers.add(w);
      });
    },
    pushUpdate: (update) => {
      const u = { ...update, update_id: update.update_id ?? nextUpdateId };
      nextUpdateId = Math.max(nextUpdateId, u.update_id) + 1;
      queue.push(u);
      wakePollers();
      return u.update_id;
    },
    failNext: (rule, o = {}) => rules.push({ rule, left: o.times ?? 1, methods: o.method ? new Set([o.method]) : undefined }),
    failFor: (chatId, rule, times = Infinity, methods) =>
      rules.push({ rule, left: times, chatId: String(chatId), methods: methods ? new Set(methods) : undefined }),
    clearFailures: () => {
      rules.length = 0;
    },
    setFile: (fileId, bytes, filePath) => {
      files.set(fileId, { bytes: Buffer.from(bytes), filePath });
    },
    webhookUrl: () => webhook?.url,
    close: async () => {
      for (const p of pollers) p.respond([]);
      pollers = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function replyError(res: http.ServerResponse, rule: FailureRule): void {
  const description =
    rule.description ??
    (rule.code === 429 ? `Too Many Requests: retry after ${rule.retryAfter ?? 1}` : (DEFAULT_DESCRIPTIONS[rule.code] ?? 'Error'));
  reply(res, rule.code, {
    ok: false,
    error_code: rule.code,
    description,
    ...(rule.code === 429 ? { parameters: { retry_after: rule.retryAfter ?? 1 } } : {}),
  });
}

const scopeKey = (p: Record<string, any>) => `${JSON.stringify(p.scope ?? { type: 'default' })}|${p.language_code ?? ''}`;

function fieldValue(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function parseBody(contentType: string | undefined, body: Buffer): Record<string, any> {
  if (!body.length) return {};
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8'));
  if (type.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries([...new URLSearchParams(body.toString('utf8'))].map(([k, v]) => [k, fieldValue(k, v)]));
  if (type.startsWith('multipart/form-data')) return parseMultipart(type, contentType!, body);
  return {};
}

/** A lenient multipart reader: grammY writes `content-disposition:form-data;name="x";filename=y` without spaces or quotes. */
function parseMultipart(lowerType: string, contentType: string, body: Buffer): Record<string, any> {
  const at = lowerType.indexOf('boundary=');
  const boundary = contentType
    .slice(at + 'boundary='.length)
    .split(';')[0]
    .trim()
    .replace(/^"|"$/g, '');
  const delimiter = Buffer.from(`--${boundary}`);
  const fields: Record<string, any> = {};
  const uploads = new Map<string, UploadedFile>();
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? /name=([^;\r\n]+)/i.exec(headers)?.[1];
    const fileName = /filename="([^"]*)"/i.exec(headers)?.[1] ?? /filename=([^;\r\n]+)/i.exec(headers)?.[1];
    if (name !== undefined) {
      if (fileName !== undefined) uploads.set(name, { fileName: fileName.trim(), size: content.length, bytes: Buffer.from(content) });
      else fields[name] = fieldValue(name, content.toString('utf8'));
    }
    pos = next;
  }
  // grammY names file parts by random ids and points to them with attach://<id>.
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string' && value.startsWith('attach://')) {
      const file = uploads.get(value.slice('attach://'.length));
      if (file) fields[key] = file;
    }
  }
  return fields;
}

// ---- Update builders -------------------------------------------------------------------------

export interface UserRef {
  id: number;
  first_name?: string;
  username?: string;
}

let builderMessageId = 1_000_000;
const now = () => Math.floor(Date.now() / 1000);
const userOf = (u: UserRef) => ({ is_bot: false, first_name: 'Cư dân', ...u });
const chatFor = (chatId: number, from: UserRef) =>
  chatId < 0
    ? { id: chatId, type: 'supergroup', title: 'Nhóm thử' }
    : { id: chatId, type: 'private', first_name: from.first_name ?? 'Cư dân' };

/** A message update; `extra` adds fields such as sticker, photo, document, reply_to_message. */
export function messageUpdate(chatId: number, from: UserRef, extra: Record<string, any>): Record<string, any> {
  return { message: { message_id: builderMessageId++, date: now(), chat: chatFor(chatId, from), from: userOf(from), ...extra } };
}

/** A text message; a leading /command gets its bot_command entity like the real API sends. */
export function textUpdate(chatId: number, from: UserRef, text: string, extra: Record<string, any> = {}): Record<string, any> {
  const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
  const entities = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : undefined;
  return messageUpdate(chatId, from, { text, ...(entities ? { entities } : {}), ...extra });
}

/** A button press on a message the bot sent (pass the message object from a recorded call's result or a stub). */
export function callbackUpdate(chatId: number, from: UserRef, data: string, message: Record<string, any>): Record<string, any> {
  return {
    callback_query: {
      id: String(builderMessageId++),
      from: userOf(from),
      chat_instance: `ci-${chatId}`,
      data,
      message: { date: now(), chat: chatFor(chatId, from), ...message },
    },
  };
}
