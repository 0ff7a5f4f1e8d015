// Private data on disk: the data directory 0700 and everything in it 0600 (database with -wal and
// -shm, index, attachments), on creation and, with a warning, when an earlier run left it wider.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { securePrivateData } from '../src/private-data.js';
import { startService } from '../src/server/service.js';
import { captureLogs, makeTestEnv, type TestEnv } from './helpers/test-env.js';

const envs: TestEnv[] = [];
afterAll(async () => {
  for (const e of envs) await e.cleanup();
});

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

/** Every directory and file under `dir` (symlinks skipped: their targets are listed themselves). */
function tree(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isSymbolicLink())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('private data on disk', () => {
  it('creates the data directory 0700 and the database, its -wal/-shm and the index 0600', async () => {
    process.umask(0o022);
    const env = await makeTestEnv();
    envs.push(env);
    const service = await startService(env.config, { logger: captureLogs().logger, only: ['web'] });
    await service.indexed;
    const data = env.config.paths.data;
    try {
      expect(modeOf(data)).toBe(0o700);
      const db = env.config.paths.database;
      for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(modeOf(f)).toBe(0o600);
      const files = tree(data);
      expect(files.some((f) => f.includes('index.v-') && f.endsWith('meta.json'))).toBe(true);
      for (const f of files) expect(modeOf(f) & 0o077, f).toBe(0);
    } finally {
      await service.stop();
    }
  });

  it('corrects what it finds wider at start, and says so', async () => {
    process.umask(0o022);
    const env = await makeTestEnv();
    envs.push(env);
    const data = env.config.paths.data;
    fs.mkdirSync(path.join(data, 'attachments'), { recursive: true, mode: 0o755 });
    fs.chmodSync(data, 0o755);
    fs.writeFileSync(path.join(data, 'civicbot.db-wal'), '', { mode: 0o644 });
    fs.writeFileSync(path.join(data, 'attachments', 'a.jpg'), 'x', { mode: 0o664 });
    const logs = captureLogs();
    const corrected = securePrivateData(data, logs.logger);
    expect(corrected.map((p) => path.relative(data, p)).sort()).toEqual(['', 'attachments', 'attachments/a.jpg', 'civicbot.db-wal']);
    expect(modeOf(data)).toBe(0o700);
    expect(modeOf(path.join(data, 'attachments'))).toBe(0o700);
    expect(modeOf(path.join(data, 'attachments', 'a.jpg'))).toBe(0o600);
    expect(modeOf(path.join(data, 'civicbot.db-wal'))).toBe(0o600);
    expect(logs.text()).toContain('permissions corrected');
    // Nothing left to correct: no second warning.
    expect(securePrivateData(data)).toEqual([]);
  });
});
