// Staff and admin actions from Zalo, by keyword: compose an announcement step by step (text, topics
// and wards by number, a preview exactly as residents will see it, an explicit "gửi"), follow the
// progress of recent ones and stop one ("dừng gửi <số>"), and refresh the knowledge base.

import type { BroadcastService } from '../../broadcast/service.js';
import type { Config } from '../../config.js';
import type { AuthorProgress } from '../../core/author-progress.js';
import { attempt } from '../../core/broadcast-attempt.js';
import { reasonFor } from '../../core/error-reason.js';
import { formatRecentAnnouncements } from '../../core/format.js';
import type { ResidentService } from '../../core/resident-service.js';
import type { ChatRef } from '../../domain/index.js';
import { AUDIT, isStoppable, splitTitleBody, wardNames } from '../../domain/index.js';
import type { Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { zaloTexts } from '../../texts/zalo.js';
import type { DialogueState, DialogueStore } from './dialogue.js';
import { numbersOf, replyOf } from './keywords.js';

export type SendReply = (chatId: string, text: string) => Promise<void>;

type AnnounceState = Extract<DialogueState, { step: `announce-${string}` }>;

/** How many announcements "tiến độ" lists. */
const RECENT = 5;

export class StaffActions {
  constructor(
    private readonly deps: {
      config: Config;
      logger: Logger;
      residents: ResidentService;
      broadcast: BroadcastService;
      dialogues: DialogueStore;
      authors: AuthorProgress;
      reply: SendReply;
    },
  ) {}

  async announce(ref: ChatRef): Promise<void> {
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.announce)) return this.deps.reply(ref.chatId, botTexts.notAllowed);
    this.deps.dialogues.set(ref.chatId, { step: 'announce-text' });
    return this.deps.reply(ref.chatId, zaloTexts.announceAskText);
  }

  /** One step of the announcement dialogue. Staff stay in it until they finish, cancel, or it times out. */
  async continue(ref: ChatRef, state: AnnounceState, text: string): Promise<void> {
    const { dialogues, reply, broadcast } = this.deps;
    const chatId = ref.chatId;
    if (replyOf(text) === 'cancel') {
      dialogues.clear(chatId);
      // A draft is normally still a draft here; if it was sent meanwhile (CLI, web), say so instead.
      const cancelled = state.step === 'announce-confirm' ? attempt(() => broadcast.cancel(state.id)) : undefined;
      return reply(chatId, cancelled?.ok === false ? zaloTexts.announceRefused(cancelled.problems) : zaloTexts.announceCancelled);
    }
    const { topics } = this.deps.config.city;
    const wards = wardNames(this.deps.config.city);
    switch (state.step) {
      case 'announce-text': {
        const { title, body } = splitTitleBody(text);
        if (!body) return reply(chatId, zaloTexts.announceNeedsBody);
        dialogues.set(chatId, { step: 'announce-topics', title, body });
        return reply(chatId, zaloTexts.announceTopics(topics.map((t) => t.label)));
      }
      case 'announce-topics': {
        const picked = pick(text, topics.length);
        if (!picked) return reply(chatId, zaloTexts.pickNumbers(topics.length));
        const slugs = picked.map((i) => topics[i - 1].slug);
        if (!wards.length) return this.preview(ref, state.title, state.body, slugs, []);
        dialogues.set(chatId, { step: 'announce-wards', title: state.title, body: state.body, topics: slugs });
        return reply(chatId, zaloTexts.announceWards(wards));
      }
      case 'announce-wards': {
        const picked = pick(text, wards.length);
        if (!picked) return reply(chatId, zaloTexts.pickNumbers(wards.length));
        return this.preview(
          ref,
          state.title,
          state.body,
          state.topics,
          picked.map((i) => wards[i - 1]),
        );
      }
      case 'announce-confirm': {
        if (replyOf(text) !== 'send') return reply(chatId, zaloTexts.announceConfirm);
        dialogues.clear(chatId);
        // Checked again: the draft may have waited, and roles can change meanwhile.
        if (!this.deps.residents.authorize(ref, 'staff', AUDIT.send)) return reply(chatId, botTexts.notAllowed);
        const sent = attempt(() => broadcast.sendNow(state.id));
        if (!sent.ok) return reply(chatId, zaloTexts.announceRefused(sent.problems));
        await reply(chatId, zaloTexts.announceSending(state.id, broadcast.progress(state.id).total));
        this.deps.authors.follow(state.id, { done: (_p, report) => reply(chatId, report) });
        return;
      }
    }
  }

  async progress(ref: ChatRef): Promise<void> {
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.progress)) return this.deps.reply(ref.chatId, botTexts.notAllowed);
    const recent = this.deps.broadcast.recent(RECENT);
    const list = formatRecentAnnouncements(recent);
    return this.deps.reply(ref.chatId, recent.some(isStoppable) ? `${list}\n\n${zaloTexts.stopHint}` : list);
  }

  /** "dừng gửi <số>": stops an announcement that is sending or scheduled. */
  async stop(ref: ChatRef, id: number): Promise<void> {
    if (!this.deps.residents.authorize(ref, 'staff', AUDIT.cancel)) return this.deps.reply(ref.chatId, botTexts.notAllowed);
    const stopped = attempt(() => this.deps.broadcast.cancel(id));
    return this.deps.reply(ref.chatId, stopped.ok ? botTexts.stopped(id) : botTexts.stopRefused(stopped.problems));
  }

  async refresh(ref: ChatRef): Promise<void> {
    const { residents, reply, logger } = this.deps;
    if (!residents.authorize(ref, 'admin', AUDIT.refresh)) return reply(ref.chatId, botTexts.notAllowed);
    await reply(ref.chatId, botTexts.refreshStarted);
    try {
      return await reply(ref.chatId, botTexts.refreshDone(await residents.refreshKnowledge()));
    } catch (err) {
      logger.error({ err }, 'knowledge refresh from zalo failed');
      return reply(ref.chatId, botTexts.refreshFailed(reasonFor(err)));
    }
  }

  /** Stores the draft and shows it as residents will see it, with the number of recipients. */
  private async preview(ref: ChatRef, title: string, body: string, topics: string[], wards: string[]): Promise<void> {
    const { broadcast, dialogues, reply } = this.deps;
    const created = attempt(() => broadcast.create({ title, body, topics, wards, author: `zalo:${ref.userId}` }).id);
    if (!created.ok) {
      dialogues.clear(ref.chatId);
      return reply(ref.chatId, zaloTexts.announceRejected(created.problems));
    }
    const id = created.value;
    const p = broadcast.preview(id);
    dialogues.set(ref.chatId, { step: 'announce-confirm', id });
    return reply(ref.chatId, `${zaloTexts.announcePreview(p.text, p.recipients, p.total)}\n\n${zaloTexts.announceConfirm}`);
  }
}

/** 1-based picks from a list of `count`; [] when 0 ("all") is among them; undefined when out of range. */
export function pick(text: string, count: number): number[] | undefined {
  const numbers = numbersOf(text);
  if (!numbers?.length || numbers.some((n) => n > count)) return undefined;
  return numbers.includes(0) ? [] : numbers;
}
