// `npm run backup` and `npm run restore`: the database (residents, subscriptions, announcements and
// their deliveries, votes, staff accounts) copied online with SQLite's backup API, plus the index's
// manifest and metadata (which documents, with which content hashes, were indexed: the index
// itself is rebuilt from the knowledge folder and the embedding cache). A backup is a folder
// DATA_DIR/backups/<time>/ (or --out DIR), private like everything in DATA_DIR.
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.js';
import { backupDatabase, restoreDatabase } from './db/backup.js';

export interface BackupInfo {
  dir: string;
  takenAt: string;
  database: { file: string; bytes: number; tables: number };
  /** The index manifest and metadata copied, if there was an index. */
  index: string[];
}

const DB_FILE = 'civicbot.db';
const INDEX_FILES = ['manifest.json', 'meta.json'];
const INFO_FILE = 'backup.json';

export async function takeBackup(config: Config, outDir?: string): Promise<BackupInfo> {
  const takenAt = new Date();
  const stamp = takenAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const dir = path.resolve(outDir ?? path.join(config.paths.data, 'backups', stamp));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (fs.readdirSync(dir).length) throw new Error(`backup folder ${dir} is not empty`);
  const database = await backupDatabase(config.paths.database, path.join(dir, DB_FILE));
  const index: string[] = [];
  for (const name of INDEX_FILES) {
    const from = path.join(config.paths.index, name);
    if (!fs.existsSync(from)) continue;
    fs.copyFileSync(from, path.join(dir, `index-${name}`));
    index.push(`index-${name}`);
  }
  const info: BackupInfo = { dir, takenAt: takenAt.toISOString(), database: { file: DB_FILE, ...database }, index };
  fs.writeFileSync(path.join(dir, INFO_FILE), `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  // Private whatever the umask of the process that called (the CLIs set 077 anyway).
  for (const name of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, name), 0o600);
  fs.chmodSync(dir, 0o700);
  return info;
}

export interface RestoreResult {
  info: BackupInfo;
  /** Files the backup's index manifest lists that are not in the knowledge folder now. */
  missingDocuments: string[];
}

/** Restores the database of the backup in `dir` (the service must be stopped). */
export function restoreBackup(config: Config, dir: string): RestoreResult {
  const infoFile = path.join(dir, INFO_FILE);
  if (!fs.existsSync(infoFile)) throw new Error(`${dir} is not a backup (no ${INFO_FILE})`);
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as BackupInfo;
  restoreDatabase(path.join(dir, info.database.file), config.paths.database);
  const manifestFile = path.join(dir, 'index-manifest.json');
  const files = fs.existsSync(manifestFile)
    ? Object.keys((JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { files?: Record<string, unknown> }).files ?? {})
    : [];
  const missingDocuments = files.filter((rel) => !fs.existsSync(path.join(config.paths.knowledge, rel)));
  return { info, missingDocuments };
}
