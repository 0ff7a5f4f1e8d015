// Online backup and restore of the SQLite database. The backup uses SQLite's backup API (through
// better-sqlite3's db.backup()): a consistent copy of the database as of one moment, taken while the
// service keeps reading and writing it (a broadcast sending, residents asking), page by page.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/** Copies the live database `file` to `target` (a new file) and checks the copy. */
export async function backupDatabase(file: string, target: string): Promise<{ bytes: number; tables: number }> {
  if (!fs.existsSync(file)) throw new Error(`no database at ${file}`);
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(target);
  } finally {
    db.close();
  }
  const check = integrityOf(target);
  if (check.result !== 'ok') throw new Error(`the backup ${target} failed its integrity check: ${check.result}`);
  return { bytes: fs.statSync(target).size, tables: check.tables };
}

/** SQLite's integrity check of a database file, and how many tables it holds. */
export function integrityOf(file: string): { result: string; tables: number } {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const result = String(db.pragma('integrity_check', { simple: true }));
    const tables = (db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
    return { result, tables };
  } finally {
    db.close();
  }
}

/**
 * Puts a backup in place of the database `file`, which no process may have open (the service
 * stopped). The copy is checked first and renamed over the database in one step; the old
 * database's -wal and -shm are removed so SQLite does not replay them over the restored file.
 */
export function restoreDatabase(backup: string, file: string): void {
  const check = integrityOf(backup);
  if (check.result !== 'ok') throw new Error(`the backup ${backup} failed its integrity check: ${check.result}`);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.restore-${process.pid}`;
  fs.copyFileSync(backup, tmp);
  fs.chmodSync(tmp, 0o600);
  for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${file}${suffix}`, { force: true });
  fs.renameSync(tmp, file);
}
