// Configuration: read once from the environment (and .env) and the city file, validated with zod,
// and turned into one clear message per bad variable. Every variable here is documented in
// .env.example. The result is a set of typed slices (http, engine, telegram?, zalo?, ...): no code
// outside this file reads a variable's name, and each part receives only its own slice.
import fs from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { CityFileError, NEUTRAL_CITY, readCityFile } from './city-file.js';
import { type City, PersonError } from './domain/index.js';
import { DEFAULT_DOCUMENT_LIMITS as DOC, type DocumentLimits } from './engine/limits.js';
import { registerSecret } from './redact.js';
import { secretProblem } from './secret-strength.js';
import { configTexts as texts } from './texts/config.js';

// zod's own Vietnamese messages, so a bad variable is explained in the admin's language.
z.config(z.locales.vi());

/** The city file read when CITY_FILE is not set (relative to the working directory). */
export const DEFAULT_CITY_FILE = 'city.yaml';

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

const MB = 1024 * 1024;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),

  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: int(0, 65535).default(3000),
  DATA_DIR: z.string().trim().min(1).default('data'),
  KNOWLEDGE_DIR: z.string().trim().min(1).default('knowledge'),
  PROMPTS_DIR: z.string().trim().min(1).default('prompts'),

  CITY_FILE: z.string().trim().optional(),

  EMBEDDING_PROVIDER: z.enum(['local', 'openai']).default('local'),
  EMBEDDING_MODEL: z.string().trim().default('text-embedding-3-small'),
  EMBEDDING_DIMENSIONS: int(16, 8192).default(256),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl,
  CHAT_MODEL: z.string().trim().default('gpt-4o-mini'),
  LLM_TIMEOUT_MS: int(500, 300_000).default(20_000),

  CHUNK_TARGET_CHARS: int(200, 8000).default(900),
  CHUNK_OVERLAP_CHARS: int(0, 2000).default(150),
  DOC_MAX_FILE_MB: num(0.1, 1024).default(DOC.maxFileBytes / MB),
  DOC_MAX_UNZIPPED_MB: num(1, 8192).default(DOC.maxUnzippedBytes / MB),
  DOC_MAX_ZIP_ENTRIES: int(10, 1_000_000).default(DOC.maxZipEntries),
  DOC_MAX_TEXT_CHARS: int(1000, 1_000_000_000).default(DOC.maxTextChars),
  DOC_MAX_PASSAGES: int(1, 10_000_000).default(DOC.maxPassages),
  PARSE_TIMEOUT_MS: int(1000, 3_600_000).default(DOC.parseTimeoutMs),
  PARSE_MEMORY_MB: int(64, 16_384).default(DOC.parseMemoryMb),
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
  TELEGRAM_STAFF_GROUP_ID: optionalString,

  ZALO_BOT_TOKEN: optionalString,
  ZALO_API_ROOT: z.string().trim().url().default('https://bot-api.zaloplatforms.com'),
  ZALO_WEBHOOK_URL: optionalUrl,
  ZALO_WEBHOOK_SECRET: optionalString,
  ZALO_ADMIN_IDS: idList,
  ZALO_STAFF_IDS: idList,
  ZALO_RATE_PER_SECOND: num(0.1, 10_000).default(10),

  BROADCAST_MAX_ATTEMPTS: int(1, 50).default(5),
  ANNOUNCEMENT_KNOWLEDGE_DAYS: int(0, 3650).default(90),

  CASE_DAILY_LIMIT: int(1, 1000).default(5),
  CASE_MAX_PHOTOS: int(0, 20).default(5),
  CASE_PHOTO_MAX_MB: num(0.1, 50).default(10),
});

type Env = z.infer<typeof schema>;

/** Fastify's `trustProxy`: off, on (any proxy), a number of proxy hops, or the proxies' addresses. */
export type TrustProxy = boolean | number | string[];

/** A webhook: both the public URL and the secret the platform sends back (required together). */
export interface WebhookConfig {
  url: string;
  secret: string;
}

/** What every messaging channel is configured with. */
interface BotConfig {
  token: string;
  apiRoot: string;
  /** User ids, as text (Telegram's exceed 2^31). */
  admins: readonly string[];
  staff: readonly string[];
  /** Webhook mode; long polling without it. */
  webhook?: WebhookConfig;
  /** Announcement sending speed. */
  ratePerSecond: number;
}

/** Present only when TELEGRAM_BOT_TOKEN is set. */
export interface TelegramConfig extends BotConfig {
  perChatIntervalMs: number;
  allowPaidBroadcast: boolean;
  /** The staff group new cases are posted to; a reply there goes to the resident (TELEGRAM_STAFF_GROUP_ID). */
  staffGroupId?: string;
}

/** Present only when ZALO_BOT_TOKEN is set. */
export type ZaloConfig = BotConfig;

/** What the knowledge engine gets: its folders, the city's facts and its tuning; never a channel token. */
export interface EngineConfig {
  paths: { data: string; knowledge: string; prompts: string; index: string };
  city: City;
  chunk: { targetChars: number; overlapChars: number };
  /** What one document may cost (DOC_*, PARSE_*). */
  documents: DocumentLimits;
  /** Below it the bot says it does not know. */
  relevanceFloor: number;
  askMaxChars: number;
  /** Earlier turns a follow-up question is read with. */
  historyTurns: number;
  /** The most one question waits for the LLM (and for an OpenAI embedding). */
  llmTimeoutMs: number;
  /** LLM answering and OpenAI embeddings are possible only when an endpoint is configured. */
  llm: { enabled: boolean; apiKey?: string; baseUrl?: string; chatModel: string };
  embedding: { provider: 'local' | 'openai'; model: string; dimensions: number };
}

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  log: { level: Env['LOG_LEVEL']; format: Env['LOG_FORMAT'] };
  http: { host: string; port: number; trustProxy: TrustProxy };
  paths: { data: string; knowledge: string; prompts: string; index: string; database: string; cityFile: string };
  city: City;
  engine: EngineConfig;
  /** Follow-up memory of a chat. */
  history: { turns: number; ttlMs: number };
  web: { rateLimitPerMinute: number; askMaxChars: number; adminToken?: string; staffToken?: string };
  /** knowledgeDays: how long an announcement sent without an expiry stays in the knowledge base (0 = no limit). */
  broadcast: { maxAttempts: number; knowledgeDays: number };
  /** What one resident may hand to staff: cases opened per day, photos per report and their size. */
  cases: { dailyLimit: number; maxPhotos: number; photoMaxBytes: number };
  /**
   * Admins and staff listed per channel (TELEGRAM_ADMIN_IDS, ...): known even in a process that does
   * not run that channel's bot (the web part answers for them too).
   */
  access: Record<'telegram' | 'zalo', { admins: readonly string[]; staff: readonly string[] }>;
  telegram?: TelegramConfig;
  zalo?: ZaloConfig;
}

/** The start-up problems of a configuration, one line per variable (or city-file field). */
export class ConfigError extends PersonError {
  constructor(problems: string[]) {
    super(`${texts.header}\n${problems.map((p) => `  - ${p}`).join('\n')}`, { problems });
    this.name = 'ConfigError';
  }
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
  for (const name of ['ADMIN_TOKEN', 'STAFF_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'ZALO_WEBHOOK_SECRET'] as const) {
    const problem = env[name] === undefined ? undefined : secretProblem(env[name]);
    if (problem) problems.push(texts.weakSecret(name, problem));
  }
  if (env.EMBEDDING_PROVIDER === 'openai' && !env.OPENAI_API_KEY && !env.OPENAI_BASE_URL) problems.push(texts.openAiEmbeddingsNeedEndpoint);
  if (env.CHUNK_OVERLAP_CHARS >= env.CHUNK_TARGET_CHARS) problems.push(texts.overlapTooLarge);
  // A typo here would silently leave the city without admins or staff on Telegram.
  if (env.TELEGRAM_STAFF_GROUP_ID && !/^-?\d+$/.test(env.TELEGRAM_STAFF_GROUP_ID))
    problems.push(texts.telegramIds('TELEGRAM_STAFF_GROUP_ID', [env.TELEGRAM_STAFF_GROUP_ID]));
  for (const name of ['TELEGRAM_ADMIN_IDS', 'TELEGRAM_STAFF_IDS'] as const) {
    const bad = env[name].filter((id) => !/^-?\d+$/.test(id));
    if (bad.length) problems.push(texts.telegramIds(name, bad));
  }
  const trustProxy = parseTrustProxy(env.TRUST_PROXY);
  if (typeof trustProxy === 'string') problems.push(texts.trustProxy(trustProxy));
  const cityFile = path.resolve(cwd, env.CITY_FILE ?? DEFAULT_CITY_FILE);
  let city = NEUTRAL_CITY;
  try {
    // Without CITY_FILE a missing city.yaml means a city not configured yet; a named file must exist.
    if (env.CITY_FILE || fs.existsSync(cityFile)) city = readCityFile(cityFile, env.CITY_FILE ?? DEFAULT_CITY_FILE);
  } catch (err) {
    if (!(err instanceof CityFileError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length || typeof trustProxy === 'string') throw new ConfigError(problems);

  registerSecretsFrom(env);
  const data = path.resolve(cwd, env.DATA_DIR);
  const paths = {
    data,
    knowledge: path.resolve(cwd, env.KNOWLEDGE_DIR),
    prompts: path.resolve(cwd, env.PROMPTS_DIR),
    index: path.join(data, 'index'),
  };
  const webhook = (url: string | undefined, secret: string | undefined) => (url && secret ? { url, secret } : undefined);
  return {
    nodeEnv: env.NODE_ENV,
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
    http: { host: env.HOST, port: env.PORT, trustProxy },
    paths: { ...paths, database: path.join(data, 'civicbot.db'), cityFile },
    city,
    engine: {
      paths,
      city,
      chunk: { targetChars: env.CHUNK_TARGET_CHARS, overlapChars: env.CHUNK_OVERLAP_CHARS },
      documents: {
        maxFileBytes: Math.round(env.DOC_MAX_FILE_MB * MB),
        maxUnzippedBytes: Math.round(env.DOC_MAX_UNZIPPED_MB * MB),
        maxZipEntries: env.DOC_MAX_ZIP_ENTRIES,
        maxTextChars: env.DOC_MAX_TEXT_CHARS,
        maxPassages: env.DOC_MAX_PASSAGES,
        parseTimeoutMs: env.PARSE_TIMEOUT_MS,
        parseMemoryMb: env.PARSE_MEMORY_MB,
      },
      relevanceFloor: env.RELEVANCE_FLOOR,
      askMaxChars: env.ASK_MAX_CHARS,
      historyTurns: env.HISTORY_TURNS,
      llmTimeoutMs: env.LLM_TIMEOUT_MS,
      llm: {
        enabled: Boolean(env.OPENAI_API_KEY || env.OPENAI_BASE_URL),
        apiKey: env.OPENAI_API_KEY,
        baseUrl: env.OPENAI_BASE_URL,
        chatModel: env.CHAT_MODEL,
      },
      embedding: { provider: env.EMBEDDING_PROVIDER, model: env.EMBEDDING_MODEL, dimensions: env.EMBEDDING_DIMENSIONS },
    },
    history: { turns: env.HISTORY_TURNS, ttlMs: env.HISTORY_TTL_MINUTES * 60_000 },
    web: {
      rateLimitPerMinute: env.WEB_RATE_LIMIT_PER_MINUTE,
      askMaxChars: env.ASK_MAX_CHARS,
      adminToken: env.ADMIN_TOKEN,
      staffToken: env.STAFF_TOKEN,
    },
    broadcast: { maxAttempts: env.BROADCAST_MAX_ATTEMPTS, knowledgeDays: env.ANNOUNCEMENT_KNOWLEDGE_DAYS },
    cases: { dailyLimit: env.CASE_DAILY_LIMIT, maxPhotos: env.CASE_MAX_PHOTOS, photoMaxBytes: Math.round(env.CASE_PHOTO_MAX_MB * MB) },
    access: {
      telegram: { admins: env.TELEGRAM_ADMIN_IDS, staff: env.TELEGRAM_STAFF_IDS },
      zalo: { admins: env.ZALO_ADMIN_IDS, staff: env.ZALO_STAFF_IDS },
    },
    telegram: env.TELEGRAM_BOT_TOKEN
      ? {
          token: env.TELEGRAM_BOT_TOKEN,
          apiRoot: env.TELEGRAM_API_ROOT,
          admins: env.TELEGRAM_ADMIN_IDS,
          staff: env.TELEGRAM_STAFF_IDS,
          webhook: webhook(env.TELEGRAM_WEBHOOK_URL, env.TELEGRAM_WEBHOOK_SECRET),
          ratePerSecond: env.TELEGRAM_RATE_PER_SECOND,
          perChatIntervalMs: env.TELEGRAM_PER_CHAT_INTERVAL_MS,
          allowPaidBroadcast: env.TELEGRAM_ALLOW_PAID_BROADCAST,
          staffGroupId: env.TELEGRAM_STAFF_GROUP_ID,
        }
      : undefined,
    zalo: env.ZALO_BOT_TOKEN
      ? {
          token: env.ZALO_BOT_TOKEN,
          apiRoot: env.ZALO_API_ROOT,
          admins: env.ZALO_ADMIN_IDS,
          staff: env.ZALO_STAFF_IDS,
          webhook: webhook(env.ZALO_WEBHOOK_URL, env.ZALO_WEBHOOK_SECRET),
          ratePerSecond: env.ZALO_RATE_PER_SECOND,
        }
      : undefined,
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
