// A throw-away installation for one test file: DATA_DIR in a temp folder and a copy of the repo's
// knowledge/ (uploads write into it), configured as on a fresh machine plus the given variables.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type Config, loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

export interface TestEnv {
  dir: string;
  knowledgeDir: string;
  config: Config;
  /** The variables the config was made from (for spawning the real process with the same setup). */
  vars: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function makeTestEnv(vars: Record<string, string> = {}): Promise<TestEnv> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-test-'));
  const knowledgeDir = path.join(dir, 'knowledge');
  await fs.cp(path.join(REPO_ROOT, 'knowledge'), knowledgeDir, { recursive: true });
  const all: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: path.join(dir, 'data'),
    KNOWLEDGE_DIR: knowledgeDir,
    PROMPTS_DIR: path.join(REPO_ROOT, 'prompts'),
    ...vars,
  };
  return {
    dir,
    knowledgeDir,
    config: loadConfig(all, REPO_ROOT),
    vars: all,
    cleanup: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

/** A logger whose lines are kept in memory, to assert what was (not) logged. */
export function captureLogs(level = 'debug'): { logger: Logger; text(): string; lines(): Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const text = () => chunks.join('');
  return {
    logger: createLogger({ level, destination: stream }),
    text,
    lines: () =>
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
