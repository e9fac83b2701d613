/**
 * What a poller container keeps between invocations: the validated environment, the deployed
 * configuration, and one `AccountWorker` (API keys, a Cliniko client per account, the state store,
 * the registry and the publisher behind the gate of the data classes the bus may carry,
 * `eventBus.allowClasses`). Everything is built on first use, never at import, so a cold
 * start does only the work its first invocation needs; a failed start is tried again next time.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { ClinikoClientOptions } from '../../shared/cliniko/index.js';
import type { BridgeConfig } from '../../shared/config/index.js';
import type { ContentKeyRing } from '../../shared/engine/content-key.js';
import type { EventPublisher, StateStore } from '../../shared/engine/ports.js';
import type { SyncReport } from '../../shared/engine/report.js';
import type { SyncDeps, SyncOptions } from '../../shared/engine/sync.js';
import { AccountWorker, type WorkerCliniko } from '../../shared/fleet/account-worker.js';
import type { AccountRegistry, ApiKeyRef } from '../../shared/fleet/registry.js';
import type { WorkQueue } from '../../shared/fleet/work-queue.js';
import { engineLogger } from './logger-port.js';
import type { PollerEnvironment } from './poller-environment.js';

export interface PollerDeps {
  /** Reads and validates the environment (names and locations only). */
  readonly environment: () => PollerEnvironment;
  /** Reads the deployed configuration. */
  readonly loadConfig: (environment: PollerEnvironment) => Promise<BridgeConfig>;
  /** Reads an account's API key (uncached; the worker caches). */
  readonly readApiKey: (ref: ApiKeyRef, account: string) => Promise<string>;
  /** Reads the content key ring; called once per container (again after a failure). */
  readonly contentKeys: (environment: PollerEnvironment) => Promise<ContentKeyRing>;
  /** Called once per account (and again only when its API key changed). */
  readonly createCliniko: (options: ClinikoClientOptions) => WorkerCliniko;
  readonly createStateStore: (environment: PollerEnvironment) => StateStore;
  readonly createRegistry: (environment: PollerEnvironment) => Pick<AccountRegistry, 'get'>;
  readonly createPublisher: (environment: PollerEnvironment) => EventPublisher;
  /** The work queue to hand an adaptive worker's account on through; absent: the dispatcher's next tick does. */
  readonly createWorkQueue?: (environment: PollerEnvironment) => WorkQueue | undefined;
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  /** The engine. @default syncAccount */
  readonly sync?: (deps: SyncDeps, options: SyncOptions) => Promise<SyncReport>;
  /** Epoch ms. @default Date.now */
  readonly now?: () => number;
}

export interface ReadyPoller {
  readonly environment: PollerEnvironment;
  readonly config: BridgeConfig;
  readonly worker: AccountWorker;
  readonly workQueue: WorkQueue | undefined;
}

export class PollerContainer {
  private ready: Promise<ReadyPoller> | undefined;
  private keys: Promise<ContentKeyRing> | undefined;

  constructor(private readonly deps: PollerDeps) {}

  /** The environment, configuration and worker, built on the first call. */
  start(): Promise<ReadyPoller> {
    if (this.ready === undefined) {
      const starting = this.build();
      starting.catch(() => {
        if (this.ready === starting) this.ready = undefined;
      });
      this.ready = starting;
    }
    return this.ready;
  }

  private async build(): Promise<ReadyPoller> {
    const { deps } = this;
    const environment = deps.environment();
    const config = await deps.loadConfig(environment);
    const worker = new AccountWorker({
      config,
      registry: deps.createRegistry(environment),
      readApiKey: deps.readApiKey,
      contentKeys: () => this.contentKeys(environment),
      state: deps.createStateStore(environment),
      // The worker puts it behind the gate of the classes the bus may carry.
      publisher: deps.createPublisher(environment),
      logger: engineLogger(deps.logger),
      createCliniko: deps.createCliniko,
      ...(deps.sync ? { sync: deps.sync } : {}),
      ...(deps.now ? { now: deps.now } : {}),
    });
    return { environment, config, worker, workQueue: deps.createWorkQueue?.(environment) };
  }

  /** The content key ring, read once per container; a failed read is tried again next time. */
  private contentKeys(environment: PollerEnvironment): Promise<ContentKeyRing> {
    if (this.keys === undefined) {
      const reading = this.deps.contentKeys(environment);
      reading.catch(() => {
        if (this.keys === reading) this.keys = undefined;
      });
      this.keys = reading;
    }
    return this.keys;
  }
}
