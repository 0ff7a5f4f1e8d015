// The real composition root (src/compose.ts) over a throw-away installation: a temp DATA_DIR, the
// repository's documents (or a copy, when a test adds some), the given variables. Tests build
// their graph here instead of wiring services by hand.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Core, type CoreOptions, openCore } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { REPO_ROOT } from './test-env.js';

export interface TestCore extends Core {
  dir: string;
  /** Closes the core and removes the temp folder. */
  cleanup(): Promise<void>;
}

export async function startCore(
  vars: Record<string, string> = {},
  options: Partial<CoreOptions> & {
    copyKnowledge?: Record<string, string>;
    /** A knowledge folder of its own with no documents: sent announcements are published there, not into the repository's. */
    emptyKnowledge?: boolean;
  } = {},
): Promise<TestCore> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'civicbot-core-'));
  let knowledge = path.join(REPO_ROOT, 'knowledge');
  if (options.emptyKnowledge) {
    knowledge = path.join(dir, 'knowledge');
    await fs.mkdir(knowledge);
  } else if (options.copyKnowledge) {
    knowledge = path.join(dir, 'knowledge');
    await fs.cp(path.join(REPO_ROOT, 'knowledge'), knowledge, { recursive: true });
    for (const [name, text] of Object.entries(options.copyKnowledge)) await fs.writeFile(path.join(knowledge, name), text);
  }
  const config = loadConfig(
    { NODE_ENV: 'test', DATA_DIR: path.join(dir, 'data'), KNOWLEDGE_DIR: knowledge, PROMPTS_DIR: path.join(REPO_ROOT, 'prompts'), ...vars },
    REPO_ROOT,
  );
  const core = await openCore(config, { logger: createLogger({ level: 'silent' }), buildIndex: true, ...options });
  return {
    ...core,
    dir,
    async cleanup() {
      await core.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
