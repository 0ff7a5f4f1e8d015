// A small typed client for the Zalo Bot API: `POST {root}/bot{token}/{method}` with a JSON body.
// The token is part of every URL, so no axios error ever leaves this module: failures become
// ZaloApiError (the API said no) or ZaloNetworkError (no usable answer), built from scratch so
// their message, stack and properties never carry the URL.
import axios, { type AxiosInstance } from 'axios';
import { type Logger, registerSecret } from '../../logger.js';
import { updatesOf, type ZaloUpdate } from './updates.js';

export type { ZaloMessage, ZaloUpdate, ZaloUser } from './updates.js';

export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  /** Not in every source's getMe; used to spot mentions when present. */
  display_name?: string;
  account_type?: string;
  can_join_groups?: boolean;
}

export interface ZaloSent {
  message_id?: string | number;
  date?: number;
}

export interface ZaloWebhookInfo {
  url: string;
  updated_at?: number;
}

/** The API answered `ok: false` (or a non-2xx status): `error_code` and `description` as given. */
export class ZaloApiError extends Error {
  constructor(
    readonly method: string,
    readonly error_code: number,
    readonly description: string,
    /** Seconds to wait, when the API says so (429). */
    readonly retryAfter?: number,
  ) {
    super(`Zalo ${method} failed: ${error_code} ${description}`);
    this.name = 'ZaloApiError';
  }
}

/** No usable answer: connection refused, timeout, a body that is not the API's JSON envelope. */
export class ZaloNetworkError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
  ) {
    super(`Zalo ${method} failed: ${code}`);
    this.name = 'ZaloNetworkError';
  }
}

/** Worth another try: the network, the server, rate limits. A 4xx other than 408/429 will not change. */
export function isTransient(err: unknown): boolean {
  if (err instanceof ZaloNetworkError) return err.code !== 'aborted';
  if (err instanceof ZaloApiError) return err.error_code === 408 || err.error_code === 429 || err.error_code >= 500;
  return false;
}

export interface ZaloClientOptions {
  token: string;
  apiRoot: string;
  logger: Logger;
  /** Per request, for every method but getUpdates (which waits for its poll timeout plus a margin). */
  timeoutMs?: number;
  /** Retries of a transient failure (see isTransient); 0 turns them off. */
  retries?: number;
  /** First backoff delay; doubled on each retry. */
  backoffMs?: number;
}

interface CallOptions {
  timeoutMs?: number;
  retries?: number;
  signal?: AbortSignal;
}

/** The margin over a poll's own timeout after which the client gives up on the connection. */
export const POLL_MARGIN_MS = 5_000;
const MAX_BACKOFF_MS = 30_000;

export class ZaloClient {
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private reachable = false;

  constructor(private readonly options: ZaloClientOptions) {
    registerSecret(options.token);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 3;
    this.backoffMs = options.backoffMs ?? 500;
    this.http = axios.create({
      baseURL: `${options.apiRoot.replace(/\/+$/, '')}/bot${options.token}/`,
      headers: { 'Content-Type': 'application/json' },
      // Every status is read here: the envelope decides, and a non-2xx is an error either way.
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** The last call got an answer from the API that was not a server or token failure. */
  get connected(): boolean {
    return this.reachable;
  }

  getMe(): Promise<ZaloBotInfo> {
    return this.call('getMe', {});
  }

  /** One long poll: an update, several (some servers send an array), or an empty list. 408 = nothing came. */
  async getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<ZaloUpdate[]> {
    try {
      const result = await this.call<ZaloUpdate | ZaloUpdate[] | null>(
        'getUpdates',
        { timeout: timeoutSeconds },
        { timeoutMs: timeoutSeconds * 1000 + POLL_MARGIN_MS, retries: 0, signal },
      );
      return updatesOf(result);
    } catch (err) {
      if (err instanceof ZaloApiError && err.error_code === 408) return [];
      throw err;
    }
  }

  setWebhook(url: string, secretToken: string): Promise<ZaloWebhookInfo> {
    return this.call('setWebhook', { url, secret_token: secretToken });
  }

  deleteWebhook(): Promise<ZaloWebhookInfo> {
    return this.call('deleteWebhook', {});
  }

  getWebhookInfo(): Promise<ZaloWebhookInfo> {
    return this.call('getWebhookInfo', {});
  }

  sendMessage(chatId: string, text: string, options: CallOptions = {}): Promise<ZaloSent> {
    return this.call('sendMessage', { chat_id: chatId, text }, options);
  }

  sendPhoto(chatId: string, photoUrl: string, caption?: string, options: CallOptions = {}): Promise<ZaloSent> {
    return this.call('sendPhoto', { chat_id: chatId, photo: photoUrl, ...(caption ? { caption } : {}) }, options);
  }

  sendChatAction(chatId: string, action: 'typing' = 'typing'): Promise<unknown> {
    return this.call('sendChatAction', { chat_id: chatId, action }, { retries: 0 });
  }

  /** Calls a method, retrying transient failures with exponential backoff (or the API's retry_after). */
  async call<T>(method: string, body: object, options: CallOptions = {}): Promise<T> {
    const retries = options.retries ?? this.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(method, body, options);
      } catch (err) {
        if (attempt >= retries || !isTransient(err) || options.signal?.aborted) throw err;
        const retryAfterMs = err instanceof ZaloApiError && err.retryAfter ? err.retryAfter * 1000 : 0;
        const delay = Math.min(MAX_BACKOFF_MS, Math.max(retryAfterMs, this.backoffMs * 2 ** attempt));
        this.options.logger.warn(
          { method, attempt: attempt + 1, delayMs: delay, err: (err as Error).message },
          'zalo call failed, retrying',
        );
        await sleep(delay, options.signal);
      }
    }
  }

  private async once<T>(method: string, body: object, options: CallOptions): Promise<T> {
    let response;
    try {
      response = await this.http.post(method, body, { timeout: options.timeoutMs ?? this.timeoutMs, signal: options.signal });
    } catch (err) {
      // The axios error holds the full URL (with the token) in several places: keep only its code.
      if (options.signal?.aborted) throw new ZaloNetworkError(method, 'aborted');
      this.reachable = false;
      const code = axios.isAxiosError(err) ? (err.code ?? 'ERR_NETWORK') : 'ERR_UNKNOWN';
      throw new ZaloNetworkError(method, code);
    }
    const data = response.data as
      | { ok?: boolean; result?: T; error_code?: number; description?: string; parameters?: { retry_after?: number } }
      | undefined;
    const envelope = data && typeof data === 'object' && typeof data.ok === 'boolean' ? data : undefined;
    const ok = envelope?.ok === true && response.status >= 200 && response.status < 300;
    const code = ok ? 0 : (envelope?.error_code ?? response.status);
    // Reachable: the API answered, and not with a server fault or a refused token.
    this.reachable = envelope !== undefined && code !== 401 && code < 500;
    if (ok) return envelope!.result as T;
    if (!envelope && response.status < 300) throw new ZaloNetworkError(method, 'ERR_BAD_RESPONSE');
    const retryAfter = envelope?.parameters?.retry_after ?? retryAfterHeader(response.headers['retry-after']);
    throw new ZaloApiError(method, code, envelope?.description ?? `HTTP ${response.status}`, retryAfter);
  }
}

function retryAfterHeader(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
