import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZaloApiError, ZaloClient, ZaloNetworkError } from '../src/channels/zalo/client.js';
import { createLogger } from '../src/logger.js';
import { type FakeZalo, startFakeZalo, textUpdate } from './fakes/zalo-api.js';

const TOKEN = '9876543210:client-test-secret-abcdefghijklmnopqrstu';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}

/** Everything an error could show when logged or printed: message, stack, own properties. */
const everything = (err: unknown) => `${(err as Error).message}\n${(err as Error).stack}\n${JSON.stringify(err)}\n${String(err)}`;

let fake: FakeZalo | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const client = (apiRoot: string, token = TOKEN, logger = capture().logger) => new ZaloClient({ token, apiRoot, logger, backoffMs: 5 });

describe('ZaloClient', () => {
  it('calls methods with a JSON body and unwraps the result', async () => {
    fake = await startFakeZalo({ token: TOKEN });
    const c = client(fake.apiRoot);
    expect((await c.getMe()).id).toBe(fake.botId);
    await c.sendMessage('chat-1', 'Xin chào');
    expect(fake.sent('chat-1')[0].params).toEqual({ chat_id: 'chat-1', text: 'Xin chào' });
    expect(c.connected).toBe(true);
  });

  it('turns ok:false into ZaloApiError with error_code and description, whatever the HTTP status', async () => {
    for (const errorsWithHttp200 of [false, true]) {
      fake = await startFakeZalo({ token: TOKEN, errorsWithHttp200 });
      fake.failNext({ code: 400, description: 'Bad chat' });
      const err = await client(fake.apiRoot)
        .sendMessage('x', 'y')
        .catch((e) => e);
      expect(err).toBeInstanceOf(ZaloApiError);
      expect(err.error_code).toBe(400);
      expect(err.description).toBe('Bad chat');
      expect(fake.calls).toHaveLength(1); // 400 is not retried
      await fake.close();
      fake = undefined;
    }
  });

  it('treats a non-2xx without the envelope as an error too', async () => {
    const server = http.createServer((_req, res) => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html>Bad gateway</html>'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const err: ZaloApiError = await client(root)
      .call<never>('getMe', {}, { retries: 0 })
      .catch((e: ZaloApiError) => e);
    await new Promise((r) => server.close(r));
    expect(err).toBeInstanceOf(ZaloApiError);
    expect(err.error_code).toBe(502);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    fake = await startFakeZalo({ token: TOKEN });
    fake.failNext({ code: 429 }, { method: 'sendMessage' });
    fake.failNext({ code: 502 }, { method: 'sendMessage' });
    await client(fake.apiRoot).sendMessage('chat-1', 'Xin chào');
    expect(fake.calls.filter((c) => c.method === 'sendMessage').map((c) => c.ok)).toEqual([false, false, true]);
  });

  it('gives up after the configured retries', async () => {
    fake = await startFakeZalo({ token: TOKEN });
    fake.failNext({ code: 500 }, { times: 10 });
    const err = await client(fake.apiRoot)
      .sendMessage('chat-1', 'x')
      .catch((e) => e);
    expect(err).toBeInstanceOf(ZaloApiError);
    expect(fake.calls).toHaveLength(4); // first try + 3 retries
  });

  it('reads an empty poll (408) as no updates, and accepts one update or an array', async () => {
    fake = await startFakeZalo({ token: TOKEN });
    const c = client(fake.apiRoot);
    expect(await c.getUpdates(1)).toEqual([]);
    const update = textUpdate('chat-1', 'xin chào');
    fake.pushUpdate(update);
    expect(await c.getUpdates(1)).toEqual([update]);
    await fake.close();
    fake = await startFakeZalo({ token: TOKEN, arrayUpdates: true });
    fake.pushUpdate(update);
    fake.pushUpdate(update);
    expect(await client(fake.apiRoot).getUpdates(1)).toHaveLength(2);
  });

  it('never shows the token: not in errors of a refused token or a dead server, nor in the log', async () => {
    const { logger, lines } = capture();
    fake = await startFakeZalo({ token: 'another:token-value-1234567890abcdefghij' });
    const refused = await client(fake.apiRoot, TOKEN, logger)
      .getMe()
      .catch((e) => e);
    expect(refused).toBeInstanceOf(ZaloApiError);
    expect(refused.error_code).toBe(401);
    expect(everything(refused)).not.toContain(TOKEN);
    await fake.close();

    // A closed port: connection refused, retried (logged each time), then a network error.
    const dead = await client(fake.apiRoot, TOKEN, logger)
      .getMe()
      .catch((e) => e);
    fake = undefined;
    expect(dead).toBeInstanceOf(ZaloNetworkError);
    expect(dead.code).toBe('ECONNREFUSED');
    expect(everything(dead)).not.toContain(TOKEN);
    expect(everything(dead)).not.toContain('/bot');
    logger.error({ err: dead }, 'zalo failed');
    logger.error({ err: refused }, 'zalo failed');
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.join('\n')).not.toContain(TOKEN);
    expect(lines.join('\n')).not.toContain(TOKEN.split(':')[1]);
  });

  it('ends a held poll at once when aborted (stopping the channel)', async () => {
    fake = await startFakeZalo({ token: TOKEN, maxPollSeconds: 5 });
    const abort = new AbortController();
    const poll = client(fake.apiRoot)
      .getUpdates(5, abort.signal)
      .catch((e) => e);
    setTimeout(() => abort.abort(), 50);
    const err = await poll;
    expect(err).toBeInstanceOf(ZaloNetworkError);
    expect(err.code).toBe('aborted');
  });
});
