// Cases, the same on every channel and in the console: a resident opens one (a question for a
// person, or a field report), follows it by number, writes into it until it closes and rates it
// once; staff reply, note, assign and move it through its statuses. Every change the resident must
// hear of is written to the outbox in the same transaction as the change, so a crash between the
// two can neither lose it nor send it twice. Web chat residents have no push: their page reads
// the case (see `forResident`).
import type { PhotoFiles } from '../db/case-photos.js';
import type { CaseFigures, CaseFilter, StoredCase } from '../db/cases.js';
import type { DeliveryRecord } from '../db/deliveries.js';
import type { Store } from '../db/store.js';
import type {
  BroadcastChannel,
  Case,
  CaseEntry,
  CaseKind,
  CaseSettings,
  CaseStatus,
  ChatRef,
  City,
  GeoPoint,
  NewNotice,
} from '../domain/index.js';
import {
  CASE_STATUSES,
  caseIdIn,
  formatCaseNumber,
  isBroadcastChannel,
  isFinal,
  mapLink,
  nextWorkingStart,
  PersonError,
  withinWorkingHours,
} from '../domain/index.js';
import type { Logger } from '../logger.js';
import { caseTexts as t } from '../texts/cases.js';

/** The longest question, description, reply or note kept. */
export const MAX_CASE_TEXT = 2000;
const DAY_MS = 86_400_000;

/** A message to one chat, as cases write it to the outbox (store.notices). */
export type Notice = NewNotice;

/** Where cases' notices go: the outbox, written inside the caller's transaction, then woken. */
export interface NoticeOutbox {
  enqueue(notice: Notice): unknown;
  /** The transaction committed: the channel workers may look now. */
  wake(): void;
}

export class CaseError extends PersonError {
  constructor(message: string, code: 'invalid' | 'not_found' | 'conflict' | 'forbidden' = 'invalid') {
    super(message, { code });
    this.name = 'CaseError';
  }
}

export interface CasePhotoInput {
  file: string;
  mime: string;
  bytes: number;
}

export interface ReportDraft {
  category: string;
  ward?: string;
  address?: string;
  location?: GeoPoint;
  description: string;
  photos: CasePhotoInput[];
}

export interface Opened {
  case: Case;
  /** What the resident is told: the number and when to expect a reply. */
  text: string;
}

export interface CaseServiceDeps {
  store: Store;
  city: City;
  photos: PhotoFiles;
  outbox: NoticeOutbox;
  logger: Logger;
  limits: { dailyLimit: number; maxPhotos: number };
  /** The Telegram staff group new cases are posted to. */
  staffGroup?: { channel: BroadcastChannel; chatId: string };
  now?: () => number;
}

/** The data of a rating button: "case-rate:<id>:<1-5>". */
export const RATING_ACTION = /^case-rate:(\d+):([1-5])$/;

export class CaseService {
  private readonly settings: CaseSettings;
  private readonly now: () => number;

  constructor(private readonly deps: CaseServiceDeps) {
    this.settings = deps.city.cases;
    this.now = deps.now ?? Date.now;
  }

  get categories() {
    return this.settings.categories;
  }

  number(id: number): string {
    return formatCaseNumber(this.settings.prefix, id);
  }

  /** The case id a resident's text names ("BK-000123", "bk 123"), if any. */
  idIn(text: string): number | undefined {
    return caseIdIn(text, this.settings.prefix);
  }

  categoryLabel(slug: string | undefined): string | undefined {
    return this.settings.categories.find((c) => c.slug === slug)?.label;
  }

  /** A question the bot could not answer, handed to a person. */
  openQuestion(ref: ChatRef, text: string): Opened {
    const question = this.cleanText(text);
    return this.open(ref, { kind: 'question', text: question, dueInHours: this.settings.questionTargetHours });
  }

  openReport(ref: ChatRef, draft: ReportDraft): Opened {
    const category = this.settings.categories.find((c) => c.slug === draft.category);
    if (!category) throw new CaseError(t.unknownCategory);
    if (draft.ward && !this.deps.city.wards.some((w) => w.name === draft.ward)) throw new CaseError(t.unknownWard);
    if (draft.photos.length > this.deps.limits.maxPhotos) throw new CaseError(t.tooManyPhotos(this.deps.limits.maxPhotos));
    return this.open(ref, {
      kind: 'report',
      text: this.cleanText(draft.description),
      dueInHours: category.targetHours,
      category: category.slug,
      ward: draft.ward,
      address: draft.address?.trim().slice(0, 300) || undefined,
      location: draft.location,
      photos: draft.photos,
    });
  }

  /** Checks a photo by its bytes and keeps it (privately) for a report being written. */
  async keepPhoto(bytes: Uint8Array): Promise<CasePhotoInput> {
    const check = await this.deps.photos.check(bytes);
    if (!check.ok) {
      const maxMb = Math.round((this.deps.photos.maxBytes / 1024 / 1024) * 10) / 10;
      throw new CaseError(
        check.reason === 'too-large' ? t.photoTooLarge(maxMb) : check.reason === 'empty' ? t.photoEmpty : t.photoNotAPhoto,
      );
    }
    return { file: this.deps.photos.save(bytes, check.mime), mime: check.mime, bytes: bytes.byteLength };
  }

  /** Photos of a report that was cancelled or expired. */
  discardPhotos(photos: CasePhotoInput[]): void {
    this.deps.photos.remove(photos.map((p) => p.file));
  }

  /**
   * Photos kept for a report that was never sent (the flow expired, the page was closed) are
   * removed once older than `olderThanMs`; returns how many.
   */
  sweepPhotos(olderThanMs = DAY_MS): number {
    return this.deps.photos.sweep((file) => this.deps.store.cases.hasPhotoFile(file), olderThanMs, this.now());
  }

  /** The resident's own cases, newest first. */
  forResident(ref: ChatRef, limit = 5): Case[] {
    return this.deps.store.cases.forChat(ref.channel, ref.chatId, limit).map((c) => this.withNumber(c));
  }

  /** "BK-000123 tới đâu rồi", /theodoi: one case when named, else the recent ones. */
  statusText(ref: ChatRef, text = ''): string {
    const id = this.idIn(text);
    if (id !== undefined) {
      const c = this.ownCase(ref, id);
      if (!c) return t.unknownCase(this.number(id));
      const lastReply = this.deps.store.cases
        .entries(c.id, { notes: false })
        .filter((e) => e.kind === 'staff')
        .at(-1)?.text;
      return t.status({
        number: c.number,
        kind: c.kind,
        status: c.status,
        updatedAt: c.updatedAt,
        lastReply,
        category: this.categoryLabel(c.category),
      });
    }
    const mine = this.forResident(ref);
    if (!mine.length) return t.unknownCase();
    return t.statusList(mine.map((c) => t.statusLine(c.number, c.status, excerpt(c.text))));
  }

  /** The resident writes into their open case; staff hear of it. */
  residentWrites(ref: ChatRef, caseId: number, text: string): string {
    const c = this.ownCase(ref, caseId);
    if (!c) return t.unknownCase(this.number(caseId));
    if (isFinal(c.status)) return t.caseClosedForReplies(c.number);
    const body = this.cleanText(text);
    this.write(() => {
      this.deps.store.cases.addEntry(c.id, 'resident', body, undefined, this.now());
      this.toStaff(t.staffResidentWrote(c.number, body), `case-${c.id}-resident-${this.now()}`);
    });
    return t.residentMessageAdded(c.number);
  }

  /** A rating tap or "BK-000123 đánh giá 5": kept once, for a closed case of the resident's. */
  rate(ref: ChatRef, caseId: number, rating: number): string {
    const c = this.ownCase(ref, caseId);
    if (!c || !isFinal(c.status) || !Number.isInteger(rating) || rating < 1 || rating > 5) return t.ratingRefused;
    return this.deps.store.cases.rate(c.id, rating, this.now()) ? t.ratingThanks(rating) : t.ratingRefused;
  }

  // ── Staff side ────────────────────────────────────────────────────────────────────────────────

  get(id: number): Case | undefined {
    const c = this.deps.store.cases.get(id);
    return c && this.withNumber(c);
  }

  list(filter: CaseFilter, page: { limit: number; offset: number }): { cases: Case[]; total: number } {
    const { cases, total } = this.deps.store.cases.list(filter, page, this.now());
    return { cases: cases.map((c) => this.withNumber(c)), total };
  }

  /** What was said in the case; staff see internal notes too. */
  entries(id: number, options: { notes: boolean }): CaseEntry[] {
    return this.deps.store.cases.entries(id, options);
  }

  figures(by: 'category' | 'ward', since: number, until = Number.MAX_SAFE_INTEGER): CaseFigures[] {
    return this.deps.store.cases.figures(by, since, until);
  }

  /** Past due and not handled. */
  isOverdue(c: Case): boolean {
    return c.dueAt < this.now() && !c.handledAt;
  }

  /** A staff reply: stored and pushed to the resident on their channel, marked as from the city's staff. */
  staffReply(id: number, author: string, text: string): Case {
    const c = this.caseForStaff(id);
    const body = this.cleanText(text);
    this.write(() => {
      const at = this.now();
      const entry = this.deps.store.cases.addEntry(c.id, 'staff', body, author, at);
      this.deps.store.cases.markReplied(c.id, at);
      this.toResident(c, t.staffReplied(c.number, this.deps.city.name, body), replyKey(c.id, entry));
    });
    this.deps.logger.info({ case: c.number, author }, 'staff replied to a case');
    return this.caseForStaff(id);
  }

  /** A status change, told to the resident; closing asks for a rating once. */
  changeStatus(id: number, status: CaseStatus, by: string): Case {
    if (!CASE_STATUSES.includes(status)) throw new CaseError(t.badStatusChange);
    const c = this.caseForStaff(id);
    if (c.status === status) return c;
    this.write(() => {
      const at = this.now();
      const cases = this.deps.store.cases;
      cases.setStatus(c.id, status, by, at);
      // Hearing that the case was taken in is a reply too (median time to first reply).
      cases.markReplied(c.id, at);
      this.toResident(c, t.statusChanged(c.number, status), `case-${c.id}-status-${status}-${at}`);
      if (isFinal(status) && !c.anonymized && cases.askRatingOnce(c.id))
        this.toResident(
          c,
          t.askRating(c.number),
          `case-${c.id}-rating`,
          [1, 2, 3, 4, 5].map((n) => ({ label: `${n} ⭐`, data: `case-rate:${c.id}:${n}` })),
        );
    });
    this.deps.logger.info({ case: c.number, status, by }, 'case status changed');
    return this.caseForStaff(id);
  }

  /** How far a staff reply's notice to the resident has come; undefined when none was sent (web chat, data deleted). */
  replyDelivery(caseId: number, entryId: number): DeliveryRecord | undefined {
    return this.deps.store.notices.statusByKey(replyKey(caseId, entryId));
  }

  assign(id: number, assignee: string | undefined, by: string): Case {
    const c = this.caseForStaff(id);
    this.deps.store.cases.assign(c.id, assignee?.trim() || undefined, by, this.now());
    return this.caseForStaff(id);
  }

  /** An internal note: residents never see it. */
  note(id: number, author: string, text: string): Case {
    const c = this.caseForStaff(id);
    this.deps.store.cases.addEntry(c.id, 'note', this.cleanText(text), author, this.now());
    return this.caseForStaff(id);
  }

  /** The bytes of a case photo, for signed-in staff. */
  photo(photoId: number): { mime: string; bytes: Buffer } | undefined {
    const p = this.deps.store.cases.photo(photoId);
    const bytes = p && this.deps.photos.read(p.file);
    return p && bytes ? { mime: p.mime, bytes } : undefined;
  }

  // ── Inside ────────────────────────────────────────────────────────────────────────────────────

  private open(
    ref: ChatRef,
    c: {
      kind: CaseKind;
      text: string;
      dueInHours: number;
      category?: string;
      ward?: string;
      address?: string;
      location?: GeoPoint;
      photos?: CasePhotoInput[];
    },
  ): Opened {
    const now = this.now();
    const { store } = this.deps;
    const opened = this.write(() => {
      // Counted and written under the write lock: two messages at once cannot both pass the limit.
      if (store.cases.openedSince(ref.channel, ref.userId, now - DAY_MS) >= this.deps.limits.dailyLimit)
        throw new CaseError(t.limitReached(this.deps.limits.dailyLimit), 'conflict');
      const id = store.cases.create({
        kind: c.kind,
        channel: ref.channel,
        chatId: ref.chatId,
        userId: ref.userId,
        displayName: ref.displayName,
        category: c.category,
        ward: c.ward,
        address: c.address,
        location: c.location,
        text: c.text,
        dueAt: now + c.dueInHours * 3_600_000,
        at: now,
      });
      for (const p of c.photos ?? []) store.cases.addPhoto(id, p, now);
      const number = this.number(id);
      const place = [c.address, c.location && mapLink(c.location)].filter(Boolean).join(' · ');
      this.toStaff(
        t.staffNew({
          number,
          kind: c.kind,
          category: this.categoryLabel(c.category),
          ward: c.ward,
          text: c.text,
          place: place || undefined,
          photos: c.photos?.length ?? 0,
        }),
        `case-${id}-opened`,
      );
      return this.withNumber(store.cases.get(id) as StoredCase);
    });
    this.deps.logger.info({ case: opened.number, kind: c.kind, channel: ref.channel }, 'case opened');
    const { workingHours } = this.settings;
    const inHours = withinWorkingHours(workingHours, now);
    const expectation = t.expectation(inHours, workingHours, c.dueInHours, inHours ? undefined : nextWorkingStart(workingHours, now));
    return {
      case: opened,
      text: c.kind === 'report' ? t.reportOpened(opened.number, expectation) : t.questionOpened(opened.number, expectation),
    };
  }

  /** One transaction (taking the write lock at once), then the outbox is woken. */
  private write<T>(work: () => T): T {
    const result = this.deps.store.immediate(work);
    this.deps.outbox.wake();
    return result;
  }

  private toResident(c: Case, text: string, key: string, actions?: Notice['actions']): void {
    if (c.anonymized || !isBroadcastChannel(c.channel)) return;
    this.deps.outbox.enqueue({ channel: c.channel, chatId: c.chatId, text, key, actions });
  }

  private toStaff(text: string, key: string): void {
    const group = this.deps.staffGroup;
    if (group) this.deps.outbox.enqueue({ ...group, text, key });
  }

  private ownCase(ref: ChatRef, id: number): Case | undefined {
    const c = this.get(id);
    return c && !c.anonymized && c.channel === ref.channel && c.chatId === ref.chatId ? c : undefined;
  }

  private caseForStaff(id: number): Case {
    const c = this.get(id);
    if (!c) throw new CaseError(t.caseNotFound, 'not_found');
    return c;
  }

  private cleanText(text: string): string {
    const body = text.normalize('NFC').trim();
    if (!body) throw new CaseError(t.emptyText);
    if (body.length > MAX_CASE_TEXT) throw new CaseError(t.tooLong(MAX_CASE_TEXT));
    return body;
  }

  private withNumber(c: StoredCase): Case {
    const { ratingAsked: _asked, ...rest } = c;
    return { ...rest, number: this.number(c.id) };
  }
}

/** The idempotency key of a staff reply's notice to the resident. */
const replyKey = (caseId: number, entryId: number) => `case-${caseId}-entry-${entryId}`;

const excerpt = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);
