// `npm start` as a real process (tsx src/main.ts): the clear message and exit code for bad
// configuration, a start on a fresh folder, and shutdown on SIGTERM (a second signal forces it).
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAi } from './fakes/openai-server.js';
import { makeTestEnv, REPO_ROOT } from './helpers/test-env.js';
import { getJson, postJson } from './helpers/web-server.js';

const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const MAIN = path.join(REPO_ROOT, 'src/main.ts');

interface Child {
  process: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

const children: Child[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  // The whole group: killing `npm start` alone would leave its tsx and node running after a timeout.
  for (const c of children.splice(0)) if (c.process.exitCode === null) killGroup(c.process.pid);
  for (const c of cleanups.splice(0)) await c();
});

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Runs main.ts with only the given variables (no inherited configuration), in `cwd`; with `viaNpm`,
 * as deployments do: `npm start` in the repository (so signals must pass through npm and its shell).
 */
function runMain(vars: Record<string, string>, args: string[] = [], cwd = REPO_ROOT, viaNpm = false): Child {
  const [command, argv] = viaNpm ? ['npm', ['start', '--silent', '--', ...args]] : [TSX, [MAIN, ...args]];
  const child = spawn(command, argv as string[], {
    cwd,
    // Its own process group, so that a signal can reach every process of it, as systemd sends it
    // (and so that a test that fails can take all of it down).
    detached: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...vars },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const c = { process: child, stdout: () => out, stderr: () => err, exited };
  children.push(c);
  return c;
}

async function waitForLog(child: Child, msg: string, timeoutMs = 20_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = child
      .stdout()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>)
      .find((l) => String(l.msg).includes(msg));
    if (line) return line;
    if (Date.now() > deadline || child.process.exitCode !== null)
      throw new Error(`no log line "${msg}"; stdout:\n${child.stdout()}\nstderr:\n${child.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start (src/main.ts)', () => {
  it('exits 1 with one clear message naming each bad variable', async () => {
    const child = runMain({ PORT: 'abc', WEB_RATE_LIMIT_PER_MINUTE: '0' });
    expect(await child.exited).toBe(1);
    const err = child.stderr();
    expect(err).toContain('Cấu hình không hợp lệ');
    expect(err).toMatch(/^\s+- PORT: .*"abc"/m);
    expect(err).toMatch(/^\s+- WEB_RATE_LIMIT_PER_MINUTE: /m);
    expect(child.stdout()).toBe('');
  });

  it('exits 1 with usage for an unknown --only part', async () => {
    const child = runMain({}, ['--only', 'web,fax']);
    expect(await child.exited).toBe(1);
    expect(child.stderr()).toContain('--only: unknown part "fax"');
  });

  it('starts on a fresh folder, answers, and stops cleanly on SIGTERM', async () => {
    const env = await makeTestEnv({ LOG_FORMAT: 'json' });
    cleanups.push(() => env.cleanup());
    const child = runMain(env.vars, [], env.dir);

    const { url } = await waitForLog(child, 'web chat: open');
    expect((await getJson(`${url}healthz`)).status).toBe(200);
    await waitForLog(child, 'knowledge index ready');
    expect((await getJson(`${url}readyz`)).status).toBe(200);
    const answer = await postJson(`${url}api/ask`, { question: 'cau doi ky da xong chua' });
    expect(answer.body.status).toBe('answered');

    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.stdout()).toContain('"msg":"stopped"');
  });

  it('`npm start` passes SIGTERM on to the service, which stops and frees its port', async () => {
    const env = await makeTestEnv({ LOG_FORMAT: 'json' });
    cleanups.push(() => env.cleanup());
    const child = runMain(env.vars, [], REPO_ROOT, true);
    const { url } = await waitForLog(child, 'web chat: open');
    await waitForLog(child, 'knowledge index ready');

    child.process.kill('SIGTERM');
    await child.exited;
    await waitForLog(child, 'stopped', 5_000);
    await expect(fetch(`${url}healthz`)).rejects.toThrow();
  });

  it('a second signal exits at once, without waiting for answers in flight', async () => {
    const llm = await startFakeOpenAi({ kind: 'delay', ms: 20_000, content: 'muộn [1]' });
    cleanups.push(() => llm.close());
    const env = await makeTestEnv({ LOG_FORMAT: 'json', OPENAI_BASE_URL: llm.url, LLM_TIMEOUT_MS: '60000' });
    cleanups.push(() => env.cleanup());
    const child = runMain(env.vars, [], env.dir);
    const { url } = await waitForLog(child, 'web chat: open');
    await waitForLog(child, 'knowledge index ready');

    const inFlight = postJson(`${url}api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?' }).catch((err: Error) => err);
    while (!llm.chatRequests().length) await new Promise((r) => setTimeout(r, 50));
    child.process.kill('SIGTERM');
    await waitForLog(child, 'shutting down');
    // A repeat within half a second is the same signal delivered twice (see below), not a second one.
    await new Promise((r) => setTimeout(r, 700));
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(1);
    expect(child.stdout()).toContain('second signal');
    expect(await inFlight).toBeInstanceOf(Error);
  });

  it('stops cleanly (exit 0, once) when SIGTERM reaches the whole process group: npm, tsx and node', async () => {
    const env = await makeTestEnv({ LOG_FORMAT: 'json' });
    cleanups.push(() => env.cleanup());
    const child = runMain(env.vars, [], REPO_ROOT, true);
    await waitForLog(child, 'knowledge index ready');
    process.kill(-child.process.pid!, 'SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.stdout()).toContain('"msg":"stopped"');
    expect(child.stdout()).not.toContain('second signal');
  });

  it('with a Telegram API that never answers: says so within 5 s, keeps the web chat, and still stops with exit 0', async () => {
    const blackHole = net.createServer(() => undefined);
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    const sockets = new Set<net.Socket>();
    blackHole.on('connection', (s) => sockets.add(s));
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => blackHole.close(r));
    });
    const env = await makeTestEnv({
      LOG_FORMAT: 'json',
      TELEGRAM_BOT_TOKEN: '123456:telegram-token-abcdefghijklmnopqrstuvwxyz',
      TELEGRAM_API_ROOT: `http://127.0.0.1:${(blackHole.address() as net.AddressInfo).port}`,
    });
    cleanups.push(() => env.cleanup());
    for (const target of ['group', 'process'] as const) {
      const child = runMain(env.vars, [], REPO_ROOT, true);
      const { url } = await waitForLog(child, 'web chat: open');
      const warned = await waitForLog(child, 'telegram: cannot reach its API', 8_000);
      expect(warned).toMatchObject({ level: 40, channel: 'telegram' });
      const answer = await postJson(`${url}api/ask`, { question: 'Cầu Đội Kỳ đã xong chưa?' });
      expect(answer.body.status).toBe('answered');
      if (target === 'group') process.kill(-child.process.pid!, 'SIGTERM');
      else child.process.kill('SIGTERM');
      expect(await child.exited).toBe(0);
    }
  });
});
