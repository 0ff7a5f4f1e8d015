// Answering a resident, the same on every channel: a "góp ý: …" right after a 👎 is kept as the
// vote's reason; anything else is a question answered with the chat's memory; a failure becomes
// the one apology every channel says. Votes are counted here too, with the same thanks. Channels
// decide only how an answer looks (entities and buttons on Telegram, plain text and a hint on Zalo).
// An answer the documents could not give is remembered so the resident can hand it to a person.
import type { ChatRef, Vote } from '../domain/index.js';
import type { Answer } from '../engine/types.js';
import type { Logger } from '../logger.js';
import { botTexts } from '../texts/bot.js';
import type { HandoffFlow } from './handoff-flow.js';
import { type ResidentService, reasonOf } from './resident-service.js';

export type AnswerOutcome =
  /** The text was the reason for a 👎 just given: it is stored with the vote. */
  | { kind: 'reason'; text: string }
  | {
      kind: 'answer';
      answer: Answer;
      questionId: number;
      /** A vote on this answer will be counted (every answer but a refused input). */
      votable: boolean;
      /** Not answered from the documents: offer to send it to a person (private chats with cases on). */
      offerHandoff: boolean;
    }
  | { kind: 'error'; text: string };

export class AnswerFlow {
  constructor(private readonly deps: { residents: ResidentService; logger: Logger; handoff?: Pick<HandoffFlow, 'remember'> }) {}

  /**
   * `acceptsReason`: false where a 👎 cannot be followed by a reason (a group chat). `working` wraps
   * the wait for the engine (a "typing…" indicator). `group`: a group chat, where no case is offered
   * (a case belongs to one person).
   */
  async handle(
    ref: ChatRef,
    text: string,
    options: { acceptsReason?: boolean; group?: boolean; working?: <T>(work: () => Promise<T>) => Promise<T> } = {},
  ): Promise<AnswerOutcome> {
    const { residents, logger } = this.deps;
    const reason = options.acceptsReason === false ? undefined : reasonOf(text);
    if (reason && residents.giveReason(ref, reason)) return { kind: 'reason', text: botTexts.reasonThanks };
    try {
      const ask = () => residents.ask(ref, text);
      const { answer, questionId } = await (options.working ? options.working(ask) : ask());
      const offerHandoff = !options.group && (this.deps.handoff?.remember(ref, text, answer.status) ?? false);
      return { kind: 'answer', answer, questionId, votable: answer.status !== 'invalid', offerHandoff };
    } catch (err) {
      logger.error({ err, channel: ref.channel }, 'question failed');
      return { kind: 'error', text: botTexts.error };
    }
  }

  /** Counts a vote on an answer; the text thanks for it, or says the answer is no longer known. */
  vote(ref: ChatRef, questionId: number | undefined, vote: Vote): { counted: boolean; text: string } {
    const counted = questionId !== undefined && this.deps.residents.vote(ref, questionId, vote);
    if (!counted) return { counted, text: botTexts.feedbackUnknown };
    return { counted, text: vote === 'down' ? botTexts.feedbackDownThanks : botTexts.feedbackThanks };
  }
}
