// The staff console for tests: the real service (startService) with accounts made as
// `npm run user` makes them, and an HTTP client that keeps its cookies like a browser.
import { hashPassword } from '../../src/server/console/auth.js';
import { type RunningService, startService } from '../../src/server/service.js';
import { captureLogs, makeTestEnv, type TestEnv } from './test-env.js';

export const PASSWORD = 'mat-khau-thu-nghiem';

export interface ConsoleFixture {
  env: TestEnv;
  service: RunningService;
  logs: ReturnType<typeof captureLogs>;
  addUser(name: string, role: 'staff' | 'admin', displayName?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startConsole(vars: Record<string, string> = {}): Promise<ConsoleFixture> {
  const env = await makeTestEnv(vars);
  const logs = captureLogs();
  const service = await startService(env.config, { logger: logs.logger, reloadIntervalMs: 200 });
  await service.indexed;
  return {
    env,
    service,
    logs,
    async addUser(name, role, displayName = name) {
      service.store.console.users.add({ name, displayName, role, passwordHash: await hashPassword(PASSWORD) });
    },
    async close() {
      await service.stop();
      await env.cleanup();
    },
  };
}

/** fetch with a cookie jar and the console's CSRF token, as the console page uses the API. */
export class ConsoleClient {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: { ...headers }, redirect: 'manual' };
    const h = init.headers as Record<string, string>;
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) {
      h['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(this.base + path, init);
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
    const text = await response.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, body: json, text };
  }

  /** A cookie's value as the browser would send it (decoded). */
  cookie(name: string): string | undefined {
    const value = this.cookies.get(name);
    return value === undefined ? undefined : decodeURIComponent(value);
  }

  /** GET /session for a CSRF token (and the session it lives in). */
  async start() {
    const r = await this.request('GET', '/quan-tri/api/session');
    this.csrf = r.body.csrfToken;
    return r;
  }

  async signIn(name: string, password = PASSWORD) {
    if (!this.csrf) await this.start();
    const r = await this.request('POST', '/quan-tri/api/sign-in', { name, password }, { 'x-csrf-token': this.csrf });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r;
  }

  get(path: string) {
    return this.request('GET', `/quan-tri/api${path}`);
  }

  send(method: string, path: string, body?: unknown) {
    return this.request(method, `/quan-tri/api${path}`, body, { 'x-csrf-token': this.csrf });
  }
}
