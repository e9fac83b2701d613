import { describe, expect, it } from 'vitest';
import type { ClinikoClientOptions, ClinikoStats } from '../../../shared/cliniko/index.js';
import { parseBridgeConfig } from '../../../shared/config/index.js';
import type { ClinikoReader, ListPage, ListQuery } from '../../../shared/engine/ports.js';
import { ClinikoAuthError } from '../../../shared/errors.js';
import { AccountWorker, type WorkerCliniko } from '../../../shared/fleet/account-worker.js';
import type { ApiKeyRef } from '../../../shared/fleet/registry.js';
import { RecordingPublisher } from '../../../shared/publish/recording-publisher.js';
import { InMemoryStateStore } from '../../../shared/state/memory-state-store.js';
import { TEST_KEYS } from '../../support/content-keys.js';
import { InMemoryCliniko } from '../../support/fake-cliniko.js';
import { MapRegistry, registered } from '../../support/registry.js';
import { CapturingLogger } from '../engine/sync-harness.js';

const config = parseBridgeConfig({
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

function fleet(fleetConfig = config) {
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
      config: fleetConfig,
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
      now: () => Date.parse('2026-03-02T09:00:10Z'),
    });
  return { clinic, worker, registry, state, publisher, created, reads, validKeys, storedKeys };
}

const runtime = { owner: 'worker-1' };

describe('AccountWorker', () => {
  it('polls a registered account with its own client and key; events carry its id and only its records', async () => {
    const f = fleet();
    const a = f.clinic('clinic-a').create('patients');
    const b = f.clinic('clinic-b').create('patients');
    await f.registry.put(registered('clinic-a'));
    await f.registry.put(registered('clinic-b'));
    const worker = f.worker();

    const polls = await Promise.all([worker.poll('clinic-a', runtime), worker.poll('clinic-b', runtime)]);

    expect(polls.map((p) => p.kind)).toEqual(['ran', 'ran']);
    const byAccount = (account: string) =>
      f.publisher.events.filter((e) => e.detail.account === account).map((e) => e.detail.recordId);
    expect(byAccount('clinic-a')).toEqual([a]);
    expect(byAccount('clinic-b')).toEqual([b]);
    expect(f.created.map((c) => [c.account, c.apiKey, c.userAgent])).toEqual([
      ['clinic-a', 'key-clinic-a', config.userAgent],
      ['clinic-b', 'key-clinic-b', config.userAgent],
    ]);
  });

  it('reuses the client and the key across polls of the same account', async () => {
    const f = fleet();
    f.clinic('clinic-a');
    await f.registry.put(registered('clinic-a'));
    const worker = f.worker();

    await worker.poll('clinic-a', runtime);
    await worker.poll('clinic-a', runtime);

    expect(f.created).toHaveLength(1);
    expect(f.reads).toHaveLength(1);
  });

  it('does nothing for an account that is paused or no longer registered', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    await f.registry.put(registered('clinic-a', { paused: true }));
    const worker = f.worker();

    const paused = await worker.poll('clinic-a', runtime);
    const gone = await worker.poll('clinic-z', runtime);

    expect(paused).toEqual({ kind: 'paused', account: 'clinic-a' });
    expect(gone).toEqual({ kind: 'not-registered', account: 'clinic-z' });
    expect(f.created).toHaveLength(0);
    expect(f.publisher.events).toHaveLength(0);
  });

  it('reads the key again after a 401 and goes on with a rotated one; an unchanged key fails the poll', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    await f.registry.put(registered('clinic-a'));
    const worker = f.worker();
    await worker.poll('clinic-a', runtime);

    f.validKeys.set('clinic-a', 'rotated');
    f.storedKeys.set('clinic-a', 'rotated');
    const rotated = await worker.poll('clinic-a', runtime);
    f.validKeys.set('clinic-a', 'revoked-everywhere');
    const refused = worker.poll('clinic-a', runtime);

    expect(rotated.kind).toBe('ran');
    expect(f.created.map((c) => c.apiKey)).toEqual(['key-clinic-a', 'rotated']);
    await expect(refused).rejects.toBeInstanceOf(ClinikoAuthError);
  });

  it('applies the account’s own payload overrides over the configuration’s', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    f.clinic('clinic-b').create('patients');
    await f.registry.put(registered('clinic-a', { payload: { patients: { mode: 'ids' } } }));
    await f.registry.put(registered('clinic-b'));
    const worker = f.worker();

    await worker.poll('clinic-a', runtime);
    await worker.poll('clinic-b', runtime);

    const data = (account: string) =>
      f.publisher.events.find((e) => e.detail.account === account)?.detail.data;
    expect(data('clinic-a')).toBeUndefined();
    expect(data('clinic-b')).toBeDefined();
  });

  it('publishes through the gate of the classes the bus may carry', async () => {
    const operational = parseBridgeConfig({
      ...{ accounts: [{ id: 'unused', apiKeySecret: 'cliniko/unused' }], startFrom: 'beginning' },
      userAgent: config.userAgent,
      eventBus: { mode: 'create', allowClasses: ['operational'] },
    });
    const f = fleet(operational);
    f.clinic('clinic-a').create('patients', { first_name: 'Synthetic' });
    await f.registry.put(registered('clinic-a'));

    await f.worker().poll('clinic-a', runtime);

    const [event] = f.publisher.events;
    expect(event?.detail.data).not.toHaveProperty('first_name');
    expect(event?.detail.withheld).toEqual({ classes: ['personal'], changedFields: 0 });
  });

  it('never runs one account twice at once: a second worker skips on the lease', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    await f.registry.put(registered('clinic-a'));

    const [one, two] = await Promise.all([
      f.worker().poll('clinic-a', { owner: 'worker-1' }),
      f.worker().poll('clinic-a', { owner: 'worker-2' }),
    ]);

    const skipped = [one, two].filter((p) => p.kind === 'ran' && p.report.skipped === 'lease-held');
    expect(skipped).toHaveLength(1);
    expect(f.publisher.events).toHaveLength(1);
  });
});
