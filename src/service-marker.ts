// The running service marks its data folder (`service.pid`: pid and start time), so that tools
// which must not run beside it — `npm run restore` replaces the database under its feet — can tell
// and refuse. A marker left by a process that died names a process that no longer exists.
import fs from 'node:fs';
import path from 'node:path';
import { processExists } from './process-exists.js';

export const MARKER_FILE = 'service.pid';

export interface ServiceMark {
  pid: number;
  startedAt: string;
}

export function markServiceRunning(dataDir: string): void {
  const mark: ServiceMark = { pid: process.pid, startedAt: new Date().toISOString() };
  fs.writeFileSync(path.join(dataDir, MARKER_FILE), JSON.stringify(mark), { mode: 0o600 });
}

/** Removes the marker if it is this process's. */
export function clearServiceMark(dataDir: string): void {
  if (runningService(dataDir)?.pid === process.pid) fs.rmSync(path.join(dataDir, MARKER_FILE), { force: true });
}

/** The service running on this data folder, if its marker names a live process. */
export function runningService(dataDir: string): ServiceMark | undefined {
  try {
    const mark = JSON.parse(fs.readFileSync(path.join(dataDir, MARKER_FILE), 'utf8')) as ServiceMark;
    return Number.isInteger(mark.pid) && processExists(mark.pid) ? mark : undefined;
  } catch {
    return undefined;
  }
}
