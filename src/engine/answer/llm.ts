// The chat model behind LLM answering: any OpenAI-compatible endpoint. Failures surface as
// LlmError so the caller can fall back to the offline answer.
import OpenAI from 'openai';
import type { EngineConfig } from '../../config.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface CompleteOptions {
  /** The question's deadline: when it fires the request, and any retry of it, is abandoned. */
  signal?: AbortSignal;
}

export interface ChatLlm {
  readonly model: string;
  /**
   * The reply's text; rejects with LlmError on timeout, HTTP error or an empty/malformed reply.
   * Without a signal the call gets LLM_TIMEOUT_MS in all, retries included.
   */
  complete(messages: ChatMessage[], options?: CompleteOptions): Promise<string>;
}

export class LlmError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'http' | 'rate_limit' | 'malformed' | 'network',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

export interface OpenAiChatOptions {
  /** Retries inside the client for 429/5xx, within the deadline; kept small so a resident is not kept waiting. */
  maxRetries?: number;
}

/** A key is required by the client even for keyless local endpoints (OPENAI_BASE_URL only). */
const KEYLESS = 'not-needed';

export function createOpenAiChat(config: EngineConfig, options: OpenAiChatOptions = {}): ChatLlm {
  const client = new OpenAI({
    apiKey: config.llm.apiKey ?? KEYLESS,
    baseURL: config.llm.baseUrl,
    timeout: config.llmTimeoutMs,
    maxRetries: options.maxRetries ?? 1,
  });
  const model = config.llm.chatModel;
  return {
    model,
    async complete(messages, { signal: deadline } = {}) {
      // The client's own timeout is per attempt; the deadline bounds the whole call, so a timed-out
      // attempt is never retried past it.
      const signal = deadline ?? AbortSignal.timeout(config.llmTimeoutMs);
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await completeBefore(signal, () => client.chat.completions.create({ model, messages, temperature: 0 }, { signal }));
      } catch (err) {
        throw toLlmError(err);
      }
      const content = completion?.choices?.[0]?.message?.content;
      if (typeof content !== 'string' || !content.trim()) throw new LlmError('the model returned no text', 'malformed');
      return content.trim();
    },
  };
}

const timeUp = () => new LlmError('the model did not answer in time', 'timeout');

/**
 * The call's result, or a timeout LlmError as soon as the deadline passes: the client waits out its
 * retry back-off without looking at the signal, the resident should not.
 */
function completeBefore<T>(deadline: AbortSignal, call: () => Promise<T>): Promise<T> {
  if (deadline.aborted) return Promise.reject(timeUp());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timeUp());
    deadline.addEventListener('abort', onAbort, { once: true });
    call()
      .then(resolve, reject)
      .finally(() => deadline.removeEventListener('abort', onAbort));
  });
}

function toLlmError(err: unknown): LlmError {
  if (err instanceof LlmError) return err;
  // Our deadline is the only abort there is.
  if (err instanceof OpenAI.APIConnectionTimeoutError || err instanceof OpenAI.APIUserAbortError)
    return new LlmError('the model did not answer in time', 'timeout', { cause: err });
  if (err instanceof OpenAI.RateLimitError) return new LlmError('the model endpoint is rate limiting', 'rate_limit', { cause: err });
  if (err instanceof OpenAI.APIError && err.status !== undefined)
    return new LlmError(`the model endpoint answered HTTP ${err.status}`, 'http', { cause: err });
  if (err instanceof OpenAI.APIConnectionError) return new LlmError('the model endpoint is unreachable', 'network', { cause: err });
  // A 200 with a body that is not a completion makes the client throw while reading it.
  return new LlmError('the model reply could not be read', 'malformed', { cause: err });
}
