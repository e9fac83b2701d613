/**
 * A fleet for tests: an in-memory Cliniko per clinic behind a client that checks the clinic's API
 * key, a Map registry, the in-memory state store and a recording publisher around real
 * `AccountWorker`s.
 */
import type { ClinikoClientOptions, ClinikoStats } from '../../../shared/cliniko/index.js';
import { type BridgeConfig, parseBridgeConfig } from '../../../shared/config/index.js';
import type { ClinikoReader, ListPage, ListQuery } from '../../../shared/engine/ports.js';
import { ClinikoAuthError } from '../../../shared/errors.js';
import { AccountWorker, type WorkerCliniko } from '../../../shared/fleet/account-worker.js';
import type { ApiKeyRef } from '../../../shared/fleet/registry.js';
import { TEST_KEYS } from '../../support/content-keys.js';
import { InMemoryCliniko } from '../../support/fake-cliniko.js';
import { InMemoryStateStore } from '../../support/memory-state-store.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';
import { MapRegistry } from '../../support/registry.js';
import { CapturingLogger } from '../engine/sync-harness.js';

export const config = parseBridgeConfig({
  accounts: [{ id: 'unused', apiKeySecret: 'cliniko/unused' }],
  userAgent: 'Fleet Tests (fleet@example.com)',
  startFrom: 'beginning',
});

/** A client over one clinic's in-memory Cliniko that refuses every key but the clinic's own. */
class KeyedClient implements WorkerCliniko {
  requests = 0;
  closed = false;
  constructor(
    private readonly clinic: ClinikoReader,
    private readonly apiKey: string,
    private readonly validKey: () => string,
  ) {}
  get stats(): ClinikoStats {
    return { requests: this.requests, retries: 0, rateLimited: 0, bytesReceived: 0, clockSkewRejected: 0 };
  }
  async listPage(path: string, arrayKey: string, query: ListQuery): Promise<ListPage> {
    this.requests += 1;
    if (this.apiKey !== this.validKey()) {
      throw new ClinikoAuthError({ method: 'GET', path, status: 401 }, 'HTTP Basic: Access denied.');
    }
    return this.clinic.listPage(path, arrayKey, query);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

export function fleet(
  options: { now?: () => number; config?: BridgeConfig; sleep?: (ms: number) => Promise<void> } = {},
) {
  const clinics = new Map<string, InMemoryCliniko>();
  const validKeys = new Map<string, string>();
  const storedKeys = new Map<string, string>();
  const created: ClinikoClientOptions[] = [];
  const reads: ApiKeyRef[] = [];
  const registry = new MapRegistry();
  const state = new InMemoryStateStore();
  const publisher = new RecordingPublisher();
  const clinic = (id: string, key = `key-${id}`) => {
    const cliniko = new InMemoryCliniko();
    clinics.set(id, cliniko);
    validKeys.set(id, key);
    storedKeys.set(id, key);
    return cliniko;
  };
  const worker = () =>
    new AccountWorker({
      config: options.config ?? config,
      registry,
      readApiKey: async (ref, account) => {
        reads.push(ref);
        return storedKeys.get(account) ?? '';
      },
      contentKeys: async () => TEST_KEYS,
      state,
      publisher,
      logger: new CapturingLogger(),
      createCliniko: (options) => {
        created.push(options);
        const account = options.account ?? '';
        const cliniko = clinics.get(account);
        if (cliniko === undefined) throw new Error(`no clinic ${account}`);
        return new KeyedClient(cliniko, options.apiKey, () => validKeys.get(account) ?? '');
      },
      now: options.now ?? (() => Date.parse('2026-03-02T09:00:10Z')),
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  return { clinic, worker, registry, state, publisher, created, reads, validKeys, storedKeys };
}
