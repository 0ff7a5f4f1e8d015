// The web chat's API: the same ResidentService.ask() every channel uses, with channel 'web' and the
// page's conversation id as chat and user.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.js';
import { CaseDesk } from '../core/case-desk.js';
import type { CaseService } from '../core/case-service.js';
import type { ResidentService } from '../core/resident-service.js';
import type { ChatRef } from '../domain/index.js';
import { isTooLong } from '../engine/answer/input-guard.js';
import { uiTexts, webTexts } from '../texts/web.js';
import { webCaseTexts } from '../texts/web-cases.js';
import { ApiError } from './errors.js';
import type { KnowledgeHandle } from './knowledge-handle.js';

export interface AskRouteDeps {
  config: Config;
  residents: ResidentService;
  knowledge: KnowledgeHandle;
  /** When the web chat takes cases: "gặp cán bộ", "phản ánh", "theo dõi" open them instead of being asked. */
  cases?: CaseService;
}

/** A question and a few ids; anything bigger is refused before parsing. */
export const ASK_BODY_LIMIT = 16 * 1024;

const conversationId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

const askBody = z.object({ question: z.string(), conversationId: conversationId.optional() });

const feedbackBody = z.object({
  questionId: z.number().int().positive(),
  conversationId,
  vote: z.enum(['up', 'down']),
  comment: z.string().max(1000).optional(),
});

const webChat = (id: string): ChatRef => ({ channel: 'web', chatId: id, userId: id });

export async function askRoutes(app: FastifyInstance, deps: AskRouteDeps): Promise<void> {
  const { config, residents, knowledge } = deps;
  const desk = deps.cases && new CaseDesk(deps.cases, config.city.cases.prefix);
  const limits = { bodyLimit: ASK_BODY_LIMIT, config: { rateLimit: { max: config.web.rateLimitPerMinute, timeWindow: 60_000 } } };

  app.get('/api/info', async () => {
    const documents = knowledge.documents().length;
    return {
      city: config.city.name,
      topics: config.city.topics.map((t) => t.label),
      documents,
      maxQuestionChars: config.web.askMaxChars,
      texts: uiTexts(config.city.name, documents, config.city.exampleQuestion),
    };
  });

  app.post('/api/ask', limits, async (request) => {
    const parsed = askBody.safeParse(request.body);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', webTexts.errors.invalidAsk);
    const { question } = parsed.data;
    if (isTooLong(question, config.web.askMaxChars))
      throw new ApiError(400, 'question_too_long', webTexts.errors.questionTooLong(config.web.askMaxChars));
    const id = parsed.data.conversationId ?? randomBytes(16).toString('hex');
    // The same words as on Telegram and Zalo; the page opens the form or the list (its cases
    // belong to the browser's cookie, see case-routes.ts, not to this conversation id).
    const action = desk?.keyword(question);
    if (action) return { answer: webCaseTexts.actions[action], citations: [], status: 'case_action', action, conversationId: id };
    const { answer, questionId } = await residents.ask(webChat(id), question);
    return {
      answer: answer.text,
      citations: answer.citations,
      status: answer.status,
      questionId,
      conversationId: id,
      timings: answer.timings,
    };
  });

  app.post('/api/feedback', limits, async (request) => {
    const parsed = feedbackBody.safeParse(request.body);
    if (!parsed.success) throw new ApiError(400, 'invalid_request', webTexts.errors.invalidFeedback);
    const { questionId, conversationId: id, vote, comment } = parsed.data;
    if (!residents.vote(webChat(id), questionId, vote, comment))
      throw new ApiError(404, 'unknown_question', webTexts.errors.feedbackUnknown);
    return { ok: true };
  });
}
