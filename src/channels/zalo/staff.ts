// Staff and admin actions from Zalo, by keyword: compose an announcement step by step (text, topics
// and wards by number, a preview exactly as residents will see it, an explicit "gửi"), follow the
// progress of recent ones, and refresh the knowledge base.
import type { ChatRef, ResidentService } from '../../bot/resident-service.js';
import { AnnouncementError, type BroadcastService } from '../../broadcast/service.js';
import type { Config } from '../../config.js';
import { redact, type Logger } from '../../logger.js';
import { botTexts } from '../../texts/bot.js';
import { zaloTexts } from '../../texts/zalo.js';
import type { DialogueState, DialogueStore } from './dialogue.js';
import { numbersOf, replyOf } from './keywords.js';

export type SendReply = (chatId: string, text: string) => Promise<void>;

type AnnounceState = Extract<DialogueState, { step: `announce-${string}` }>;

export class StaffActions {
  constructor(
    private readonly deps: {
      config: Config;
      logger: Logger;
      residents: ResidentService;
      broadcast: BroadcastService;
      dialogues: DialogueStore;
      reply: SendReply;
    },
  ) {}

  async announce(ref: ChatRef): Promise<void> {
    if (!this.deps.residents.authorize(ref, 'staff', 'announce')) return this.deps.reply(ref.chatId, botTexts.notAllowed);
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
      const refused = state.step === 'announce-confirm' ? problemsOf(() => broadcast.cancel(state.id)) : undefined;
      return reply(chatId, refused ? zaloTexts.announceRefused(refused) : zaloTexts.announceCancelled);
    }
    const { topics, wards } = this.deps.config.city;
    switch (state.step) {
      case 'announce-text': {
        const [first, ...rest] = text.trim().split('\n');
        const title = first.trim();
        const body = rest.join('\n').trim();
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
        return this.preview(ref, state.title, state.body, state.topics, picked.map((i) => wards[i - 1]));
      }
      case 'announce-confirm': {
        if (replyOf(text) !== 'send') return reply(chatId, zaloTexts.announceConfirm);
        dialogues.clear(chatId);
        if (!this.deps.residents.authorize(ref, 'staff', 'announce.send')) return reply(chatId, botTexts.notAllowed);
        const refused = problemsOf(() => broadcast.sendNow(state.id));
        if (refused) return reply(chatId, zaloTexts.announceRefused(refused));
        return reply(chatId, zaloTexts.announceSending(state.id, broadcast.progress(state.id).total));
      }
    }
  }

  async progress(ref: ChatRef): Promise<void> {
    if (!this.deps.residents.authorize(ref, 'staff', 'progress')) return this.deps.reply(ref.chatId, botTexts.notAllowed);
    const { broadcast } = this.deps;
    const recent = broadcast.recent(5);
    if (!recent.length) return this.deps.reply(ref.chatId, zaloTexts.progressEmpty);
    const lines = recent.map((a) => zaloTexts.progressLine({ ...a.progress, title: a.title }));
    return this.deps.reply(ref.chatId, [zaloTexts.progressHeader, ...lines].join('\n'));
  }

  async refresh(ref: ChatRef): Promise<void> {
    const { residents, reply, logger } = this.deps;
    if (!residents.authorize(ref, 'admin', 'refresh')) return reply(ref.chatId, botTexts.notAllowed);
    await reply(ref.chatId, botTexts.refreshStarted);
    try {
      return await reply(ref.chatId, botTexts.refreshDone(await residents.refreshKnowledge()));
    } catch (err) {
      logger.error({ err }, 'knowledge refresh from zalo failed');
      return reply(ref.chatId, botTexts.refreshFailed(redact((err as Error).message)));
    }
  }

  /** Stores the draft and shows it as residents will see it, with the number of recipients. */
  private async preview(ref: ChatRef, title: string, body: string, topics: string[], wards: string[]): Promise<void> {
    const { broadcast, dialogues, reply } = this.deps;
    let id = 0;
    const refused = problemsOf(() => (id = broadcast.create({ title, body, topics, wards, author: `zalo:${ref.userId}` }).id));
    if (refused) {
      dialogues.clear(ref.chatId);
      return reply(ref.chatId, zaloTexts.announceRejected(refused));
    }
    const p = broadcast.preview(id);
    dialogues.set(ref.chatId, { step: 'announce-confirm', id });
    return reply(ref.chatId, `${zaloTexts.announcePreview(p.text, p.recipients, p.total)}\n\n${zaloTexts.announceConfirm}`);
  }
}

/** Runs a broadcast action; the reasons when it refused (AnnouncementError), undefined when it went through. */
function problemsOf(action: () => unknown): string[] | undefined {
  try {
    action();
    return undefined;
  } catch (err) {
    if (err instanceof AnnouncementError) return err.problems;
    throw err;
  }
}

/** 1-based picks from a list of `count`; [] when 0 ("all") is among them; undefined when out of range. */
export function pick(text: string, count: number): number[] | undefined {
  const numbers = numbersOf(text);
  if (!numbers?.length || numbers.some((n) => n > count)) return undefined;
  return numbers.includes(0) ? [] : numbers;
}
