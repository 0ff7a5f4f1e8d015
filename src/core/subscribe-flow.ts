// Subscribing, the same on every channel: topics (several) → wards (several, or the whole city;
// skipped when the city lists none) → confirm. A channel adapter turns its updates into
// SubscribeInput (buttons on Telegram, numbered replies and keywords on Zalo) and renders the
// SubscribeScreen it gets back. Unsubscribing is one step.
import type { KeyValueStore } from '../db/kv.js';
import type { ChatRef, City } from '../domain/index.js';
import { wardNames } from '../domain/index.js';
import { applyChoice, type ChoiceInput, type Option, optionsOf } from './choice.js';
import { FlowState } from './flow-state.js';
import type { ResidentService } from './resident-service.js';

export type SubscribeState =
  | { step: 'topics'; topics: string[]; wards: string[] }
  | { step: 'wards'; topics: string[]; wards: string[] }
  | { step: 'confirm'; topics: string[]; wards: string[] };

export type SubscribeInput = ChoiceInput | { kind: 'confirm' } | { kind: 'cancel' };

/** What the resident chose, for display: topic labels and ward names ([] = all / whole city). */
export interface Choice {
  topics: string[];
  wards: string[];
}

export type SubscribeScreen =
  | { kind: 'choose-topics'; options: Option[] }
  | { kind: 'choose-wards'; options: Option[] }
  | ({ kind: 'confirm' } & Choice)
  | ({ kind: 'subscribed' } & Choice)
  | { kind: 'cancelled' }
  /** The input means nothing at this step: the current screen again. */
  | { kind: 'again'; screen: SubscribeScreen };

/** How long a half-made choice waits. */
export const SUBSCRIBE_TTL_MS = 10 * 60_000;

export interface SubscribeFlowDeps {
  city: City;
  kv: KeyValueStore;
  residents: ResidentService;
  ttlMs?: number;
  now?: () => number;
}

export class SubscribeFlow {
  private readonly states: FlowState<SubscribeState>;

  constructor(private readonly deps: SubscribeFlowDeps) {
    this.states = new FlowState(deps.kv, 'subscribe', deps.ttlMs ?? SUBSCRIBE_TTL_MS, deps.now);
  }

  /** Starts with the chat's current subscription ticked, if it has one. */
  start(ref: ChatRef): SubscribeScreen {
    const current = this.deps.residents.subscription(ref);
    const state: SubscribeState = { step: 'topics', topics: current?.topics ?? [], wards: current?.wards ?? [] };
    this.states.set(ref, state);
    return this.screenOf(state);
  }

  /** The chat's open step, if any. */
  state(ref: ChatRef): SubscribeState | undefined {
    return this.states.get(ref);
  }

  /** The screen of the current step, if the chat is subscribing. */
  screen(ref: ChatRef): SubscribeScreen | undefined {
    const state = this.states.get(ref);
    return state && this.screenOf(state);
  }

  /** Leaves the flow without a word (the resident moved on to something else). */
  abandon(ref: ChatRef): void {
    this.states.clear(ref);
  }

  /** One step. Undefined when the chat is not subscribing (the input is for something else). */
  handle(ref: ChatRef, input: SubscribeInput): SubscribeScreen | undefined {
    const state = this.states.get(ref);
    if (!state) return undefined;
    if (input.kind === 'cancel') {
      this.states.clear(ref);
      return { kind: 'cancelled' };
    }
    const again = { kind: 'again', screen: this.screenOf(state) } as const;
    if (state.step === 'confirm') {
      if (input.kind !== 'confirm') return again;
      this.states.clear(ref);
      const s = this.deps.residents.subscribe(ref, { topics: state.topics, wards: state.wards });
      return { kind: 'subscribed', ...this.choiceOf(s.topics, s.wards) };
    }
    const what = state.step;
    const known = what === 'topics' ? this.deps.city.topics.map((t) => t.slug) : wardNames(this.deps.city);
    const outcome = input.kind === 'confirm' ? undefined : applyChoice(known, state[what], input);
    if (!outcome) return again;
    if (!outcome.done) {
      const next: SubscribeState = { ...state, [what]: outcome.selected };
      this.states.set(ref, next);
      return this.screenOf(next);
    }
    const chosen = { ...state, [what]: outcome.chosen };
    const next: SubscribeState =
      what === 'topics' && wardNames(this.deps.city).length ? { ...chosen, step: 'wards' } : { ...chosen, step: 'confirm' };
    this.states.set(ref, next);
    return this.screenOf(next);
  }

  /** True when there was an active subscription to end. */
  unsubscribe(ref: ChatRef): boolean {
    this.states.clear(ref);
    return this.deps.residents.unsubscribe(ref);
  }

  private screenOf(state: SubscribeState): SubscribeScreen {
    const { city } = this.deps;
    switch (state.step) {
      case 'topics':
        return {
          kind: 'choose-topics',
          options: optionsOf(
            city.topics.map((t) => ({ value: t.slug, label: t.label })),
            state.topics,
          ),
        };
      case 'wards':
        return {
          kind: 'choose-wards',
          options: optionsOf(
            wardNames(city).map((w) => ({ value: w, label: w })),
            state.wards,
          ),
        };
      case 'confirm':
        return { kind: 'confirm', ...this.choiceOf(state.topics, state.wards) };
    }
  }

  private choiceOf(topics: string[], wards: string[]): Choice {
    return { topics: this.deps.residents.topicLabels(topics), wards };
  }
}
