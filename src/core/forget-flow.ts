// Deleting everything stored about a chat, the same on every channel: ask, then on confirmation
// delete (ResidentService.forget, which every store's own deletion serves). The question waits in
// the key-value store under the chat's prefix, so the deletion removes it too. A flow holding files
// of its own (a report's photos) is ended first, so they go as well.
import type { KeyValueStore } from '../db/kv.js';
import type { ChatRef } from '../domain/index.js';
import { FlowState } from './flow-state.js';
import type { ResidentService } from './resident-service.js';

export type ForgetInput = { kind: 'confirm' } | { kind: 'cancel' };
export type ForgetScreen = { kind: 'ask-confirm' } | { kind: 'forgotten' } | { kind: 'kept' };

export const FORGET_TTL_MS = 10 * 60_000;

export interface ForgetFlowDeps {
  kv: KeyValueStore;
  residents: ResidentService;
  /** Flows to end before deleting (they free what their state holds). */
  drafts?: { abandon(ref: ChatRef): void }[];
  ttlMs?: number;
  now?: () => number;
}

export class ForgetFlow {
  private readonly states: FlowState<{ step: 'confirm' }>;

  constructor(private readonly deps: ForgetFlowDeps) {
    this.states = new FlowState(deps.kv, 'forget', deps.ttlMs ?? FORGET_TTL_MS, deps.now);
  }

  start(ref: ChatRef): ForgetScreen {
    this.states.set(ref, { step: 'confirm' });
    return { kind: 'ask-confirm' };
  }

  /** True while the chat is asked to confirm. */
  asking(ref: ChatRef): boolean {
    return this.states.get(ref) !== undefined;
  }

  /** Undefined when nothing was asked (or the question expired): nothing is deleted. */
  handle(ref: ChatRef, input: ForgetInput): ForgetScreen | undefined {
    if (!this.asking(ref)) return undefined;
    this.states.clear(ref);
    if (input.kind !== 'confirm') return { kind: 'kept' };
    for (const draft of this.deps.drafts ?? []) draft.abandon(ref);
    this.deps.residents.forget(ref);
    return { kind: 'forgotten' };
  }
}
