// Names a delivery worker in the lease table ("host/pid/nonce") and tells whether the worker behind
// a name is certainly dead. Only a process on this machine can be checked; one elsewhere is
// trusted until its lease expires.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { processExists } from '../process-exists.js';

export function newWorkerId(): string {
  return `${os.hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/**
 * True when `holder` ran on this host in a process that no longer exists (after a kill -9, the
 * restarted service takes over at once instead of waiting for the lease to expire).
 */
export function workerIsGone(holder: string): boolean {
  const [host, pidText] = holder.split('/');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  return !processExists(pid);
}
