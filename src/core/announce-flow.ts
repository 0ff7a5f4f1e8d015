// The announcement draft as a state machine, the same on every channel: text (with an optional
// photo or file) → topics (several) → wards (several) → preview with the number of recipients →
// send now / schedule (any of the city-time formats) / cancel. A channel adapter turns its updates
// into DraftInput (buttons, numbered replies, keywords) and renders the DraftScreen it gets back
// (keyboards, numbered lists). The state lives in the key-value store under the chat's prefix, so
// a restart keeps a half-written draft and the resident's data deletion removes it.
import type { BroadcastService, Preview } from '../broadcast/service.js';
import type { KeyValueStore } from '../db/kv.js';
import type { City } from '../domain/index.js';
import { type Attachment, AUDIT, type ChatRef, parseCityTime, splitTitleBody, wardNames } from '../domain/index.js';
import { attempt } from './broadcast-attempt.js';
import { applyChoice, type ChoiceInput, type Option, optionsOf } from './choice.js';
import type { ResidentService } from './resident-service.js';

interface Content {
  title: string;
  body: string;
  attachment?: Attachment;
}

export type DraftState =
  | { step: 'text' }
  | ({ step: 'topics'; topics: string[] } & Content)
  | ({ step: 'wards'; topics: string[]; wards: string[] } & Content)
  | { step: 'confirm'; id: number }
  | { step: 'time'; id: number };

export type DraftInput =
  /** The announcement itself: first line the title, then the body; a photo or file may come with it. */
  | { kind: 'content'; text: string; attachment?: Attachment }
  /** Topics and wards: ticks, a numbered reply, all, or go on (see choice.ts). */
  | ChoiceInput
  | { kind: 'send' }
  | { kind: 'schedule' }
  | { kind: 'time'; text: string }
  | { kind: 'cancel' };

export type { Option };

export type DraftScreen =
  | { kind: 'ask-content' }
  | { kind: 'need-body' }
  | { kind: 'choose-topics'; options: Option[] }
  | { kind: 'choose-wards'; options: Option[] }
  /** What residents will get, exactly, and how many; then send / schedule / cancel. */
  | { kind: 'preview'; id: number; preview: Preview; title: string; attachment?: Attachment }
  | { kind: 'ask-time' }
  | { kind: 'bad-time' }
  /** The draft could not be stored (too long, unknown ward…): the flow is over. */
  | { kind: 'invalid'; problems: string[] }
  /** Sending, scheduling or cancelling was refused (the announcement changed meanwhile). */
  | { kind: 'refused'; problems: string[]; open: boolean }
  | { kind: 'not-allowed' }
  /** Sending started: the adapter follows the run for its author. */
  | { kind: 'sending'; id: number; total: number }
  | { kind: 'scheduled'; id: number; at: Date }
  | { kind: 'cancelled'; stored: boolean }
  /** The input means nothing at this step: the current screen again. */
  | { kind: 'again'; screen: DraftScreen };

/** How long a draft waits for its author's next step. */
export const DRAFT_TTL_MS = 30 * 60_000;

const keyOf = (ref: ChatRef) => `${ref.channel}:${ref.chatId}:announce`;

export interface AnnounceFlowDeps {
  city: City;
  kv: KeyValueStore;
  residents: ResidentService;
  broadcast: BroadcastService;
  ttlMs?: number;
  now?: () => number;
}

export class AnnounceFlow {
  constructor(private readonly deps: AnnounceFlowDeps) {}

  /** Staff start a draft (any open one is dropped). */
  start(ref: ChatRef): DraftScreen {
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.announce)) return { kind: 'not-allowed' };
    this.dropOpen(ref);
    this.save(ref, { step: 'text' });
    return { kind: 'ask-content' };
  }

  /** The chat's open draft step, if any (an abandoned one expires). */
  state(ref: ChatRef): DraftState | undefined {
    const stored = this.deps.kv.get<{ state: DraftState; expiresAt: number }>(keyOf(ref));
    if (!stored) return undefined;
    if (stored.expiresAt > this.now()) return stored.state;
    this.deps.kv.delete(keyOf(ref));
    return undefined;
  }

  /** One step. Undefined when the chat has no open draft (the input is for someone else). */
  handle(ref: ChatRef, input: DraftInput): DraftScreen | undefined {
    const state = this.state(ref);
    if (!state) return undefined;
    if (input.kind === 'cancel') return this.cancel(ref, state);
    switch (state.step) {
      case 'text':
        return this.content(ref, input);
      case 'topics':
        return this.choose(ref, state, input, 'topics');
      case 'wards':
        return this.choose(ref, state, input, 'wards');
      case 'confirm':
        return this.confirm(ref, state.id, input);
      case 'time':
        return this.time(ref, state.id, input);
    }
  }

  /** The screen of the current step, e.g. after a restart or an unexpected message. */
  screen(ref: ChatRef): DraftScreen | undefined {
    const state = this.state(ref);
    if (!state) return undefined;
    switch (state.step) {
      case 'text':
        return { kind: 'ask-content' };
      case 'topics':
        return { kind: 'choose-topics', options: this.topicOptions(state.topics) };
      case 'wards':
        return { kind: 'choose-wards', options: this.wardOptions(state.wards) };
      case 'confirm':
        return this.previewScreen(state.id);
      case 'time':
        return { kind: 'ask-time' };
    }
  }

  private content(ref: ChatRef, input: DraftInput): DraftScreen {
    if (input.kind !== 'content') return { kind: 'again', screen: { kind: 'ask-content' } };
    const { title, body } = splitTitleBody(input.text);
    if (!title || !body) return { kind: 'need-body' };
    this.save(ref, { step: 'topics', title, body, attachment: input.attachment, topics: [] });
    return { kind: 'choose-topics', options: this.topicOptions([]) };
  }

  private choose(
    ref: ChatRef,
    state: Extract<DraftState, { step: 'topics' | 'wards' }>,
    input: DraftInput,
    what: 'topics' | 'wards',
  ): DraftScreen {
    const known = what === 'topics' ? this.deps.city.topics.map((t) => t.slug) : wardNames(this.deps.city);
    const current = what === 'topics' ? state.topics : (state as Extract<DraftState, { step: 'wards' }>).wards;
    const screenOf = (selected: string[]): DraftScreen =>
      what === 'topics'
        ? { kind: 'choose-topics', options: this.topicOptions(selected) }
        : { kind: 'choose-wards', options: this.wardOptions(selected) };
    const outcome = applyChoice(known, current, input);
    if (!outcome) return { kind: 'again', screen: screenOf(current) };
    if (!outcome.done) {
      this.save(ref, { ...state, [what]: outcome.selected });
      return screenOf(outcome.selected);
    }
    const chosen = outcome.chosen;
    const content: Content = { title: state.title, body: state.body, attachment: state.attachment };
    if (what === 'topics') {
      if (wardNames(this.deps.city).length) {
        this.save(ref, { step: 'wards', ...content, topics: chosen, wards: [] });
        return { kind: 'choose-wards', options: this.wardOptions([]) };
      }
      return this.create(ref, content, chosen, []);
    }
    return this.create(ref, content, state.topics, chosen);
  }

  /** Stores the draft (checked by the broadcast service) and shows it exactly as residents will get it. */
  private create(ref: ChatRef, content: Content, topics: string[], wards: string[]): DraftScreen {
    const created = attempt(() => this.deps.broadcast.create({ ...content, topics, wards, author: `${ref.channel}:${ref.userId}` }).id);
    if (!created.ok) {
      this.clear(ref);
      return { kind: 'invalid', problems: created.problems };
    }
    this.save(ref, { step: 'confirm', id: created.value });
    return this.previewScreen(created.value);
  }

  private previewScreen(id: number): DraftScreen {
    const { broadcast } = this.deps;
    const a = broadcast.get(id);
    return { kind: 'preview', id, preview: broadcast.preview(id), title: a?.title ?? '', attachment: a?.attachment };
  }

  private confirm(ref: ChatRef, id: number, input: DraftInput): DraftScreen {
    if (input.kind === 'schedule') {
      this.save(ref, { step: 'time', id });
      return { kind: 'ask-time' };
    }
    if (input.kind !== 'send') return { kind: 'again', screen: this.previewScreen(id) };
    this.clear(ref);
    // Checked again: the draft may have waited a long time, and roles can change meanwhile.
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.send)) return { kind: 'not-allowed' };
    const sent = attempt(() => this.deps.broadcast.sendNow(id));
    if (!sent.ok) return { kind: 'refused', problems: sent.problems, open: false };
    return { kind: 'sending', id, total: this.deps.broadcast.progress(id).total };
  }

  private time(ref: ChatRef, id: number, input: DraftInput): DraftScreen {
    const text = input.kind === 'time' || input.kind === 'content' ? input.text : undefined;
    if (text === undefined) return { kind: 'again', screen: { kind: 'ask-time' } };
    const at = parseCityTime(text, this.now());
    if (!at) return { kind: 'bad-time' };
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.schedule)) {
      this.clear(ref);
      return { kind: 'not-allowed' };
    }
    const scheduled = attempt(() => this.deps.broadcast.schedule(id, at));
    // A time in the past: say why and ask again; the draft stays.
    if (!scheduled.ok) return { kind: 'refused', problems: scheduled.problems, open: true };
    this.clear(ref);
    return { kind: 'scheduled', id, at };
  }

  private cancel(ref: ChatRef, state: DraftState): DraftScreen {
    this.clear(ref);
    if (state.step !== 'confirm' && state.step !== 'time') return { kind: 'cancelled', stored: false };
    // A draft is normally still a draft here; if it was sent meanwhile (CLI, web), say so instead.
    const cancelled = attempt(() => this.deps.broadcast.cancel(state.id));
    return cancelled.ok ? { kind: 'cancelled', stored: true } : { kind: 'refused', problems: cancelled.problems, open: false };
  }

  /** A new /thongbao while a stored draft waits: that draft is cancelled, not left behind. */
  private dropOpen(ref: ChatRef): void {
    const state = this.state(ref);
    if (state && (state.step === 'confirm' || state.step === 'time')) attempt(() => this.deps.broadcast.cancel(state.id));
  }

  private topicOptions(selected: string[]): Option[] {
    return optionsOf(
      this.deps.city.topics.map((t) => ({ value: t.slug, label: t.label })),
      selected,
    );
  }

  private wardOptions(selected: string[]): Option[] {
    return optionsOf(
      wardNames(this.deps.city).map((w) => ({ value: w, label: w })),
      selected,
    );
  }

  private save(ref: ChatRef, state: DraftState): void {
    this.deps.kv.set(keyOf(ref), { state, expiresAt: this.now() + (this.deps.ttlMs ?? DRAFT_TTL_MS) });
  }

  private clear(ref: ChatRef): void {
    this.deps.kv.delete(keyOf(ref));
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }
}
