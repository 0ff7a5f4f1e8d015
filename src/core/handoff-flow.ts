// Asking a person, the same on every channel: when the documents gave no answer, the question
// can go to staff as a case. Started by a button or command (/canbo) or the words "gặp cán bộ":
// the chat's last unanswered question is offered (confirm, or type another text), otherwise the
// resident is asked what to send. CaseService.openQuestion does the rest (number, when to expect
// a reply, the staff group). The last unanswered question waits under the chat's key prefix, so
// the resident's data deletion removes it.
import type { KeyValueStore } from '../db/kv.js';
import { type ChatRef, PersonError } from '../domain/index.js';
import type { AnswerStatus } from '../engine/types.js';
import type { CaseService } from './case-service.js';
import { FlowState } from './flow-state.js';

export type HandoffState = { step: 'confirm'; question: string } | { step: 'write' };

export type HandoffInput =
  | { kind: 'confirm' }
  /** What to send (at the confirm step: sent instead of the offered question). */
  | { kind: 'text'; text: string }
  | { kind: 'cancel' };

export type HandoffScreen =
  | { kind: 'confirm'; question: string }
  | { kind: 'ask-text' }
  | { kind: 'opened'; number: string; text: string }
  /** CaseService refused (the daily limit, an empty or too long text): said as is; the flow ends. */
  | { kind: 'refused'; text: string }
  | { kind: 'cancelled' }
  | { kind: 'again'; screen: HandoffScreen };

/** Answers after which a person is offered. */
const UNANSWERED: readonly AnswerStatus[] = ['not_found', 'refused'];
export const HANDOFF_TTL_MS = 30 * 60_000;
/** How long the last unanswered question stays on offer. */
const LAST_QUESTION_TTL_MS = 60 * 60_000;

export interface HandoffFlowDeps {
  kv: KeyValueStore;
  cases: Pick<CaseService, 'openQuestion'>;
  ttlMs?: number;
  now?: () => number;
}

export class HandoffFlow {
  private readonly states: FlowState<HandoffState>;
  private readonly lastQuestion: FlowState<string>;

  constructor(private readonly deps: HandoffFlowDeps) {
    this.states = new FlowState(deps.kv, 'handoff', deps.ttlMs ?? HANDOFF_TTL_MS, deps.now);
    this.lastQuestion = new FlowState(deps.kv, 'unanswered', LAST_QUESTION_TTL_MS, deps.now);
  }

  /** Keeps the question when it went unanswered (it is offered to staff); an answered one clears it. True when a person should be offered. */
  remember(ref: ChatRef, question: string, status: AnswerStatus): boolean {
    if (UNANSWERED.includes(status)) {
      this.lastQuestion.set(ref, question);
      return true;
    }
    if (status === 'answered') this.lastQuestion.clear(ref);
    return false;
  }

  start(ref: ChatRef): HandoffScreen {
    const question = this.lastQuestion.get(ref);
    const state: HandoffState = question ? { step: 'confirm', question } : { step: 'write' };
    this.states.set(ref, state);
    return this.screenOf(state);
  }

  state(ref: ChatRef): HandoffState | undefined {
    return this.states.get(ref);
  }

  abandon(ref: ChatRef): void {
    this.states.clear(ref);
  }

  /** Undefined when the chat is not asking for a person. */
  handle(ref: ChatRef, input: HandoffInput): HandoffScreen | undefined {
    const state = this.states.get(ref);
    if (!state) return undefined;
    if (input.kind === 'cancel') {
      this.states.clear(ref);
      return { kind: 'cancelled' };
    }
    const text = input.kind === 'text' ? input.text : state.step === 'confirm' ? state.question : undefined;
    if (!text?.trim()) return { kind: 'again', screen: this.screenOf(state) };
    this.states.clear(ref);
    try {
      const opened = this.deps.cases.openQuestion(ref, text);
      this.lastQuestion.clear(ref);
      return { kind: 'opened', number: opened.case.number, text: opened.text };
    } catch (err) {
      if (err instanceof PersonError) return { kind: 'refused', text: err.message };
      throw err;
    }
  }

  private screenOf(state: HandoffState): HandoffScreen {
    return state.step === 'confirm' ? { kind: 'confirm', question: state.question } : { kind: 'ask-text' };
  }
}
