// The chat model behind LLM answering: any OpenAI-compatible endpoint. Failures surface as
// LlmError so the caller can fall back to the offline answer.
import OpenAI from 'openai';
import type { Config } from '../../config.js';
import { registerSecret } from '../../logger.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatLlm {
  readonly model: string;
  /** The reply's text; rejects with LlmError on timeout, HTTP error or an empty/malformed reply. */
  complete(messages: ChatMessage[]): Promise<string>;
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
  /** Retries inside the client for 429/5xx/timeouts; kept small so a resident is not kept waiting. */
  maxRetries?: number;
}

/** A key is required by the client even for keyless local endpoints (OPENAI_BASE_URL only). */
const KEYLESS = 'not-needed';

export function createOpenAiChat(config: Config, options: OpenAiChatOptions = {}): ChatLlm {
  registerSecret(config.env.OPENAI_API_KEY);
  const client = new OpenAI({
    apiKey: config.env.OPENAI_API_KEY ?? KEYLESS,
    baseURL: config.env.OPENAI_BASE_URL,
    timeout: config.env.LLM_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 1,
  });
  const model = config.env.CHAT_MODEL;
  return {
    model,
    async complete(messages) {
      let completion: OpenAI.Chat.Completions.ChatCompletion;
      try {
        completion = await client.chat.completions.create({ model, messages, temperature: 0 });
      } catch (err) {
        throw toLlmError(err);
      }
      const content = completion?.choices?.[0]?.message?.content;
      if (typeof content !== 'string' || !content.trim()) throw new LlmError('the model returned no text', 'malformed');
      return content.trim();
    },
  };
}

function toLlmError(err: unknown): LlmError {
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new LlmError('the model did not answer in time', 'timeout', { cause: err });
  if (err instanceof OpenAI.RateLimitError) return new LlmError('the model endpoint is rate limiting', 'rate_limit', { cause: err });
  if (err instanceof OpenAI.APIError && err.status !== undefined)
    return new LlmError(`the model endpoint answered HTTP ${err.status}`, 'http', { cause: err });
  if (err instanceof OpenAI.APIConnectionError) return new LlmError('the model endpoint is unreachable', 'network', { cause: err });
  // A 200 with a body that is not a completion makes the client throw while reading it.
  return new LlmError('the model reply could not be read', 'malformed', { cause: err });
}
