import { PersonError, type ProblemCode } from '../domain/index.js';
import { broadcastTexts } from '../texts/broadcast.js';

/**
 * Why an announcement was refused, in Vietnamese, one line per problem. `code` tells the HTTP API
 * which status to answer: invalid 400, not_found 404, conflict 409 (wrong state for the action).
 */
export class AnnouncementError extends PersonError {
  constructor(problems: string[], code: Extract<ProblemCode, 'invalid' | 'not_found' | 'conflict'> = 'invalid') {
    super(code === 'invalid' ? `${broadcastTexts.invalidTitle}\n${problems.map((p) => `  - ${p}`).join('\n')}` : problems.join('\n'), {
      problems,
      code,
    });
    this.name = 'AnnouncementError';
  }
}
