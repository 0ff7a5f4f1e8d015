// Everything a messaging channel does for a person, independent of the channel: answering with
// conversation memory, the question log, feedback, subscriptions, data deletion and roles.
// Telegram and Zalo adapters translate their updates into these calls and nothing more.
import type { Config } from '../config.js';
import type { PhotoFiles } from '../db/case-photos.js';
import type { Store } from '../db/store.js';
import type { ChannelName, ChatRef, DocumentInfo, IngestSummary, Role, Subscriber, Vote } from '../domain/index.js';
import type { Answer, KnowledgeService } from '../engine/types.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/** How long after a 👎 a "góp ý: …" message is taken as its reason, and the longest reason kept. */
export const REASON_WINDOW_MS = 60 * 60_000;
const MAX_REASON_CHARS = 500;

/** "góp ý: thông tin đã cũ" (any case, with or without diacritics) → "thông tin đã cũ". */
export function reasonOf(text: string): string | undefined {
  const m = /^\s*g[oó]p\s*[yý]\s*[:,.\-–]?\s+(\S[\s\S]*)$/iu.exec(text.normalize('NFC'));
  return m?.[1].trim();
}

export interface ResidentServiceDeps {
  store: Store;
  knowledge: KnowledgeService;
  config: Config;
  logger: Logger;
  metrics?: Metrics;
  /** Where case photos are kept (removed with the resident's data). */
  photos?: PhotoFiles;
}

const RANK: Record<Role, number> = { resident: 0, staff: 1, admin: 2 };

export class ResidentService {
  constructor(private readonly deps: ResidentServiceDeps) {}

  /** Answers with the chat's recent turns as context; logs the exchange for review and feedback. */
  async ask(ref: ChatRef, question: string): Promise<{ answer: Answer; questionId: number }> {
    const { store, knowledge, config, metrics } = this.deps;
    const history = store.conversations.recentTurns(ref.channel, ref.chatId, config.history.turns, config.history.ttlMs);
    const answer = await knowledge.ask(question, { history });
    metrics?.questions.inc({ channel: ref.channel, status: answer.status });
    metrics?.answerLatency.observe({ mode: answer.mode }, answer.timings.totalMs / 1000);
    if (answer.llmFallback) metrics?.llmFallbacks.inc();
    if (answer.status !== 'invalid') {
      store.conversations.addTurn(ref.channel, ref.chatId, 'user', question);
      store.conversations.addTurn(ref.channel, ref.chatId, 'assistant', answer.text);
    }
    const questionId = store.conversations.logQuestion({
      channel: ref.channel,
      chatId: ref.chatId,
      userId: ref.userId,
      question: question.slice(0, config.web.askMaxChars),
      answer: answer.text,
      status: answer.status,
      citations: answer.citations,
      confidence: answer.confidence,
      latencyMs: answer.timings.totalMs,
    });
    return { answer, questionId };
  }

  /** A 👎 leaves the answer open for a reason (see giveReason) for REASON_WINDOW_MS. */
  vote(ref: ChatRef, questionId: number, vote: Vote, comment?: string): boolean {
    const { store } = this.deps;
    const counted = store.conversations.vote(questionId, ref.channel, ref.chatId, vote, comment);
    const key = `${ref.channel}:${ref.chatId}:reason-for`;
    if (counted && vote === 'down' && !comment) store.kv.set(key, { questionId, at: Date.now() });
    else if (counted) store.kv.delete(key);
    return counted;
  }

  /**
   * The reason for the chat's last 👎 ("góp ý: …" on Telegram and Zalo), kept with the vote for
   * staff. False when there is no recent 👎 to attach it to: the message is then a question.
   */
  giveReason(ref: ChatRef, reason: string): boolean {
    const { store } = this.deps;
    const key = `${ref.channel}:${ref.chatId}:reason-for`;
    const pending = store.kv.get<{ questionId: number; at: number }>(key);
    if (!pending || Date.now() - pending.at > REASON_WINDOW_MS || !reason.trim()) return false;
    store.kv.delete(key);
    return store.conversations.vote(pending.questionId, ref.channel, ref.chatId, 'down', reason.trim().slice(0, MAX_REASON_CHARS));
  }

  /** Unknown topics and wards are dropped; [] means every topic / the whole city. */
  subscribe(ref: ChatRef, prefs: { topics: string[]; wards: string[] }): Subscriber {
    const { topics: known, wards: places } = this.deps.config.city;
    const topics = prefs.topics.filter((t) => known.some((k) => k.slug === t));
    const wards = prefs.wards.filter((w) => places.some((p) => p.name === w));
    return this.deps.store.subscribers.subscribe({ channel: ref.channel, chatId: ref.chatId, displayName: ref.displayName, topics, wards });
  }

  unsubscribe(ref: ChatRef): boolean {
    return this.deps.store.subscribers.unsubscribe(ref.channel, ref.chatId);
  }

  subscription(ref: ChatRef): Subscriber | undefined {
    const s = this.deps.store.subscribers.get(ref.channel, ref.chatId);
    return s?.status === 'active' ? s : undefined;
  }

  /** Topic labels for display, in configuration order. */
  topicLabels(slugs: string[]): string[] {
    return this.deps.config.city.topics.filter((t) => slugs.includes(t.slug)).map((t) => t.label);
  }

  forget(ref: ChatRef) {
    const { photoFiles, ...removed } = this.deps.store.forgetChat(ref.channel, ref.chatId);
    this.deps.photos?.remove(photoFiles);
    this.deps.logger.info({ channel: ref.channel, removed, photos: photoFiles.length }, 'resident data deleted on request');
    return removed;
  }

  sources(): DocumentInfo[] {
    return this.deps.knowledge.documents();
  }

  /** Roles from configuration (TELEGRAM_ADMIN_IDS, ...) win over stored ones; everyone else is a resident. */
  roleOf(channel: ChannelName, userId: string): Role {
    const listed = channel === 'web' ? undefined : this.deps.config.access[channel];
    if (listed?.admins.includes(userId)) return 'admin';
    const stored = this.deps.store.access.storedRole(channel, userId);
    // A console account with this Telegram/Zalo id gives its role in the bot too.
    const account = channel === 'web' ? undefined : this.deps.store.console.users.roleOnChannel(channel, userId);
    if (stored === 'admin' || account === 'admin') return 'admin';
    if (listed?.staff.includes(userId) || account === 'staff') return 'staff';
    return stored;
  }

  /** True when the person may do `action`; every privileged attempt is audited, refusals also logged. */
  authorize(ref: ChatRef, needed: 'staff' | 'admin', action: string): boolean {
    const allowed = RANK[this.roleOf(ref.channel, ref.userId)] >= RANK[needed];
    this.deps.store.access.audit(ref.channel, ref.userId, action, allowed);
    if (!allowed) this.deps.logger.warn({ channel: ref.channel, userId: ref.userId, action }, 'privileged action refused');
    return allowed;
  }

  /** Roles granted at run time, beside those listed in the environment (which always win). */
  storedRoles() {
    return this.deps.store.access.list();
  }

  grantRole(channel: ChannelName, userId: string, role: 'admin' | 'staff'): void {
    this.deps.store.access.grant(channel, userId, role);
    this.deps.logger.info({ channel, userId, role }, 'role granted');
  }

  revokeRole(channel: ChannelName, userId: string): boolean {
    const removed = this.deps.store.access.revoke(channel, userId);
    if (removed) this.deps.logger.info({ channel, userId }, 'role revoked');
    return removed;
  }

  /** Votes with their question, answer and sources, newest first: what staff review. */
  feedbackForReview(options: { vote?: Vote; limit?: number } = {}) {
    return this.deps.store.conversations.feedbackForReview(options.limit ?? 50, options.vote);
  }

  refreshKnowledge(): Promise<IngestSummary> {
    return this.deps.knowledge.refresh();
  }

  addDocument(fileName: string, bytes: Uint8Array): Promise<IngestSummary> {
    return this.deps.knowledge.addDocument(fileName, bytes);
  }
}
