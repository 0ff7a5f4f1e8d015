// The staff console's stores, opened over the service's database (their tables come with the
// shared migrations).
import { ConsoleAuditStore } from './console-audit.js';
import { ConsoleSessionStore } from './console-sessions.js';
import { ConsoleUserStore } from './console-users.js';
import { CuratedAnswerStore } from './curated-answers.js';
import type { Sqlite } from './database.js';
import { QuestionReports } from './question-reports.js';

export class ConsoleStore {
  readonly users: ConsoleUserStore;
  readonly sessions: ConsoleSessionStore;
  readonly audit: ConsoleAuditStore;
  readonly curated: CuratedAnswerStore;
  readonly reports: QuestionReports;

  constructor(db: Sqlite) {
    this.users = new ConsoleUserStore(db);
    this.sessions = new ConsoleSessionStore(db);
    this.audit = new ConsoleAuditStore(db);
    this.curated = new CuratedAnswerStore(db);
    this.reports = new QuestionReports(db);
  }
}
