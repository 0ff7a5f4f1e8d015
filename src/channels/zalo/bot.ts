// The Zalo conversation: turns one update into ResidentService calls and plain-text replies. Updates
// of one chat are handled one at a time, in order, so a dialogue step never races the next message.
// In a group the bot speaks only when a message names it, like on Telegram; a flood from one
// person (or one group) gets one notice and then silence. Cases (ask a person, report a problem,
// follow, rate) are the core's flows, rendered as text that says what to type.

import type { BroadcastService } from '../../broadcast/service.js';
import type { Config } from '../../config.js';
import { AnnounceFlow, type DraftInput, type DraftScreen } from '../../core/announce-flow.js';
import { AnswerFlow } from '../../core/answer-flow.js';
import type { AuthorProgress } from '../../core/author-progress.js';
import { CaseDesk } from '../../core/case-desk.js';
import type { CaseService } from '../../core/case-service.js';
import { ChatPolicy } from '../../core/chat-policy.js';
import { FLOOD_LIMIT } from '../../core/flood-guard.js';
import { ForgetFlow, type ForgetScreen } from '../../core/forget-flow.js';
import { formatAnswerPlain, formatSources, splitMessage } from '../../core/format.js';
import { HandoffFlow, type HandoffScreen } from '../../core/handoff-flow.js';
import { ReportFlow, type ReportInput, type ReportScreen, type ReportState } from '../../core/report-flow.js';
import type { ResidentService } from '../../core/resident-service.js';
import { StaffActions } from '../../core/staff-actions.js';
import { SubscribeFlow, type SubscribeInput, type SubscribeScreen, type SubscribeState } from '../../core/subscribe-flow.js';
import type { Store } from '../../db/store.js';
import type { ChatRef } from '../../domain/index.js';
import { formatCityTime, wardNames } from '../../domain/index.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { broadcastTexts } from '../../texts/broadcast.js';
import { caseChatTexts as ct, zaloCaseTexts as zt } from '../../texts/case-chat.js';
import { zaloActions, zaloTexts } from '../../texts/zalo.js';
import type { ZaloBotInfo, ZaloClient, ZaloUpdate } from './client.js';
import { downloadPhoto } from './files.js';
import { type Command, commandOf, keyOf, numbersOf, replyOf, stopRequestOf } from './keywords.js';
import { LastAnswerStore } from './last-answer.js';
import { withoutMention } from './mention.js';
import { textOf } from './updates.js';

/** Zalo's limit for one text message. */
export const ZALO_MAX_TEXT = 2000;
const TYPING_REPEAT_MS = 4_000;
/**
 * Messages waiting per chat beyond which new ones get "busy" instead of queueing: as many as the
 * flood limit lets through, so a resident within it is always answered. Staff (not flood-limited)
 * and bursts across windows still meet this bound.
 */
const MAX_QUEUED_PER_CHAT = FLOOD_LIMIT.limit;

export interface ZaloBotDeps {
  config: Config;
  logger: Logger;
  store: Store;
  residents: ResidentService;
  broadcast: BroadcastService;
  cases: CaseService;
  client: ZaloClient;
  /** The bot's own account (getMe): its id to ignore its own messages, its names to spot mentions. */
  me: () => ZaloBotInfo | undefined;
  authors: AuthorProgress;
  dialogueTtlMs?: number;
  floodLimit?: { limit: number; windowMs: number };
}

export class ZaloBot {
  private readonly lastAnswers: LastAnswerStore;
  private readonly subscribe: SubscribeFlow;
  private readonly forget: ForgetFlow;
  private readonly staff: StaffActions;
  private readonly announce: AnnounceFlow;
  private readonly answers: AnswerFlow;
  private readonly chains = new Map<string, { tail: Promise<void>; queued: number }>();
  private readonly policy: ChatPolicy;
  private readonly handoff: HandoffFlow;
  private readonly report: ReportFlow;
  private readonly desk: CaseDesk;

  constructor(private readonly deps: ZaloBotDeps) {
    const { kv } = deps.store;
    this.lastAnswers = new LastAnswerStore(kv);
    this.subscribe = new SubscribeFlow({ city: deps.config.city, kv, residents: deps.residents, ttlMs: deps.dialogueTtlMs });
    const { cases, config } = deps;
    this.handoff = new HandoffFlow({ kv, cases });
    this.report = new ReportFlow({ city: config.city, kv, cases, maxPhotos: config.cases.maxPhotos });
    this.desk = new CaseDesk(cases, config.city.cases.prefix);
    this.forget = new ForgetFlow({ kv, residents: deps.residents, ttlMs: deps.dialogueTtlMs, drafts: [this.report] });
    this.policy = new ChatPolicy({ residents: deps.residents, kv: deps.store.kv }, deps.floodLimit);
    this.staff = new StaffActions(deps);
    this.answers = new AnswerFlow({ ...deps, handoff: this.handoff });
    this.announce = new AnnounceFlow({ city: deps.config.city, kv: deps.store.kv, residents: deps.residents, broadcast: deps.broadcast });
  }

  /**
   * Filters duplicates, the bot's own messages and group talk not meant for it, applies the flood
   * limit, then queues the update behind its chat's earlier ones.
   */
  handle(update: ZaloUpdate): Promise<void> {
    const m = update.message;
    if (!m?.chat) return Promise.resolve();
    const chatId = String(m.chat.id);
    const me = this.deps.me();
    if (m.from?.is_bot || (me && String(m.from?.id) === String(me.id))) return Promise.resolve();
    // Durable: a redelivery after a restart is still recognised.
    if (m.message_id !== undefined && !this.policy.firstSeen('zalo', `${chatId}:${m.message_id}`)) {
      this.deps.logger.debug({ chatId }, 'duplicate zalo update ignored');
      return Promise.resolve();
    }
    const userId = String(m.from?.id ?? chatId);
    const group = m.chat.chat_type?.toUpperCase() === 'GROUP';
    let text = textOf(update);
    // In a group: only text that names the bot, never stickers or images.
    if (group) text = text === undefined ? undefined : withoutMention(text, botNames(me));
    if (group && !text) return Promise.resolve();
    // A report's photos come one update each, often at once: they do not count as a flood.
    const reportPhoto = !group && m.photo_url !== undefined && this.report.state({ channel: 'zalo', chatId, userId })?.step === 'photos';
    const verdict = reportPhoto ? 'ok' : this.policy.admit({ ref: { channel: 'zalo', chatId, userId }, group });
    if (verdict === 'silent') return Promise.resolve();
    if (verdict === 'notice') return this.reply(chatId, botTexts.rateLimited);
    return this.enqueue(chatId, () => this.process(update, chatId, userId, text, group));
  }

  /** Resolves once every queued update has been handled. */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.allSettled([...this.chains.values()].map((c) => c.tail));
  }

  private enqueue(chatId: string, task: () => Promise<void>): Promise<void> {
    const chain = this.chains.get(chatId) ?? { tail: Promise.resolve(), queued: 0 };
    if (chain.queued >= MAX_QUEUED_PER_CHAT) return this.reply(chatId, botTexts.busy);
    chain.queued++;
    const tail = chain.tail
      .then(task)
      .catch((err) => this.deps.logger.error({ err, chatId }, 'zalo update failed'))
      .finally(() => {
        chain.queued--;
        if (this.chains.get(chatId)?.tail === tail) this.chains.delete(chatId);
      });
    chain.tail = tail;
    this.chains.set(chatId, chain);
    return tail;
  }

  private async process(update: ZaloUpdate, chatId: string, userId: string, text: string | undefined, group: boolean): Promise<void> {
    const from = update.message!.from;
    const ref: ChatRef = { channel: 'zalo', chatId, userId, displayName: from?.display_name ?? from?.first_name };
    // A photo with its caption is the content of an announcement being written.
    const photo = update.message?.photo_url;
    if (text === undefined && photo && this.announce.state(ref)?.step === 'text')
      return this.draft(ref, { kind: 'content', text: update.message?.caption ?? '', attachment: { kind: 'photo', url: photo } });
    // A photo while reporting is one of the report's photos.
    if (text === undefined && photo && this.report.state(ref)) {
      const maxBytes = this.deps.config.cases.photoMaxBytes;
      return this.reportStep(ref, { kind: 'photo', caption: update.message?.caption, bytes: () => downloadPhoto(photo, maxBytes) });
    }
    if (text === undefined) return this.reply(chatId, botTexts.nonText);
    const stopId = stopRequestOf(text);
    if (stopId !== undefined) return this.reply(chatId, this.staff.stop(ref, stopId));
    const draft = this.announce.state(ref);
    if (draft) return this.draft(ref, draftInput(draft.step, text, this.deps.config));
    // A resident's reply that is no answer to the open question ends it and is handled as a new
    // message (they moved on).
    if (this.forget.asking(ref)) {
      const reply = replyOf(text);
      const screen = this.forget.handle(ref, { kind: reply === 'confirm' ? 'confirm' : 'cancel' });
      if (screen && (reply === 'confirm' || reply === 'cancel')) return this.renderForget(chatId, screen);
    }
    const subscribing = this.subscribe.state(ref);
    if (subscribing) {
      const input = subscribeInput(subscribing.step, text, this.deps.config);
      const screen = input && this.subscribe.handle(ref, input);
      if (screen) return this.renderSubscribe(chatId, screen);
      this.subscribe.abandon(ref);
    }
    const command = commandOf(text);
    if (!group && (await this.caseStep(ref, text, command))) return;
    // A case belongs to one person: in a group, the bot asks to be written to privately.
    const casual = group ? this.desk.read(ref, text)?.kind : undefined;
    if (casual === 'handoff' || casual === 'report') return this.reply(chatId, ct.privateOnly);
    if (command) return this.run(command, ref);
    return this.answer(ref, text, group);
  }

  /**
   * A message for cases: a step of asking a person or of a report (another command leaves the
   * flow), or what CaseDesk reads in it. False when it is for something else.
   */
  private async caseStep(ref: ChatRef, text: string, command: Command | undefined): Promise<boolean> {
    const { handoff, report, desk } = this;
    const reply = replyOf(text);
    // Another action named by the whole message leaves the flow (and is done).
    const leaving = (command !== undefined || desk.keyword(text) !== undefined) && reply !== 'cancel';
    if (handoff.state(ref)) {
      if (leaving) handoff.abandon(ref);
      else {
        const input =
          reply === 'cancel'
            ? { kind: 'cancel' as const }
            : reply === 'send' || reply === 'confirm'
              ? { kind: 'confirm' as const }
              : { kind: 'text' as const, text };
        const screen = handoff.handle(ref, input);
        if (screen) await this.renderHandoff(ref.chatId, screen);
        return true;
      }
    }
    const reporting = report.state(ref);
    if (reporting) {
      if (leaving) report.abandon(ref);
      else {
        await this.reportStep(ref, reportInput(reporting, text, this.deps.config));
        return true;
      }
    }
    const message = desk.read(ref, text);
    if (!message) return false;
    if (message.kind === 'handoff') await this.renderHandoff(ref.chatId, handoff.start(ref));
    else if (message.kind === 'report') await this.renderReport(ref.chatId, report.start(ref));
    else await this.reply(ref.chatId, desk.reply(ref, message));
    return true;
  }

  private async reportStep(ref: ChatRef, input: ReportInput): Promise<void> {
    const screen = await this.report.handle(ref, input);
    if (screen) await this.renderReport(ref.chatId, screen);
  }

  private renderHandoff(chatId: string, screen: HandoffScreen): Promise<void> {
    switch (screen.kind) {
      case 'confirm':
        return this.reply(chatId, zt.handoffConfirm(screen.question));
      case 'ask-text':
        return this.reply(chatId, zt.handoffAsk);
      case 'opened':
      case 'refused':
        return this.reply(chatId, screen.text);
      case 'cancelled':
        return this.reply(chatId, botTexts.cancelled);
      case 'again':
        return this.renderHandoff(chatId, screen.screen);
    }
  }

  /** The core's report screens as Zalo text: numbered lists and keywords. */
  private async renderReport(chatId: string, screen: ReportScreen): Promise<void> {
    const labels = (s: { options: { label: string }[] }) => s.options.map((o) => o.label);
    switch (screen.kind) {
      case 'choose-category':
        return this.reply(chatId, zt.numbered(ct.reportChooseCategory, labels(screen), false));
      case 'ask-place':
        return this.reply(chatId, zt.reportAskPlace);
      case 'choose-ward':
        return this.reply(chatId, zt.numbered(ct.reportChooseWard, labels(screen), true));
      case 'ask-photos':
        return this.reply(chatId, zt.reportAskPhotos(screen.max));
      case 'photo-kept':
        await this.reply(chatId, zt.reportPhotoKept(screen.count, screen.max));
        return screen.next && this.renderReport(chatId, screen.next);
      case 'photo-refused':
        return this.reply(chatId, zt.reportPhotoRefused(screen.reason));
      case 'ask-description':
        return this.reply(chatId, ct.reportAskDescription);
      case 'preview':
        return this.reply(chatId, `${ct.reportPreview(screen.preview)}\n${zt.reportConfirm}`);
      case 'opened':
      case 'refused':
        return this.reply(chatId, screen.text);
      case 'cancelled':
        return this.reply(chatId, botTexts.cancelled);
      case 'again':
        return this.renderReport(chatId, screen.screen);
    }
  }

  private run(command: Command, ref: ChatRef): Promise<void> {
    const { residents, config } = this.deps;
    const chatId = ref.chatId;
    switch (command) {
      case 'greeting':
        return this.reply(chatId, botTexts.greeting(config.city.name, zaloActions, config.city.exampleQuestion));
      case 'help':
        return this.reply(chatId, botTexts.help(zaloActions));
      case 'subscribe':
        return this.renderSubscribe(chatId, this.subscribe.start(ref));
      case 'unsubscribe':
        return this.reply(chatId, this.subscribe.unsubscribe(ref) ? botTexts.unsubscribed : botTexts.notSubscribed);
      case 'sources':
        return this.reply(chatId, formatSources(residents.sources()));
      case 'forget':
        return this.renderForget(chatId, this.forget.start(ref));
      case 'voteUp':
      case 'voteDown':
        return this.vote(ref, command === 'voteUp' ? 'up' : 'down');
      case 'announce':
        return this.render(ref, this.announce.start(ref));
      case 'progress': {
        const { text, stoppable } = this.staff.progress(ref);
        return this.reply(chatId, stoppable.length ? `${text}\n\n${zaloTexts.stopHint}` : text);
      }
      case 'refresh':
        return this.staff.refresh(ref, (text) => this.reply(chatId, text));
    }
  }

  /** One step of the announcement draft; staff stay in it until they send or cancel, so a stray message never loses it. */
  private async draft(ref: ChatRef, input: DraftInput): Promise<void> {
    const screen = this.announce.handle(ref, input);
    if (screen) await this.render(ref, screen);
  }

  /** The core's draft screens as Zalo text: numbered lists and keywords. */
  private async render(ref: ChatRef, screen: DraftScreen): Promise<void> {
    const chatId = ref.chatId;
    const say = (text: string) => this.reply(chatId, text);
    switch (screen.kind) {
      case 'ask-content':
        return say(zaloTexts.announceAskText);
      case 'need-body':
        return say(zaloTexts.announceNeedsBody);
      case 'choose-topics':
        return say(zaloTexts.announceTopics(screen.options.map((o) => o.label)));
      case 'choose-wards':
        return say(zaloTexts.announceWards(screen.options.map((o) => o.label)));
      case 'preview': {
        const { text, recipients, total, warnings } = screen.preview;
        return say([zaloTexts.announcePreview(text, recipients, total), ...warnings, '', zaloTexts.announceConfirm].join('\n'));
      }
      case 'ask-time':
        return say(zaloTexts.announceAskTime);
      case 'bad-time':
        return say(zaloTexts.announceBadTime);
      case 'invalid':
        return say(zaloTexts.announceRejected(screen.problems));
      case 'refused':
        return say(
          screen.open
            ? `${zaloTexts.announceRefused(screen.problems)}\n${zaloTexts.announceAskTime}`
            : zaloTexts.announceRefused(screen.problems),
        );
      case 'not-allowed':
        return say(botTexts.notAllowed);
      case 'sending':
        await say(zaloTexts.announceSending(screen.id, screen.total));
        this.deps.authors.follow(screen.id, { done: (_p, report) => say(report) });
        return;
      case 'scheduled':
        return say(broadcastTexts.scheduled(screen.id, formatCityTime(screen.at)));
      case 'cancelled':
        return say(zaloTexts.announceCancelled);
      case 'again': {
        const inner = screen.screen;
        if (inner.kind === 'choose-topics' || inner.kind === 'choose-wards') return say(zaloTexts.pickNumbers(inner.options.length));
        if (inner.kind === 'preview') return say(zaloTexts.announceConfirm);
        return this.render(ref, inner);
      }
    }
  }

  /** The core's subscription screens as Zalo text: numbered lists, answered with numbers. */
  private renderSubscribe(chatId: string, screen: SubscribeScreen): Promise<void> {
    const labels = (s: { options: { label: string }[] }) => s.options.map((o) => o.label);
    switch (screen.kind) {
      case 'choose-topics':
        return this.reply(chatId, zaloTexts.subscribeTopics(labels(screen)));
      case 'choose-wards':
        return this.reply(chatId, zaloTexts.subscribeWard(labels(screen)));
      case 'confirm':
        return this.reply(chatId, zaloTexts.subscribeConfirm(screen.topics, screen.wards));
      case 'subscribed':
        return this.reply(chatId, botTexts.subscribed(screen.topics, screen.wards));
      case 'cancelled':
        return this.reply(chatId, botTexts.cancelled);
      case 'again': {
        const inner = screen.screen;
        if (inner.kind === 'choose-topics' || inner.kind === 'choose-wards')
          return this.reply(chatId, zaloTexts.pickNumbers(inner.options.length));
        return this.renderSubscribe(chatId, inner);
      }
    }
  }

  private renderForget(chatId: string, screen: ForgetScreen): Promise<void> {
    switch (screen.kind) {
      case 'ask-confirm':
        return this.reply(chatId, zaloTexts.forgetConfirm);
      case 'forgotten':
        return this.reply(chatId, botTexts.forgotten);
      case 'kept':
        return this.reply(chatId, botTexts.cancelled);
    }
  }

  private async vote(ref: ChatRef, vote: 'up' | 'down'): Promise<void> {
    return this.reply(ref.chatId, this.answers.vote(ref, this.lastAnswers.get(ref.chatId), vote).text);
  }

  /** A question: the engine's answer with its sources, split under Zalo's limit, then the feedback hint. */
  private async answer(ref: ChatRef, question: string, group: boolean): Promise<void> {
    const outcome = await this.answers.handle(ref, question, { group, working: (work) => this.typing(ref.chatId, work) });
    if (outcome.kind !== 'answer') return this.reply(ref.chatId, outcome.text);
    const { answer, questionId } = outcome;
    const parts = splitMessage(formatAnswerPlain(answer), ZALO_MAX_TEXT);
    if (outcome.votable) this.lastAnswers.set(ref.chatId, questionId);
    const hint = answer.status === 'answered' ? zaloTexts.feedbackHint : outcome.offerHandoff ? ct.handoffHint : undefined;
    if (hint) {
      const last = parts.length - 1;
      const withHint = `${parts[last]}\n\n${hint}`;
      if (withHint.length <= ZALO_MAX_TEXT) parts[last] = withHint;
      else parts.push(hint);
    }
    await this.sendAll(ref.chatId, parts);
  }

  /** Keeps "typing…" showing while `work` runs; a failed chat action never fails the answer. */
  private async typing<T>(chatId: string, work: () => Promise<T>): Promise<T> {
    const ping = () => {
      this.deps.client.sendChatAction(chatId).catch((err) => this.deps.logger.debug({ err }, 'zalo chat action failed'));
    };
    ping();
    const timer = setInterval(ping, TYPING_REPEAT_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async replied(chatId: string, text: string): Promise<true> {
    await this.reply(chatId, text);
    return true;
  }

  reply(chatId: string, text: string): Promise<void> {
    return this.sendAll(chatId, splitMessage(text, ZALO_MAX_TEXT));
  }

  private async sendAll(chatId: string, parts: string[]): Promise<void> {
    try {
      for (const part of parts) await this.deps.client.sendMessage(chatId, part);
    } catch (err) {
      this.deps.logger.error({ err, chatId }, 'zalo reply failed');
    }
  }
}

/** The names a group message may call the bot by. */
function botNames(me: ZaloBotInfo | undefined): string[] {
  return [me?.display_name, me?.account_name].filter((n): n is string => Boolean(n));
}

/** 1-based picks from a list of `count`; [] when 0 ("all") is among them; undefined when out of range. */
export function pick(text: string, count: number): number[] | undefined {
  const numbers = numbersOf(text);
  if (!numbers?.length || numbers.some((n) => n > count)) return undefined;
  return numbers.includes(0) ? [] : numbers;
}

/** A message typed while an announcement is being written, as the draft's input. */
function draftInput(step: string, text: string, config: Config): DraftInput {
  const reply = replyOf(text);
  if (reply === 'cancel') return { kind: 'cancel' };
  switch (step) {
    case 'topics':
    case 'wards': {
      const values = step === 'topics' ? config.city.topics.map((t) => t.slug) : wardNames(config.city);
      const picked = pick(text, values.length);
      // Out of range or not numbers: a value no list holds, so the flow asks again.
      return picked ? { kind: 'pick', values: picked.map((i) => values[i - 1]) } : { kind: 'toggle', value: '' };
    }
    case 'confirm':
      return reply === 'send' ? { kind: 'send' } : reply === 'schedule' ? { kind: 'schedule' } : { kind: 'next' };
    case 'time':
      return { kind: 'time', text };
    default:
      return { kind: 'content', text };
  }
}

/**
 * A message typed while subscribing, as the flow's input; undefined when it answers nothing asked
 * (the resident moved on). A wrong number is still an answer: the flow asks again.
 */
function subscribeInput(step: SubscribeState['step'], text: string, config: Config): SubscribeInput | undefined {
  const reply = replyOf(text);
  if (reply === 'cancel') return { kind: 'cancel' };
  if (step === 'confirm') return reply === 'confirm' ? { kind: 'confirm' } : undefined;
  if (!isNumberReply(text)) return undefined;
  const values = step === 'topics' ? config.city.topics.map((t) => t.slug) : wardNames(config.city);
  const picked = pick(text, values.length);
  return picked ? { kind: 'pick', values: picked.map((i) => values[i - 1]) } : { kind: 'toggle', value: '' };
}

/** A message typed while reporting, as the flow's input: numbers pick from the step's list. */
function reportInput(state: ReportState, text: string, config: Config): ReportInput {
  const reply = replyOf(text);
  if (reply === 'cancel') return { kind: 'cancel' };
  const key = keyOf(text);
  if (key === keyOf(ct.skip) || key === keyOf(ct.done)) return { kind: 'skip' };
  if (state.step === 'confirm') return reply === 'send' || reply === 'confirm' ? { kind: 'confirm' } : { kind: 'text', text };
  if ((state.step === 'category' || state.step === 'ward') && isNumberReply(text)) {
    const values = state.step === 'category' ? config.city.cases.categories.map((c) => c.slug) : wardNames(config.city);
    const picked = pick(text, values.length);
    return { kind: 'pick', value: picked?.length === 1 ? values[picked[0] - 1] : '' };
  }
  return { kind: 'text', text };
}

/** Digits and separators only: the person is answering the numbered list (maybe with a wrong number). */
function isNumberReply(text: string): boolean {
  return /^[\d\s,;.]+$/.test(text.trim());
}
