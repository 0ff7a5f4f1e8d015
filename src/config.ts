// Configuration: read once from the environment (and .env), validated with zod, and turned into
// one clear message per bad variable. Every variable here is documented in .env.example.
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { registerSecret } from './logger.js';
import { configTexts as texts } from './texts/config.js';

// zod's own Vietnamese messages, so a bad variable is explained in the admin's language.
z.config(z.locales.vi());

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => v === 'true' || v === '1' || v === 'yes');
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
  .pipe(z.string().url({ message: texts.badUrl }).optional())
  .optional();
/** "1,2, 3" → ["1","2","3"]; ids are kept as strings (Telegram ids exceed 2^31, Zalo ids are text). */
const idList = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

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
  CITY_EXAMPLE_QUESTION: z.string().trim().min(1).default('Dự án nào của thành phố đang được triển khai?'),
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
  TRUST_PROXY: z.string().trim().default('false'),

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

/** Fastify's `trustProxy`: off, on (any proxy), a number of proxy hops, or the proxies' addresses. */
export type TrustProxy = boolean | number | string[];

export interface Config {
  env: Env;
  /** From TRUST_PROXY: whose X-Forwarded-For to believe for the client's address (rate limits). */
  trustProxy: TrustProxy;
  paths: { data: string; knowledge: string; prompts: string; index: string; database: string };
  city: { name: string; wards: string[]; topics: Topic[] /** Shown to residents as "Ví dụ: …". */; exampleQuestion: string };
  /** LLM answering and OpenAI embeddings are possible only when an endpoint is configured. */
  llmEnabled: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`${texts.header}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
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

const SECRET_VARIABLES = [
  'ADMIN_TOKEN',
  'STAFF_TOKEN',
  'OPENAI_API_KEY',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'ZALO_BOT_TOKEN',
  'ZALO_WEBHOOK_SECRET',
] as const;

/** Every configured token and key is masked by redact() (logs, printed errors) from now on. */
function registerSecretsFrom(env: Env): void {
  for (const name of SECRET_VARIABLES) registerSecret(env[name]);
}

// Names proxy-addr (Fastify's trustProxy) knows for address ranges.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(value: string): boolean {
  if (PROXY_RANGE_NAMES.has(value)) return true;
  const [address, bits, ...rest] = value.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * TRUST_PROXY → Fastify's trustProxy: "false"/"" off, "true" on, "2" hops, or "10.0.0.1, 10.1.0.0/16"
 * (addresses, CIDR ranges, loopback/linklocal/uniquelocal). A string result is the bad entry.
 */
function parseTrustProxy(raw: string): TrustProxy | string {
  const value = raw.toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value) > 0 ? Number(value) : false;
  const proxies = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!proxies.length) return false;
  return proxies.find((p) => !isProxyAddress(p)) ?? proxies;
}

/**
 * Validates `source` (process.env by default); throws ConfigError naming every bad variable.
 * The secrets of a valid configuration are registered for redaction, so every program that reads
 * its configuration here (service, CLIs) masks them in logs and printed errors.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const result = schema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || texts.environment;
        const got = source[name];
        // Values of secret-looking variables are never echoed back.
        const shown = got === undefined || /TOKEN|KEY|SECRET/.test(name) ? '' : texts.currentValue(got);
        return `${name}: ${issue.message}${shown}`;
      }),
    );
  }
  const env = result.data;
  const problems: string[] = [];
  if (env.TELEGRAM_WEBHOOK_URL && !env.TELEGRAM_WEBHOOK_SECRET) problems.push(texts.telegramSecretRequired);
  if (env.TELEGRAM_WEBHOOK_SECRET && !/^[A-Za-z0-9_-]{1,256}$/.test(env.TELEGRAM_WEBHOOK_SECRET)) problems.push(texts.telegramSecretFormat);
  if (env.ZALO_WEBHOOK_URL && !env.ZALO_WEBHOOK_SECRET) problems.push(texts.zaloSecretRequired);
  if (env.ZALO_WEBHOOK_SECRET && (env.ZALO_WEBHOOK_SECRET.length < 8 || env.ZALO_WEBHOOK_SECRET.length > 256))
    problems.push(texts.zaloSecretLength);
  if (env.EMBEDDING_PROVIDER === 'openai' && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) problems.push(texts.openAiEmbeddingsNeedEndpoint);
  if (env.CHUNK_OVERLAP_CHARS >= env.CHUNK_TARGET_CHARS) problems.push(texts.overlapTooLarge);
  // A typo here would silently leave the city without admins or staff on Telegram.
  for (const name of ['TELEGRAM_ADMIN_IDS', 'TELEGRAM_STAFF_IDS'] as const) {
    const bad = env[name].filter((id) => !/^-?\d+$/.test(id));
    if (bad.length) problems.push(texts.telegramIds(name, bad));
  }
  const topics = parseTopics(env.CITY_TOPICS);
  if (topics.some((t) => !/^[a-z0-9-]+$/.test(t.slug))) problems.push(texts.topicsFormat);
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  if (typeof trustProxy === 'string') problems.push(texts.trustProxy(trustProxy));
  if (problems.length || typeof trustProxy === 'string') throw new ConfigError(problems);

  registerSecretsFrom(env);
  const data = path.resolve(cwd, env.DATA_DIR);
  return {
    env,
    trustProxy,
    paths: {
      data,
      knowledge: path.resolve(cwd, env.KNOWLEDGE_DIR),
      prompts: path.resolve(cwd, env.PROMPTS_DIR),
      index: path.join(data, 'index'),
      database: path.join(data, 'civicbot.db'),
    },
    city: {
      name: env.CITY_NAME,
      exampleQuestion: env.CITY_EXAMPLE_QUESTION,
      wards: env.CITY_WARDS.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
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
