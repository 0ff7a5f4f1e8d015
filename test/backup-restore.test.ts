// Backup and restore: an online backup taken while a broadcast is sending (another process writing
// the database), restored after that process ended; the broadcast resumes from the backup's state
// and every subscriber gets the announcement.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { restoreBackup, takeBackup } from '../src/backup.js';
import { Store } from '../src/db/store.js';
import { clearServiceMark, markServiceRunning, runningService } from '../src/service-marker.js';
import { type FakeTelegram, startFakeTelegram } from './fakes/telegram-api.js';
import { seedSubscribers, spawnBroadcastChild, testConfig } from './helpers/broadcast-child.js';
import { REPO_ROOT } from './helpers/test-env.js';

const SUBSCRIBERS = 1000;

let dir: string;
let tg: FakeTelegram;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-restore-'));
  tg = await startFakeTelegram();
});
afterEach(async () => {
  await tg.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('restores a backup taken mid-broadcast; the broadcast resumes and reaches everyone', { timeout: 60_000 }, async () => {
  const config = testConfig(dir, { TELEGRAM_API_ROOT: tg.apiRoot });
  const store = Store.open(config.paths.database);
  seedSubscribers(store, SUBSCRIBERS);
  store.close();

  const first = spawnBroadcastChild({ dataDir: dir, apiRoot: tg.apiRoot, rate: '300', mode: 'start' });
  const { id } = await first.waitForLine((l) => l.event === 'sending');
  await tg.waitFor(() => tg.countByChat().size >= 300, 20_000);
  const backup = await takeBackup(config);
  expect(await first.exited).toBe(0);
  expect(tg.countByChat().size).toBe(SUBSCRIBERS);

  // What the backup holds: the broadcast part way, nothing lost or invented.
  const snapshot = Store.open(path.join(backup.dir, backup.database.file));
  const atBackup = snapshot.outbox.counts(id);
  snapshot.close();
  expect(atBackup.sent).toBeGreaterThan(0);
  expect(atBackup.sent).toBeLessThan(SUBSCRIBERS);
  for (const f of fs.readdirSync(backup.dir)) expect(fs.statSync(path.join(backup.dir, f)).mode & 0o077).toBe(0);

  // Disaster: the database is gone. Restore, then start again.
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${config.paths.database}${suffix}`, { force: true });
  const { info } = restoreBackup(config, backup.dir);
  expect(info.takenAt).toBe(backup.takenAt);
  const mark = tg.calls.length;
  const second = spawnBroadcastChild({ dataDir: dir, apiRoot: tg.apiRoot, rate: '300', mode: 'resume' });
  expect(await second.exited).toBe(0);
  expect(second.lines.at(-1)).toMatchObject({
    event: 'done',
    progress: { status: 'done', total: SUBSCRIBERS, sent: SUBSCRIBERS, failed: 0 },
  });

  // No loss: every subscriber the backup had not recorded as reached is sent to after the restore.
  const resent = new Set(
    tg.calls
      .slice(mark)
      .filter((c) => c.method === 'sendMessage')
      .map((c) => String(c.params.chat_id)),
  );
  expect(resent.size).toBeGreaterThanOrEqual(SUBSCRIBERS - atBackup.sent);
  expect(tg.countByChat().size).toBe(SUBSCRIBERS);
  console.log(
    `backup at ${atBackup.sent}/${SUBSCRIBERS} sent; after restore ${resent.size} re-sent (those reached after the backup get it twice)`,
  );
});

it('npm run backup and npm run restore work from the command line', { timeout: 60_000 }, async () => {
  const config = testConfig(dir);
  const store = Store.open(config.paths.database);
  seedSubscribers(store, 3);
  store.close();
  const run = promisify(execFile);
  const env = { ...process.env, DATA_DIR: dir, KNOWLEDGE_DIR: path.join(dir, 'knowledge'), LOG_LEVEL: 'silent' };
  const out = path.join(dir, 'my-backup');
  const taken = await run('npm', ['run', '--silent', 'backup', '--', '--out', out], { cwd: REPO_ROOT, env });
  expect(taken.stdout).toContain(`Đã sao lưu cơ sở dữ liệu`);
  expect(fs.existsSync(path.join(out, 'civicbot.db'))).toBe(true);
  fs.rmSync(config.paths.database);
  const restored = await run('npm', ['run', '--silent', 'restore', '--', out], { cwd: REPO_ROOT, env });
  expect(restored.stdout).toContain('Đã khôi phục cơ sở dữ liệu');
  const again = Store.open(config.paths.database);
  expect(again.subscribers.get('telegram', '3')).toBeDefined();
  again.close();
  await expect(run('npm', ['run', '--silent', 'restore', '--', path.join(dir, 'nowhere')], { cwd: REPO_ROOT, env })).rejects.toMatchObject({
    code: 1,
  });

  // While a service runs on the folder (this test process stands in for it), restore refuses; --force overrides.
  markServiceRunning(dir);
  const refused = run('npm', ['run', '--silent', 'restore', '--', out], { cwd: REPO_ROOT, env });
  await expect(refused).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining(`tiến trình ${process.pid}`) });
  const forced = await run('npm', ['run', '--silent', 'restore', '--', out, '--force'], { cwd: REPO_ROOT, env });
  expect(forced.stdout).toContain('Đã khôi phục cơ sở dữ liệu');
  clearServiceMark(dir);
  expect(runningService(dir)).toBeUndefined();
});
