// `npm run restore -- DIR`: puts the database of a backup back. Refused while the service runs; start it
// again afterwards: broadcasts that were sending at the time of the backup resume where it stood.
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { restoreBackup } from '../backup.js';
import { loadConfigOrReport } from '../config.js';
import { securePrivateData } from '../private-data.js';
import { runningService } from '../service-marker.js';
import { backupTexts as t } from '../texts/backup.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { force: { type: 'boolean', default: false } } });
const config = loadConfigOrReport();
if (!config) process.exit(1);
if (positionals.length !== 1) {
  console.error(t.restoreUsage);
  process.exit(1);
}
securePrivateData(config.paths.data);
// Replacing the database under a running service would leave it writing to the file renamed away.
const service = runningService(config.paths.data);
if (service && !values.force) {
  console.error(t.serviceRunning(service.pid, service.startedAt));
  process.exit(1);
}
try {
  const { info, missingDocuments } = restoreBackup(config, positionals[0]);
  console.log(t.restored(info.takenAt, config.paths.database));
  if (missingDocuments.length) console.log(t.missingDocuments(missingDocuments));
} catch (err) {
  console.error(t.failed(err instanceof Error ? err.message : String(err)));
  process.exitCode = 1;
}
