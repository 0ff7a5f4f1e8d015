// Configuration: read once from the environment (and .env), validated with zod, and turned into
// one clear message per bad variable. Every variable here is documented in .env.example.
import path from 'node:path';
import { z } from 'zod';

// zod's own Vietnamese messages, so a bad variable is explained in the admin's language.
z.config(z.locales.vi());

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.string().url({ message: 'phải là một URL đầy đủ, ví dụ https://example.org' }).optional())
  .optional();
/** "1,2, 3" → ["1","2","3"]; ids are kept as strings (Telegram ids exceed 2^31, Zalo ids are text). */
const idList = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((s) => s.trim()).filter(Boolean));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),

  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  DATA_DIR: z.string().trim().min(1).default('data'),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge'),
  PROMPTS_DIR: z.string().trim().min(1).default('prompts'),

  CITY_NAME: z.string().trim().default(''),
  CITY_WARDS: z.string().default(''),
  CITY_TOPICS: z
    .string()
    .default(
      'giao-thong=Giao thông,do-thi=Đô thị và xây dựng,hanh-chinh=Thủ tục hành chính,van-hoa-xa-hoi=Văn hóa – xã hội,khan-cap=Khẩn cấp – thiên tai',
    ),

  EMBEDDING_PROVIDER: z.enum(['local', 'openai']).default('local'),
  EMBEDDING_MODEL: z.string().trim().default('text-embedding-3-small'),
  EMBEDDING_DIMENSIONS: int(16, 8192).default(256),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  CHAT_MODEL: z.string().trim().default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: int(500, 300_000).default(20_000),

  CHUNK_TARGET_CHARS: int(200, 8000).default(900),
  CHUNK_OVERLAP_CHARS: int(0, 2000).default(150),
  RELEVANCE_FLOOR: num(0, 1).default(0.2),
  ASK_MAX_CHARS: int(50, 20_000).default(1000),
  HISTORY_TURNS: int(0, 50).default(6),
  HISTORY_TTL_MINUTES: int(1, 10_080).default(30),

  ADMIN_TOKEN: optionalString,
  STAFF_TOKEN: optionalString,
  WEB_RATE_LIMIT_PER_MINUTE: int(1, 100_000).default(30),

  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: z.string().trim().url().default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  TELEGRAM_WEBHOOK_SECRET: optionalString,
  TELEGRAM_ADMIN_IDS: idList,
  TELEGRAM_STAFF_IDS: idList,
  TELEGRAM_RATE_PER_SECOND: num(0.1, 10_000).default(30),
  TELEGRAM_PER_CHAT_INTERVAL_MS: int(0, 60_000).default(1000),
  TELEGRAM_ALLOW_PAID_BROADCAST: bool.optional().transform((v) => v ?? false),

  ZALO_BOT_TOKEN: optionalString,
  ZALO_API_ROOT: z.string().trim().url().default('https://bot-api.zaloplatforms.com'),
  ZALO_WEBHOOK_URL: optionalUrl,
  ZALO_WEBHOOK_SECRET: optionalString,
  ZALO_ADMIN_IDS: idList,
  ZALO_STAFF_IDS: idList,
  ZALO_RATE_PER_SECOND: num(0.1, 10_000).default(10),

  BROADCAST_MAX_ATTEMPTS: int(1, 50).default(5),
});

export type Env = z.infer<typeof schema>;

export interface Topic {
  slug: string;
  label: string;
}

export interface Config {
  env: Env;
  paths: { data: string; knowledge: string; prompts: string; index: string; database: string };
  city: { name: string; wards: string[]; topics: Topic[] };
  /** LLM answering and OpenAI embeddings are possible only when an endpoint is configured. */
  llmEnabled: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cấu hình không hợp lệ:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseTopics(raw: string): Topic[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const [slug, ...label] = pair.split('=');
      return { slug: slug.trim(), label: (label.join('=') || slug).trim() };
    });
}

/** Validates `source` (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(môi trường)';
        const got = source[name];
        // Values of secret-looking variables are never echoed back.
        const shown = got === undefined || /TOKEN|KEY|SECRET/.test(name) ? '' : ` (đang là "${got}")`;
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const env = result.data;
  const problems: string[] = [];
  if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET)
    problems.push('TELEGRAM_WEBHOOK_SECRET: bắt buộc khi đặt TELEGRAM_WEBHOOK_URL (chuỗi bí mật 1–256 ký tự A-Z a-z 0-9 _ -)');
  if (env.TELEGRAM_WEBHOOK_SECRET && !/^[A-Za-z0-9_-]{1,256}$/.test(env.TELEGRAM_WEBHOOK_SECRET))
    problems.push('TELEGRAM_WEBHOOK_SECRET: chỉ gồm A-Z a-z 0-9 _ - và dài 1–256 ký tự');
  if (env.ZALO_WEBHOOK_URL && !env.ZALO_WEBHOOK_SECRET)
    problems.push('ZALO_WEBHOOK_SECRET: bắt buộc khi đặt ZALO_WEBHOOK_URL (chuỗi bí mật 8–256 ký tự)');
  if (env.ZALO_WEBHOOK_SECRET && (env.ZALO_WEBHOOK_SECRET.length < 8 || env.ZALO_WEBHOOK_SECRET.length > 256))
    problems.push('ZALO_WEBHOOK_SECRET: phải dài 8–256 ký tự');
  if (env.EMBEDDING_PROVIDER === 'openai' && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL)
    problems.push('EMBEDDING_PROVIDER: "openai" cần OPENAI_API_KEY hoặc OPENAI_BASE_URL');
  if (env.CHUNK_OVERLAP_CHARS >= env.CHUNK_TARGET_CHARS)
    problems.push('CHUNK_OVERLAP_CHARS: phải nhỏ hơn CHUNK_TARGET_CHARS');
  const topics = parseTopics(env.CITY_TOPICS);
  if (topics.some((t) => !/^[a-z0-9-]+$/.test(t.slug)))
    problems.push('CITY_TOPICS: mỗi chủ đề có dạng "ma-chu-de=Tên hiển thị", mã chỉ gồm a-z 0-9 -');
  if (problems.length) throw new ConfigError(problems);

  const data = path.resolve(cwd, env.DATA_DIR);
  return {
    env,
    paths: {
      data,
      knowledge: path.resolve(cwd, env.KNOWLEDGE_DIR),
      prompts: path.resolve(cwd, env.PROMPTS_DIR),
      index: path.join(data, 'index'),
      database: path.join(data, 'civicbot.db'),
    },
    city: {
      name: env.CITY_NAME,
      wards: env.CITY_WARDS.split(',').map((s) => s.trim()).filter(Boolean),
      topics,
    },
    llmEnabled: Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL),
  };
}

/**
 * For command-line tools: the configuration, or undefined after the problems were written with
 * `write` (stderr by default), so the caller can exit 1.
 */
export function loadConfigOrReport(
  write: (message: string) => void = (m) => console.error(m),
  source: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Config | undefined {
  try {
    return loadConfig(source, cwd);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    write(err.message);
    return undefined;
  }
}
