// `npm run backup [-- --out DIR]`: an online backup of the database and the index manifest, also
// while the service runs and a broadcast is sending. Prints where it went.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { takeBackup } from '../backup.js';
import { loadConfigOrReport } from '../config.js';
import { securePrivateData } from '../private-data.js';
import { backupTexts as t } from '../texts/backup.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const config = loadConfigOrReport();
if (!config) process.exit(1);
securePrivateData(config.paths.data);
try {
  const info = await takeBackup(config, values.out);
  console.log(t.done(info.dir, info.database.bytes, info.index.length > 0));
} catch (err) {
  console.error(t.failed(err instanceof Error ? err.message : String(err)));
  process.exitCode = 1;
}
