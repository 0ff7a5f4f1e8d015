// Residents' chat ids, names, questions and wards live in DATA_DIR (the database and its -wal/-shm,
// the index, announcement attachments, backups). Nobody but the service's own user may read them:
// everything this process creates is made private (umask 077: directories 0700, files 0600), and
// what an earlier version or an operator left wider is corrected at start, with a warning.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';

const GROUP_AND_OTHERS = 0o077;

/**
 * Makes the data directory private: sets the umask for every file created from now on, creates the
 * directory 0700 if missing, and takes group and other permissions off everything found under it.
 * Returns the paths corrected.
 */
export function securePrivateData(dataDir: string, logger?: Logger): string[] {
  process.umask(GROUP_AND_OTHERS);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const corrected: string[] = [];
  const visit = (p: string) => {
    const stat = fs.lstatSync(p, { throwIfNoEntry: false });
    // A symlink's own mode means nothing; its target (an index version) is visited as a sibling.
    if (!stat || stat.isSymbolicLink()) return;
    if (stat.mode & GROUP_AND_OTHERS) {
      fs.chmodSync(p, stat.mode & 0o700);
      corrected.push(p);
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(dataDir);
  if (corrected.length)
    logger?.warn(
      { dataDir, corrected: corrected.length, examples: corrected.slice(0, 5).map((p) => path.relative(dataDir, p) || '.') },
      'private data was readable by other users: permissions corrected (directories 0700, files 0600)',
    );
  return corrected;
}
