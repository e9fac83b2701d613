/**
 * The client against the Cliniko simulator over real HTTP: paging, filters, sorting, and the
 * simulator's injected faults (429 bursts, 5xx, dropped connections, latency, a low rate limit).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import type { ClinikoClientOptions } from '../../../shared/cliniko/client-options.js';
import { TokenBucket } from '../../../shared/cliniko/token-bucket.js';
import type { ClinikoRecord } from '../../../shared/engine/ports.js';
import { ClinikoRateLimitedError, ClinikoUnavailableError } from '../../../shared/errors.js';
import { startSimulator } from '../../../simulator/index.js';
import { USER_AGENT } from './fake-cliniko.js';

type Simulator = Awaited<ReturnType<typeof startSimulator>>;

const PATIENTS = 1_150;
let sim: Simulator;
const clients: ClinikoClient[] = [];

/** Real clock plus an offset that sleeps advance instantly, so waits cost no test time. */
function skippingClock() {
  const state = { offset: 0, slept: 0 };
  const now = () => Date.now() + state.offset;
  const sleep = async (ms: number) => {
    state.offset += ms;
    state.slept += ms;
  };
  return { state, now, sleep };
}

function makeClient(target: Simulator, extra: Partial<ClinikoClientOptions> = {}): ClinikoClient {
  const clock = skippingClock();
  const client = new ClinikoClient({
    apiKey: target.apiKeys[0] ?? '',
    userAgent: USER_AGENT,
    baseUrl: target.baseUrl,
    bucket: new TokenBucket({ ratePerMinute: 100_000, capacity: 100, now: clock.now, sleep: clock.sleep }),
    now: clock.now,
    sleep: clock.sleep,
    ...extra,
  });
  clients.push(client);
  return client;
}

async function faults(body: Record<string, number> | undefined): Promise<void> {
  const response = await fetch(`${sim.origin}/__sim/faults`, {
    method: body ? 'POST' : 'DELETE',
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`simulator faults endpoint answered ${response.status}`);
}

async function readAll(client: ClinikoClient, perPage = 100, filters: string[] = [], sort?: string) {
  const records: ClinikoRecord[] = [];
  let total: number | undefined;
  const query = { perPage, filters, ...(sort ? { sort } : {}) };
  for await (const page of client.listPages('/patients', 'patients', query)) {
    total ??= page.totalEntries;
    records.push(...page.records);
  }
  return { records, total };
}

beforeAll(async () => {
  sim = await startSimulator({
    seed: 7,
    patients: PATIENTS,
    appointments: 20,
    accounts: 1,
    churnPerMinute: 0,
    rateLimitPerMinute: 100_000,
  });
});

afterEach(async () => {
  await faults(undefined);
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await sim.close();
});

describe('ClinikoClient against the simulator', () => {
  it('pages through more than 1,000 patients with unique string ids', async () => {
    const client = makeClient(sim);

    const { records, total } = await readAll(client);

    expect(total).toBeGreaterThan(1_000);
    expect(records).toHaveLength(total ?? -1);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
    expect(records.every((r) => typeof r.id === 'string' && /^\d+$/.test(r.id))).toBe(true);
  });

  it('filters on updated_at:>= and sorts by updated_at then id', async () => {
    const client = makeClient(sim);
    const everyone = await readAll(client);
    const times = everyone.records.map((r) => String(r.updated_at)).sort();
    const from = times[Math.floor(times.length / 2)] ?? '';

    const { records } = await readAll(client, 100, [`updated_at:>=${from}`], 'updated_at,id');

    expect(records.length).toBe(times.filter((t) => t >= from).length);
    const keys = records.map((r) => [String(r.updated_at), BigInt(r.id)] as const);
    const sorted = [...keys].sort((a, b) =>
      a[0] === b[0] ? (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) : a[0] < b[0] ? -1 : 1,
    );
    expect(keys).toEqual(sorted);
  });

  it('waits out a burst of 429s and then succeeds', async () => {
    const client = makeClient(sim);
    await faults({ rateLimitBurst: 3 });

    const page = await client.listPage('/patients', 'patients', { perPage: 5 });

    expect(page.records).toHaveLength(5);
    expect(client.stats).toMatchObject({ requests: 4, rateLimited: 3, retries: 3 });
  });

  it.each([
    ['5xx errors', { error5xxRate: 0.3 }],
    ['connection resets', { resetRate: 0.3 }],
  ])('reads every page despite injected %s', async (_, fault) => {
    const client = makeClient(sim, { maxAttempts: 12 });
    await faults(fault);

    const { records, total } = await readAll(client, 25);

    expect(records).toHaveLength(total ?? -1);
    expect(client.stats.retries).toBeGreaterThan(0);
  });

  it('succeeds under added latency', async () => {
    const client = makeClient(sim);
    await faults({ latencyMs: 150 });

    const page = await client.listPage('/patients', 'patients', { perPage: 10 });

    expect(page.records).toHaveLength(10);
  });

  it('gives up with ClinikoUnavailableError when latency outlasts the headers timeout on every attempt', async () => {
    const client = makeClient(sim, { headersTimeoutMs: 300, maxAttempts: 2 });
    await faults({ latencyMs: 2_500 });

    const error = await client.listPage('/patients', 'patients', { perPage: 10 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ClinikoUnavailableError);
    expect(client.stats.requests).toBe(2);
  });
});

describe('ClinikoClient against a rate-limited simulator', () => {
  it('throws ClinikoRateLimitedError with retryAt when the wait exceeds maxRateLimitWaitMs', async () => {
    const limited = await startSimulator({
      seed: 3,
      patients: 10,
      appointments: 2,
      accounts: 1,
      rateLimitPerMinute: 3,
    });
    const client = new ClinikoClient({
      apiKey: limited.apiKeys[0] ?? '',
      userAgent: USER_AGENT,
      baseUrl: limited.baseUrl,
      bucket: new TokenBucket({ ratePerMinute: 100_000, capacity: 100 }),
      maxRateLimitWaitMs: 1_000,
    });
    let error: unknown;
    try {
      for (let i = 0; i < 10 && error === undefined; i += 1) {
        await client.listPage('/patients', 'patients', { perPage: 5 }).catch((e: unknown) => {
          error = e;
        });
      }
    } finally {
      await client.close();
      await limited.close();
    }

    expect(error).toBeInstanceOf(ClinikoRateLimitedError);
    expect((error as ClinikoRateLimitedError).retryAt.getTime()).toBeGreaterThan(Date.now());
    expect(client.stats.rateLimited).toBeGreaterThan(0);
  });
});
