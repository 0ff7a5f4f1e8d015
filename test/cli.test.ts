// The command-line tools as real processes against an OpenAI-compatible endpoint that rejects the
// key and echoes it back (as real providers do: "Incorrect API key provided: sk-..."): the error is
// printed, the key is not.
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/test-env.js';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const API_KEY = 'sk-cli-test-4b1d8e0c9a7f2e6d';

let server: http.Server;
let baseUrl: string;
let dir: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(401, { 'content-type': 'application/json' });
    const message = `Incorrect API key provided: ${req.headers.authorization ?? ''}. You can find your API key at https://platform.example/account/api-keys.`;
    res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code: 'invalid_api_key' } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-cli-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await fs.rm(dir, { recursive: true, force: true });
});

function run(script: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn(TSX, [path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      DATA_DIR: path.join(dir, `data-${path.basename(script, '.ts')}`),
      KNOWLEDGE_DIR: path.join(REPO_ROOT, 'knowledge'),
      EMBEDDING_PROVIDER: 'openai',
      OPENAI_BASE_URL: baseUrl,
      OPENAI_API_KEY: API_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out })));
}

describe('a rejected API key never appears in what the CLIs print', () => {
  it.each([
    ['npm run ask', 'src/cli/ask.ts', ['Cầu Đội Kỳ đã xong chưa?']],
    ['npm run ingest', 'src/cli/ingest.ts', []],
  ])('%s', async (_name, script, args) => {
    const { code, out } = await run(script, args);
    expect(code).toBe(1);
    // The failure is explained (the endpoint's own words, with the key masked)...
    expect(out).toContain('Incorrect API key provided: Bearer [REDACTED]');
    // ...and the key is nowhere, whole or in part.
    expect(out).not.toContain(API_KEY);
    expect(out).not.toContain(API_KEY.slice(3, 20));
  });
});
