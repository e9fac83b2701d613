/**
 * Polls one account of a fleet: looks it up in the registry, reads its API key (cached; read again
 * once when Cliniko answers 401, so a rotated key is picked up without a restart), keeps one Cliniko
 * client per account (its rate budget and connections), and runs the engine under the account's
 * lease. The Lambda worker and the local fleet runner both poll through it, so they cannot differ.
 * Its events reach the publisher through the gate of the data classes the bus may carry
 * (`eventBus.allowClasses`), whoever wires the publisher.
 */
import type { ClinikoClientOptions, ClinikoStats } from '../cliniko/index.js';
import type { BridgeConfig } from '../config/index.js';
import { pollLoopOptionsFor, type SyncRuntime, syncOptionsForAccount } from '../config/sync-options.js';
import type { ContentKeyRing } from '../engine/content-key.js';
import { pollLoop } from '../engine/poll-loop.js';
import type { ClinikoReader, EventPublisher, Logger, StateStore } from '../engine/ports.js';
import type { SyncReport } from '../engine/report.js';
import { type SyncDeps, type SyncOptions, syncAccount } from '../engine/sync.js';
import { ClinikoAuthError } from '../errors.js';
import { DataClassGate } from '../publish/data-class-gate.js';
import type { AccountRegistry, ApiKeyRef, RegisteredAccount } from './registry.js';

/** The Cliniko client as a worker uses it: reads, counters, and a way to let go of its sockets. */
export type WorkerCliniko = ClinikoReader & { readonly stats: ClinikoStats; close(): Promise<void> };

export interface AccountWorkerDeps {
  readonly config: BridgeConfig;
  readonly registry: Pick<AccountRegistry, 'get'>;
  /** Reads the key a reference points at (uncached: the worker caches). */
  readonly readApiKey: (ref: ApiKeyRef, account: string) => Promise<string>;
  readonly contentKeys: () => Promise<ContentKeyRing>;
  readonly state: StateStore;
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  /** Called once per account (and again only when its API key changed). */
  readonly createCliniko: (options: ClinikoClientOptions) => WorkerCliniko;
  /** The engine. @default syncAccount */
  readonly sync?: (deps: SyncDeps, options: SyncOptions) => Promise<SyncReport>;
  /** Waits between the rounds of an adaptive poll. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
}

/** Client counters of one poll (a client lives longer than one poll). */
export interface RequestCounters {
  readonly requests: number;
  readonly rateLimited: number;
  readonly retries: number;
  readonly clockSkewRejected: number;
}

export type AccountPoll =
  | { readonly kind: 'ran'; readonly report: SyncReport; readonly counters: RequestCounters }
  /** Removed from the registry (or never in it) since it was handed out. */
  | { readonly kind: 'not-registered'; readonly account: string }
  | { readonly kind: 'paused'; readonly account: string };

export class AccountWorker {
  private readonly keys = new Map<string, { ref: string; key: Promise<string> }>();
  private readonly clients = new Map<string, { apiKey: string; client: WorkerCliniko }>();
  private readonly publisher: EventPublisher;

  constructor(private readonly deps: AccountWorkerDeps) {
    this.publisher = new DataClassGate(deps.publisher, deps.config.eventBus.allowClasses);
  }

  /**
   * Polls the account: once, until caught up or the runtime's deadline; or, with `polling.mode`
   * `adaptive` (and not a run that must finish everything, nor a forced reconciliation), each stream
   * as it falls due until the deadline or the signal. `owner` names the lease holder.
   */
  async poll(accountId: string, runtime: SyncRuntime & { readonly owner: string }): Promise<AccountPoll> {
    const account = await this.deps.registry.get(accountId);
    if (account === undefined) return { kind: 'not-registered', account: accountId };
    if (account.paused) return { kind: 'paused', account: accountId };
    const options = syncOptionsForAccount(this.deps.config, account, runtime);
    const adaptive =
      this.deps.config.polling.mode === 'adaptive' &&
      runtime.pollIntervalMs !== null &&
      runtime.forceReconcile !== true;
    const apiKey = await this.apiKey(account);
    try {
      return await this.run(account, apiKey, runtime.owner, options, adaptive);
    } catch (error) {
      if (!(error instanceof ClinikoAuthError)) throw error;
      this.keys.delete(account.id);
      const fresh = await this.apiKey(account);
      if (fresh === apiKey) throw error;
      this.deps.logger.info('the API key of the account changed; retrying with it', { account: account.id });
      return await this.run(account, fresh, runtime.owner, options, adaptive);
    }
  }

  /** Closes every client's connections. */
  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map(({ client }) => client.close().catch(() => undefined)));
  }

  private async run(
    account: RegisteredAccount,
    apiKey: string,
    owner: string,
    options: SyncOptions,
    adaptive: boolean,
  ): Promise<AccountPoll> {
    const cliniko = await this.client(account, apiKey);
    const sync = this.deps.sync ?? syncAccount;
    const before = cliniko.stats;
    const deps: SyncDeps = {
      cliniko,
      keys: await this.deps.contentKeys(),
      state: this.deps.state,
      publisher: this.publisher,
      logger: this.deps.logger,
      owner,
      ...(this.deps.now ? { now: this.deps.now } : {}),
    };
    const report = adaptive
      ? await pollLoop(
          {
            ...deps,
            rateLimitedCount: () => cliniko.stats.rateLimited,
            ...(this.deps.sleep ? { sleep: this.deps.sleep } : {}),
          },
          pollLoopOptionsFor(this.deps.config, options),
        )
      : await sync(deps, options);
    const after = cliniko.stats;
    return {
      kind: 'ran',
      report,
      counters: {
        requests: after.requests - before.requests,
        rateLimited: after.rateLimited - before.rateLimited,
        retries: after.retries - before.retries,
        clockSkewRejected: after.clockSkewRejected - before.clockSkewRejected,
      },
    };
  }

  /** The account's key, read once per reference; a failed read is tried again next time. */
  private apiKey(account: RegisteredAccount): Promise<string> {
    const ref = JSON.stringify(account.apiKey);
    const cached = this.keys.get(account.id);
    if (cached?.ref === ref) return cached.key;
    const key = this.deps.readApiKey(account.apiKey, account.id);
    key.catch(() => {
      if (this.keys.get(account.id)?.key === key) this.keys.delete(account.id);
    });
    this.keys.set(account.id, { ref, key });
    return key;
  }

  private async client(account: RegisteredAccount, apiKey: string): Promise<WorkerCliniko> {
    const cached = this.clients.get(account.id);
    if (cached?.apiKey === apiKey) return cached.client;
    if (cached) await cached.client.close().catch(() => undefined);
    const { config } = this.deps;
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
