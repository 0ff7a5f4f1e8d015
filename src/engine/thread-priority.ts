// Background threads (the ingest worker, the parse worker) run at a lower CPU priority than the
// thread that answers questions. On Linux a nice value belongs to a thread, not the process, so the
// calling thread's own id (from /proc/thread-self) is given to setpriority: on a machine with two
// cores and other work, a refresh at 100,000 passages otherwise takes its share of CPU from the
// questions asked meanwhile. It only slows the refresh when the CPU is short.
import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** Nice value of background threads (0 = the process's own, 19 = lowest). */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's priority to BACKGROUND_NICE; returns whether it could (not on
 * systems without per-thread nice values, where the thread keeps the process's priority).
 */
export function lowerThreadPriority(): boolean {
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    os.setPriority(tid, Math.max(BACKGROUND_NICE, os.getPriority(tid)));
    return true;
  } catch {
    return false;
  }
}
