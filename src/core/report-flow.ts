// Reporting a problem in the street ("phản ánh hiện trường"), the same on every channel:
// category → where (a shared location, or a typed address) → ward (skippable; skipped when the
// city lists none) → photos (none up to CASE_MAX_PHOTOS, each checked by its bytes and kept
// privately at once) → description → preview → confirm → a case number. Cancelling at any step, or
// leaving the flow to expire, discards the photos kept so far. A channel adapter turns its updates
// into ReportInput (buttons and a location on Telegram, numbers and keywords on Zalo) and renders
// the ReportScreen it gets back.
import type { KeyValueStore } from '../db/kv.js';
import type { ChatRef, City, GeoPoint } from '../domain/index.js';
import { mapLink, PersonError, wardNames } from '../domain/index.js';
import { caseChatTexts as t } from '../texts/case-chat.js';
import type { CasePhotoInput, CaseService } from './case-service.js';
import { FlowState } from './flow-state.js';
import { phraseKey } from './phrase-key.js';

export interface ReportState {
  step: 'category' | 'place' | 'ward' | 'photos' | 'description' | 'confirm';
  category?: string;
  address?: string;
  location?: GeoPoint;
  ward?: string;
  photos: CasePhotoInput[];
  description?: string;
}

export type ReportInput =
  /** A category slug or a ward name (a button, a number from the list). */
  | { kind: 'pick'; value: string }
  | { kind: 'location'; location: GeoPoint }
  /** An address, a description, or a category / ward typed by its name. */
  | { kind: 'text'; text: string }
  /**
   * A photo; its bytes are fetched only at the photo step (a download that fails throws a PersonError).
   * Its caption, if any, is the report's description: the resident is not asked again.
   */
  | { kind: 'photo'; bytes: () => Promise<Uint8Array>; caption?: string }
  /** No ward; no (more) photos. */
  | { kind: 'skip' }
  | { kind: 'confirm' }
  | { kind: 'cancel' };

export interface Choice {
  value: string;
  label: string;
}

export interface ReportPreview {
  category: string;
  /** The typed address, or the shared location's map link. */
  place?: string;
  ward?: string;
  photos: number;
  description: string;
}

export type ReportScreen =
  | { kind: 'choose-category'; options: Choice[] }
  /** A channel that can share a location offers it; every channel takes a typed address. */
  | { kind: 'ask-place' }
  | { kind: 'choose-ward'; options: Choice[] }
  | { kind: 'ask-photos'; max: number }
  /** `next`: the next step, when this photo was the last one allowed. */
  | { kind: 'photo-kept'; count: number; max: number; next?: ReportScreen }
  | { kind: 'photo-refused'; reason: string }
  | { kind: 'ask-description' }
  | { kind: 'preview'; preview: ReportPreview }
  | { kind: 'opened'; number: string; text: string }
  /** CaseService refused the report (the daily limit, a text too long): said as is; the flow ends. */
  | { kind: 'refused'; text: string }
  | { kind: 'cancelled' }
  | { kind: 'again'; screen: ReportScreen };

export const REPORT_TTL_MS = 30 * 60_000;

/** After the photos, the description, unless a photo's caption already gave it. */
const afterPhotos = (state: ReportState): ReportState['step'] => (state.description ? 'confirm' : 'description');

export interface ReportFlowDeps {
  city: City;
  kv: KeyValueStore;
  cases: Pick<CaseService, 'categories' | 'categoryLabel' | 'keepPhoto' | 'discardPhotos' | 'openReport'>;
  maxPhotos: number;
  ttlMs?: number;
  now?: () => number;
}

export class ReportFlow {
  private readonly states: FlowState<ReportState>;

  constructor(private readonly deps: ReportFlowDeps) {
    this.states = new FlowState(deps.kv, 'report', deps.ttlMs ?? REPORT_TTL_MS, deps.now, (s) => deps.cases.discardPhotos(s.photos));
  }

  start(ref: ChatRef): ReportScreen {
    // Reports nobody came back to: their photos go now (each start looks once).
    this.states.sweep(ref.channel);
    this.abandon(ref);
    const state: ReportState = { step: 'category', photos: [] };
    this.states.set(ref, state);
    return this.screenOf(state);
  }

  state(ref: ChatRef): ReportState | undefined {
    return this.states.get(ref);
  }

  /** The screen of the current step, if the chat is reporting. */
  screen(ref: ChatRef): ReportScreen | undefined {
    const state = this.states.get(ref);
    return state && this.screenOf(state);
  }

  /** Leaves the flow without a word (the resident moved on, or deletes their data); kept photos go. */
  abandon(ref: ChatRef): void {
    const state = this.states.get(ref);
    if (!state) return;
    this.states.clear(ref);
    this.deps.cases.discardPhotos(state.photos);
  }

  /** One step. Undefined when the chat is not reporting (the input is for something else). */
  async handle(ref: ChatRef, input: ReportInput): Promise<ReportScreen | undefined> {
    const state = this.states.get(ref);
    if (!state) return undefined;
    if (input.kind === 'cancel') {
      this.abandon(ref);
      return { kind: 'cancelled' };
    }
    const again: ReportScreen = { kind: 'again', screen: this.screenOf(state) };
    const go = (next: ReportState): ReportScreen => {
      this.states.set(ref, next);
      return this.screenOf(next);
    };
    switch (state.step) {
      case 'category': {
        const value = this.chosen(input, this.categoryChoices());
        return value ? go({ ...state, category: value, step: 'place' }) : again;
      }
      case 'place':
        if (input.kind === 'location') return go({ ...state, location: input.location, step: this.afterPlace() });
        if (input.kind === 'text' && input.text.trim()) return go({ ...state, address: input.text.trim(), step: this.afterPlace() });
        return again;
      case 'ward': {
        if (input.kind === 'skip') return go({ ...state, step: this.afterWard() });
        const value = this.chosen(input, this.wardChoices());
        return value ? go({ ...state, ward: value, step: this.afterWard() }) : again;
      }
      case 'photos':
        if (input.kind === 'skip' || input.kind === 'confirm') return go({ ...state, step: afterPhotos(state) });
        if (input.kind === 'photo') return this.photo(ref, state, input.bytes, input.caption);
        return again;
      case 'description':
        if (input.kind === 'text' && input.text.trim()) return go({ ...state, description: input.text.trim(), step: 'confirm' });
        return again;
      case 'confirm':
        if (input.kind !== 'confirm') return again;
        return this.open(ref, state);
    }
  }

  private async photo(ref: ChatRef, state: ReportState, bytes: () => Promise<Uint8Array>, caption?: string): Promise<ReportScreen> {
    const max = this.deps.maxPhotos;
    let kept: CasePhotoInput;
    try {
      kept = await this.deps.cases.keepPhoto(await bytes());
    } catch (err) {
      if (err instanceof PersonError) return { kind: 'photo-refused', reason: err.message };
      throw err;
    }
    // The state may have moved while the photo downloaded (a cancel from another device): then
    // the photo has no report to belong to.
    const now = this.states.get(ref);
    if (now?.step !== 'photos') {
      this.deps.cases.discardPhotos([kept]);
      return now ? { kind: 'again', screen: this.screenOf(now) } : { kind: 'cancelled' };
    }
    const photos = [...now.photos, kept];
    const full = photos.length >= max;
    const said = caption?.trim();
    const description = said ? [now.description, said].filter(Boolean).join('\n') : now.description;
    const next: ReportState = { ...now, photos, ...(description ? { description } : {}) };
    if (!full) {
      this.states.set(ref, next);
      return { kind: 'photo-kept', count: photos.length, max };
    }
    const moved: ReportState = { ...next, step: afterPhotos(next) };
    this.states.set(ref, moved);
    return { kind: 'photo-kept', count: photos.length, max, next: this.screenOf(moved) };
  }

  private open(ref: ChatRef, state: ReportState): ReportScreen {
    this.states.clear(ref);
    try {
      const opened = this.deps.cases.openReport(ref, {
        category: state.category ?? '',
        ward: state.ward,
        address: state.address,
        location: state.location,
        description: state.description ?? '',
        photos: state.photos,
      });
      return { kind: 'opened', number: opened.case.number, text: opened.text };
    } catch (err) {
      this.deps.cases.discardPhotos(state.photos);
      if (err instanceof PersonError) return { kind: 'refused', text: err.message };
      throw err;
    }
  }

  private afterPlace(): ReportState['step'] {
    return wardNames(this.deps.city).length ? 'ward' : this.afterWard();
  }

  private afterWard(): ReportState['step'] {
    return this.deps.maxPhotos > 0 ? 'photos' : 'description';
  }

  private categoryChoices(): Choice[] {
    return this.deps.cases.categories.map((c) => ({ value: c.slug, label: c.label }));
  }

  private wardChoices(): Choice[] {
    return wardNames(this.deps.city).map((w) => ({ value: w, label: w }));
  }

  /** The value a pick names, or a typed label (with or without diacritics). */
  private chosen(input: ReportInput, choices: Choice[]): string | undefined {
    if (input.kind === 'pick') return choices.find((c) => c.value === input.value)?.value;
    if (input.kind === 'text') return choices.find((c) => phraseKey(c.label) === phraseKey(input.text))?.value;
    return undefined;
  }

  private screenOf(state: ReportState): ReportScreen {
    switch (state.step) {
      case 'category':
        return { kind: 'choose-category', options: this.categoryChoices() };
      case 'place':
        return { kind: 'ask-place' };
      case 'ward':
        return { kind: 'choose-ward', options: this.wardChoices() };
      case 'photos':
        return state.photos.length
          ? { kind: 'photo-kept', count: state.photos.length, max: this.deps.maxPhotos }
          : { kind: 'ask-photos', max: this.deps.maxPhotos };
      case 'description':
        return { kind: 'ask-description' };
      case 'confirm':
        return {
          kind: 'preview',
          preview: {
            category: this.deps.cases.categoryLabel(state.category) ?? state.category ?? '',
            place: state.address ?? (state.location && `${t.reportSharedLocation} (${mapLink(state.location)})`),
            ward: state.ward,
            photos: state.photos.length,
            description: state.description ?? '',
          },
        };
    }
  }
}
