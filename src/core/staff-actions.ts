// What staff and admins do besides composing an announcement, the same on every channel: the
// progress of recent announcements, stopping one, refreshing the knowledge base, adding a
// document. Each checks the role (audited) and answers in the shared texts; the adapter only
// decides how a list of stoppable announcements is offered (buttons, a keyword hint).
import path from 'node:path';
import type { BroadcastService } from '../broadcast/service.js';
import { AUDIT, type ChatRef, isStoppable, logFields } from '../domain/index.js';
import { SUPPORTED_EXTENSIONS } from '../engine/loaders/index.js';
import type { Logger } from '../logger.js';
import { botTexts } from '../texts/bot.js';
import { attempt } from './broadcast-attempt.js';
import { reasonFor } from './error-reason.js';
import { formatRecentAnnouncements } from './format.js';
import type { ResidentService } from './resident-service.js';

/** How many announcements the progress list shows. */
export const RECENT_ANNOUNCEMENTS = 5;

export type Say = (text: string) => Promise<unknown>;

export class StaffActions {
  constructor(
    private readonly deps: {
      residents: ResidentService;
      broadcast: BroadcastService;
      logger: Logger;
    },
  ) {}

  /** Recent announcements with their progress, and the ones that can still be stopped. */
  progress(ref: ChatRef): { text: string; stoppable: number[] } {
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.progress)) return { text: botTexts.notAllowed, stoppable: [] };
    const recent = this.deps.broadcast.recent(RECENT_ANNOUNCEMENTS);
    return { text: formatRecentAnnouncements(recent), stoppable: recent.filter(isStoppable).map((a) => a.id) };
  }

  /** Stops an announcement that is sending or scheduled; what is not yet sent is skipped. */
  stop(ref: ChatRef, id: number): string {
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.cancel)) return botTexts.notAllowed;
    const stopped = attempt(() => this.deps.broadcast.cancel(id));
    return stopped.ok ? botTexts.stopped(id) : botTexts.stopRefused(stopped.problems);
  }

  /** Re-reads the knowledge folder; says that it started, then what changed (or why it failed). */
  async refresh(ref: ChatRef, say: Say): Promise<void> {
    const { residents, logger } = this.deps;
    if (!residents.authorize(ref, 'admin', AUDIT.refresh)) return void (await say(botTexts.notAllowed));
    await say(botTexts.refreshStarted);
    try {
      await say(botTexts.refreshDone(await residents.refreshKnowledge()));
    } catch (err) {
      logger.error({ err, channel: ref.channel }, 'knowledge refresh from chat failed');
      await say(botTexts.refreshFailed(reasonFor(err)));
    }
  }

  /**
   * Adds a document an admin sent. `fetch` gets its bytes from the platform (after `received` was
   * said); a file that cannot be had or read is refused with the reason, the old index keeps serving.
   */
  async upload(ref: ChatRef, name: string, fetch: () => Promise<Uint8Array>, say: Say, received?: string): Promise<void> {
    const { residents, logger } = this.deps;
    if (!residents.authorize(ref, 'admin', AUDIT.upload)) return void (await say(botTexts.notAllowed));
    if (!SUPPORTED_EXTENSIONS.includes(path.extname(name).toLowerCase())) return void (await say(botTexts.uploadUnsupported(name)));
    try {
      const bytes = await fetch();
      if (received) await say(received);
      await say(botTexts.refreshDone(await residents.addDocument(name, bytes)));
    } catch (err) {
      logger.warn({ ...logFields(err), file: name }, 'document upload rejected');
      await say(botTexts.uploadRejected(name, reasonFor(err)));
    }
  }
}
