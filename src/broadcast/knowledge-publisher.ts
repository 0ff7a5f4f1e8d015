// Published announcements join the knowledge base as Markdown files, so residents can ask about
// them later; at expiry the file goes and the index is refreshed again.
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Announcement } from '../domain/index.js';
import { cityDate, cityLastDay } from '../domain/index.js';
import { fold } from '../engine/normalize.js';
import type { Logger } from '../logger.js';

export const ANNOUNCEMENT_FOLDER = 'thong-bao';

export function slugify(title: string): string {
  return (
    fold(title)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'thong-bao'
  );
}

export function announcementMarkdown(a: Announcement, issuedAt: number): string {
  const front: Record<string, string> = { title: a.title, kind: 'announcement', issued: cityDate(issuedAt) };
  if (a.expiresAt) front.expires = cityLastDay(a.expiresAt);
  front.number = String(a.id);
  return `---\n${stringify(front)}---\n\n${a.body.trim()}\n`;
}

export class KnowledgePublisher {
  private refreshing: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly knowledgeDir: string,
    private readonly logger: Logger,
    private readonly refresh?: () => Promise<unknown>,
  ) {}

  /** Writes the announcement's file (atomically) and refreshes the index; returns the file path. */
  publish(a: Announcement, issuedAt: number): string {
    const file = path.join(this.knowledgeDir, ANNOUNCEMENT_FOLDER, `${a.id}-${slugify(a.title)}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // The indexer may scan the folder at any moment: it must never read half a file.
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, announcementMarkdown(a, issuedAt));
    fs.renameSync(tmp, file);
    this.requestRefresh();
    return file;
  }

  unpublish(file: string): void {
    fs.rmSync(file, { force: true });
    this.requestRefresh();
  }

  /** Refreshes run one at a time; requests arriving meanwhile are merged into one more run. */
  requestRefresh(): void {
    if (!this.refresh) return;
    if (this.refreshing) {
      this.again = true;
      return;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          await this.refresh!();
        } catch (err) {
          this.logger.error({ err }, 'broadcast: knowledge base refresh failed');
        }
      } while (this.again);
      this.refreshing = undefined;
    })();
  }

  /** Resolves once no refresh is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.refreshing) await this.refreshing;
  }
}
