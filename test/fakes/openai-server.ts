// A small OpenAI-compatible server on 127.0.0.1 for tests: /v1/chat/completions and
// /v1/embeddings, driven by the real `openai` client. Chat behaviour is programmable per test:
// a normal reply, a delay (to trip the client's timeout), an HTTP error (500, 429), or output
// the client or the engine must reject (not JSON, no choices, empty text).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  [key: string]: unknown;
}

export type ChatBehaviour =
  | { kind: 'reply'; content: string }
  | { kind: 'delay'; ms: number; content?: string }
  | { kind: 'status'; status: number }
  | { kind: 'not_json' }
  | { kind: 'no_choices' }
  | { kind: 'empty' };

export type ChatHandler = ChatBehaviour | ((body: ChatRequestBody) => ChatBehaviour);

export interface FakeOpenAi {
  /** Base URL for the client, ending in /v1. */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: { path: string; body: unknown }[];
  /** Chat requests only. */
  chatRequests(): ChatRequestBody[];
  setChat(handler: ChatHandler): void;
  close(): Promise<void>;
}

const DEFAULT_DIMENSIONS = 64;

/** A deterministic bag-of-words vector: texts sharing words point the same way. */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  for (const word of text
    .toLowerCase()
    .normalize('NFC')
    .match(/[\p{L}\p{N}]+/gu) ?? []) {
    let h = 2166136261;
    for (const ch of word) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619);
    v[(h >>> 0) % dimensions] += 1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

export async function startFakeOpenAi(initial: ChatHandler = { kind: 'reply', content: 'OK [1]' }): Promise<FakeOpenAi> {
  let handler = initial;
  const requests: { path: string; body: unknown }[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const path = (req.url ?? '').split('?')[0];
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      return send(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
    }
    requests.push({ path, body });

    if (req.method === 'POST' && path === '/v1/embeddings') {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const dimensions = Number(body.dimensions) || DEFAULT_DIMENSIONS;
      const data = inputs.map((text, index) => {
        const vector = fakeEmbedding(String(text), dimensions);
        // The client asks for base64 by default and decodes it itself.
        const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
        return { object: 'embedding', index, embedding };
      });
      return send(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 1, total_tokens: 1 } });
    }

    if (req.method === 'POST' && path === '/v1/chat/completions') {
      const b = typeof handler === 'function' ? handler(body as ChatRequestBody) : handler;
      switch (b.kind) {
        case 'reply':
          return send(res, 200, completion(body.model, b.content));
        case 'delay': {
          const timer = setTimeout(() => {
            timers.delete(timer);
            send(res, 200, completion(body.model, b.content ?? 'muộn [1]'));
          }, b.ms);
          timers.add(timer);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        case 'status':
          return send(res, b.status, { error: { message: `fake error ${b.status}`, type: 'server_error', code: null } });
        case 'not_json':
          res.writeHead(200, { 'content-type': 'application/json' });
          return res.end('{"choices": [ this is not json');
        case 'no_choices':
          return send(res, 200, { id: 'x', object: 'chat.completion', model: body.model, choices: [] });
        case 'empty':
          return send(res, 200, completion(body.model, ''));
      }
    }
    send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    chatRequests: () => requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body as ChatRequestBody),
    setChat(h) {
      handler = h;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
