// The seam between the core and the messaging channels: main.ts builds the core services and hands
// them to each configured channel; channels never build services of their own.
import type { FastifyInstance } from 'fastify';
import type { BroadcastService } from '../broadcast/service.js';
import type { Config } from '../config.js';
import type { CaseService } from '../core/case-service.js';
import type { ResidentService } from '../core/resident-service.js';
import type { Store } from '../db/store.js';
import type { Logger } from '../logger.js';

export interface ChannelDeps {
  config: Config;
  logger: Logger;
  store: Store;
  residents: ResidentService;
  broadcast: BroadcastService;
  cases: CaseService;
}

export interface MessagingChannel {
  readonly name: 'telegram' | 'zalo';
  /** 'polling' or 'webhook', from configuration. */
  readonly mode: 'polling' | 'webhook';
  /** Adds the webhook route to the HTTP server; called before the server listens (webhook mode only). */
  registerWebhook?(app: FastifyInstance): void;
  /** Connects (getMe), then starts polling or sets the webhook. */
  start(): Promise<void>;
  /** Stops taking updates and waits for the ones in flight. */
  stop(): Promise<void>;
  /** For /readyz: the last call to the platform succeeded. */
  isConnected(): boolean;
}
