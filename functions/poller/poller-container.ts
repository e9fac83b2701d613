/**
 * What a poller container keeps between invocations: the validated environment, the API keys, one
 * Cliniko client per account, the state store and the publisher (behind the gate of the data classes
 * the bus may carry, `eventBus.allowClasses`). Everything is built on first use, never at import, so
 * a cold start does only the work its first invocation needs.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { ClinikoClientOptions, ClinikoStats } from '../../shared/cliniko/index.js';
import type { AccountConfig } from '../../shared/config/index.js';
import type { ContentKeyRing } from '../../shared/engine/content-key.js';
import type { ClinikoReader, EventPublisher, StateStore } from '../../shared/engine/ports.js';
import type { SyncReport } from '../../shared/engine/report.js';
import { type SyncDeps, type SyncOptions, syncAccount } from '../../shared/engine/sync.js';
import { ClinikoAuthError } from '../../shared/errors.js';
import { DataClassGate } from '../../shared/publish/data-class-gate.js';
import type { ApiKeySource } from './api-key-source.js';
import { engineLogger } from './logger-port.js';
import type { RequestCounters } from './poll-metrics.js';
import type { PollerEnvironment } from './poller-environment.js';

/** The Cliniko client as the poller uses it: reads, counters, and a way to let go of its sockets. */
export type PollerCliniko = ClinikoReader & { readonly stats: ClinikoStats; close(): Promise<void> };

export interface PollerDeps {
  /** Reads and validates the environment; called once per container, on the first invocation. */
  readonly environment: () => PollerEnvironment;
  /** Where API keys come from; built once per container. */
  readonly apiKeys: (environment: PollerEnvironment) => ApiKeySource;
  /** Reads the content key ring; called once per container (again after a failure). */
  readonly contentKeys: (environment: PollerEnvironment) => Promise<ContentKeyRing>;
  /** Called once per account (and again only when its API key changed). */
  readonly createCliniko: (options: ClinikoClientOptions) => PollerCliniko;
  readonly createStateStore: (environment: PollerEnvironment) => StateStore;
  readonly createPublisher: (environment: PollerEnvironment) => EventPublisher;
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  /** The engine. @default syncAccount */
  readonly sync?: (deps: SyncDeps, options: SyncOptions) => Promise<SyncReport>;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
}

export interface AccountRun {
  readonly report: SyncReport;
  /** Client counters of this invocation only (the client lives longer than one invocation). */
  readonly counters: RequestCounters;
}

interface Adapters {
  readonly apiKeys: ApiKeySource;
  readonly state: StateStore;
  readonly publisher: EventPublisher;
}

export class PollerContainer {
  private parsed: { environment: PollerEnvironment } | { error: unknown } | undefined;
  private adapters: Adapters | undefined;
  private keys: Promise<ContentKeyRing> | undefined;
  private readonly clients = new Map<string, { apiKey: string; client: PollerCliniko }>();

  constructor(private readonly deps: PollerDeps) {}

  /** The environment, parsed on the first call; a parse failure is remembered and rethrown. */
  environment(): PollerEnvironment {
    if (!this.parsed) {
      try {
        this.parsed = { environment: this.deps.environment() };
      } catch (error) {
        this.parsed = { error };
      }
    }
    if ('error' in this.parsed) throw this.parsed.error;
    return this.parsed.environment;
  }

  /**
   * Runs `syncAccount` for the account. When Cliniko answers 401, the key is read again once: if the
   * secret now holds a different key (rotation), the run starts again with it.
   */
  async runWithAuthRefresh(account: AccountConfig, owner: string, options: SyncOptions): Promise<AccountRun> {
    const { apiKeys } = this.build();
    const apiKey = await apiKeys.get(account.apiKeySecret);
    try {
      return await this.run(account, apiKey, owner, options);
    } catch (error) {
      if (!(error instanceof ClinikoAuthError)) throw error;
      apiKeys.invalidate(account.apiKeySecret);
      const fresh = await apiKeys.get(account.apiKeySecret);
      if (fresh === apiKey) throw error;
      this.deps.logger.info('the API key in the account secret changed; retrying with it');
      return await this.run(account, fresh, owner, options);
    }
  }

  private async run(
    account: AccountConfig,
    apiKey: string,
    owner: string,
    options: SyncOptions,
  ): Promise<AccountRun> {
    const { state, publisher } = this.build();
    const keys = await this.contentKeys();
    const cliniko = await this.client(account, apiKey);
    const sync = this.deps.sync ?? syncAccount;
    const syncDeps: SyncDeps = {
      cliniko,
      keys,
      state,
      publisher,
      logger: engineLogger(this.deps.logger),
      owner,
      ...(this.deps.now ? { now: this.deps.now } : {}),
    };
    const before = cliniko.stats;
    const report = await sync(syncDeps, options);
    const after = cliniko.stats;
    return {
      report,
      counters: {
        rateLimited: after.rateLimited - before.rateLimited,
        retries: after.retries - before.retries,
        clockSkewRejected: after.clockSkewRejected - before.clockSkewRejected,
      },
    };
  }

  /** The content key ring, read once per container; a failed read is tried again next time. */
  private contentKeys(): Promise<ContentKeyRing> {
    if (this.keys === undefined) {
      const reading = this.deps.contentKeys(this.environment());
      reading.catch(() => {
        this.keys = undefined;
      });
      this.keys = reading;
    }
    return this.keys;
  }

  private build(): Adapters {
    if (!this.adapters) {
      const environment = this.environment();
      this.adapters = {
        apiKeys: this.deps.apiKeys(environment),
        state: this.deps.createStateStore(environment),
        // Every event reaches the bus through the gate of the classes the bus may carry.
        publisher: new DataClassGate(
          this.deps.createPublisher(environment),
          environment.config.eventBus.allowClasses,
        ),
      };
    }
    return this.adapters;
  }

  private async client(account: AccountConfig, apiKey: string): Promise<PollerCliniko> {
    const cached = this.clients.get(account.id);
    if (cached?.apiKey === apiKey) return cached.client;
    if (cached) await cached.client.close().catch(() => undefined);
    const { config } = this.environment();
    const client = this.deps.createCliniko({
      apiKey,
      userAgent: config.userAgent,
      ...(account.baseUrl ? { baseUrl: account.baseUrl } : {}),
      // The account id keys the rate budget, so every client of the account shares one bucket.
      account: account.id,
      ratePerMinute: config.rateLimitPerMinute,
    });
    this.clients.set(account.id, { apiKey, client });
    return client;
  }
}
