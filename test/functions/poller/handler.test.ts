import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { POLLER_METRICS } from '../../../functions/poller/poll-metrics.js';
import { ClinikoClient } from '../../../shared/cliniko/index.js';
import type { BridgeConfigInput } from '../../../shared/config/index.js';
import { emptyStreamReport } from '../../../shared/engine/report.js';
import { ClinikoAuthError, ConfigError } from '../../../shared/errors.js';
import { findStream } from '../../../shared/streams.js';
import { type RunningSimulator, startSimulator } from '../../../simulator/index.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import {
  CONTENT_KEY_SECRET,
  createRecord,
  emfMetrics,
  type Harness,
  lambdaContext,
  startHarness,
  USER_AGENT,
} from './poller-harness.js';

let sim: RunningSimulator;
let table: LocalStateTable;
let harness: Harness | undefined;
let accountNumber = 0;

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, patients: 12, appointments: 6, rateLimitPerMinute: 100_000 });
  table = await startLocalStateTable('poller-state');
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

afterAll(async () => {
  await sim.close();
  await table.close();
});

/** A fresh account id per test: its own cursors, lease and rate budget in the shared table. */
function freshAccountId(): string {
  accountNumber += 1;
  return `clinic-${accountNumber}`;
}

function apiKey(): string {
  const [key] = sim.apiKeys;
  if (!key) throw new Error('the simulator has no account');
  return key;
}

function configFor(accountId: string, overrides: Partial<BridgeConfigInput> = {}): BridgeConfigInput {
  return {
    accounts: [
      {
        id: accountId,
        apiKeySecret: `cliniko/${accountId}`,
        baseUrl: sim.baseUrl,
        streams: ['patients', 'practitioners'],
      },
    ],
    userAgent: USER_AGENT,
    ...overrides,
  };
}

function start(
  accountId: string,
  overrides: Partial<BridgeConfigInput> = {},
  secret?: readonly string[],
): Harness {
  harness = startHarness({
    config: configFor(accountId, overrides),
    table,
    secrets: { [`cliniko/${accountId}`]: secret ?? [apiKey()] },
  });
  return harness;
}

/**
 * How many records of a stream Cliniko lists, hidden (archived, cancelled, deleted) ones and those
 * of further lists (inactive practitioners) included.
 */
async function visibleRecords(name: string): Promise<number> {
  const stream = findStream(name);
  if (!stream) throw new Error(`no stream ${name}`);
  const client = new ClinikoClient({ apiKey: apiKey(), userAgent: USER_AGENT, baseUrl: sim.baseUrl });
  try {
    let total = 0;
    for (const [index, list] of [stream, ...(stream.extraLists ?? [])].entries()) {
      const page = await client.listPage(list.path, list.arrayKey, {
        filters: index === 0 ? stream.revealFilters : [],
        perPage: 1,
      });
      total += page.totalEntries ?? Number.NaN;
    }
    return total;
  } finally {
    await client.close();
  }
}

describe('poller handler', () => {
  it('publishes a snapshot of every existing record on its first invocation from the beginning', async () => {
    const account = freshAccountId();
    const h = start(account, { startFrom: 'beginning' });
    const expected = (await visibleRecords('patients')) + (await visibleRecords('practitioners'));

    const result = await h.handler({ account }, lambdaContext());

    expect(result.stopped).toBe('caught-up');
    expect(h.publisher.events.length).toBe(expected);
    expect(new Set(h.publisher.events.map((e) => e['detail-type'].split('.')[1]))).toEqual(
      new Set(['snapshot']),
    );
    expect(new Set(h.publisher.events.map((e) => e.detail.account))).toEqual(new Set([account]));
    expect(h.publisher.events[0]?.account).toBe('123456789012');
    expect(h.publisher.events[0]?.region).toBe('ap-southeast-2');
  });

  it('applies a stream’s payload override within the same run as the other streams', async () => {
    const account = freshAccountId();
    const h = start(account, {
      startFrom: 'beginning',
      payload: { streams: { practitioners: { mode: 'ids' } } },
    });

    const result = await h.handler({ account }, lambdaContext());

    expect(result.stopped).toBe('caught-up');
    const byResource = (resource: string) => h.publisher.events.filter((e) => e.detail.resource === resource);
    expect(byResource('patients').length).toBeGreaterThan(0);
    expect(byResource('practitioners').length).toBeGreaterThan(0);
    expect(byResource('patients').every((e) => e.detail.data !== undefined)).toBe(true);
    expect(byResource('practitioners').every((e) => e.detail.data === undefined)).toBe(true);
  });

  it('publishes nothing on a second invocation when nothing changed', async () => {
    const account = freshAccountId();
    const h = start(account, { startFrom: 'beginning' });
    await h.handler({ account }, lambdaContext());
    const afterFirst = h.publisher.events.length;

    const result = await h.handler({ account }, lambdaContext());

    expect(afterFirst).toBeGreaterThan(0);
    expect(h.publisher.events.length).toBe(afterFirst);
    expect(result.summary.events).toEqual({});
  });

  it('publishes a created event for a record added between invocations', async () => {
    const account = freshAccountId();
    const h = start(account);
    await h.handler({ account }, lambdaContext());
    const before = h.publisher.events.length;
    const created = await createRecord(sim.baseUrl, apiKey(), 'patients', {
      first_name: 'Ada',
      last_name: 'Testcase',
    });

    await h.handler({ account }, lambdaContext());

    const fresh = h.publisher.events.slice(before);
    expect(fresh.map((e) => [e['detail-type'], e.detail.recordId])).toContainEqual([
      'patient.created',
      String(created.id),
    ]);
  });

  it('exits cleanly without publishing while another poller holds the account lease', async () => {
    const account = freshAccountId();
    const h = start(account, { startFrom: 'beginning' });
    const lease = await h.store.acquireLease(account, 'another-poller', 60_000, Date.now());

    const result = await h.handler({ account }, lambdaContext());

    expect(lease).toBeDefined();
    expect(result.skipped).toBe('lease-held');
    expect(h.publisher.events).toEqual([]);
    expect(h.json().some((line) => String(line.message).startsWith('poll skipped'))).toBe(true);
  });

  it('rejects an input with a misspelt key, naming the key and the likely fix', async () => {
    const h = start(freshAccountId());

    const invocation = h.handler({ acount: 'x' }, lambdaContext());

    await expect(invocation).rejects.toBeInstanceOf(ConfigError);
    await expect(invocation).rejects.toThrow(
      /^event\.acount: is not a known field; did you mean "account"\?/,
    );
  });

  it('rejects an input without an account', async () => {
    const h = start(freshAccountId());

    const invocation = h.handler({}, lambdaContext());

    await expect(invocation).rejects.toThrow(/^event\.account: is missing or invalid; /);
  });

  it('rejects an account that is not configured, listing the configured ones', async () => {
    const account = freshAccountId();
    const h = start(account);

    const invocation = h.handler({ account: 'no-such-clinic' }, lambdaContext());

    await expect(invocation).rejects.toThrow(
      `no account "no-such-clinic" is configured; use one of: ${account}`,
    );
  });

  it('forces a reconciliation pass when the task is reconcile', async () => {
    const account = freshAccountId();
    const h = start(account, { reconciliation: { enabled: false } });
    await h.handler({ account }, lambdaContext());

    await h.handler({ account, task: 'reconcile' }, lambdaContext());

    const streamLines = h.json().filter((line) => line.message === 'stream synced');
    // Practitioners are reconciled over both their lists, active and inactive.
    expect(streamLines.map((line) => [line.stream, line.reconciliation])).toEqual([
      ['patients', 'off'],
      ['practitioners', 'off'],
      ['patients', 'done'],
      ['practitioners', 'done'],
    ]);
  });

  it('emits EMF metrics per account and stream with the documented names and dimensions', async () => {
    const account = freshAccountId();
    const h = start(account, { startFrom: 'beginning' });

    await h.handler({ account }, lambdaContext());

    const { names, dimensions } = emfMetrics(h.json());
    for (const name of Object.values(POLLER_METRICS).filter((n) => n !== POLLER_METRICS.pollsSkipped)) {
      if (name === POLLER_METRICS.pollsFailed) continue;
      expect(names).toContain(name);
    }
    expect(dimensions).toContainEqual(['Account', 'Stream']);
    expect(dimensions).toContainEqual(['Account', 'Stream', 'Action']);
    expect(dimensions).toContainEqual(['Account']);
    // The run's duration is one metric per account, not one per stream (each is billed).
    const durationDimensions = h
      .json()
      .flatMap((document) => (document._aws as EmfMetadata | undefined)?.CloudWatchMetrics ?? [])
      .filter((directive) => directive.Metrics.some((m) => m.Name === POLLER_METRICS.durationMs))
      .flatMap((directive) => directive.Dimensions);
    expect(durationDimensions).toEqual([['Account']]);
  });

  it('picks up a rotated API key after Cliniko answers 401', async () => {
    const account = freshAccountId();
    const h = start(account, {}, ['revoked-key-au1', apiKey()]);

    const result = await h.handler({ account }, lambdaContext());

    expect(result.stopped).toBe('caught-up');
    expect(h.secretReads.filter((id) => id !== CONTENT_KEY_SECRET)).toEqual([
      `cliniko/${account}`,
      `cliniko/${account}`,
    ]);
  });

  it('fails the invocation when the key in the secret is still rejected after a re-read', async () => {
    const account = freshAccountId();
    const h = start(account, {}, ['revoked-key-au1']);

    const invocation = h.handler({ account }, lambdaContext());

    await expect(invocation).rejects.toBeInstanceOf(ClinikoAuthError);
    const failure = h.json().find((line) => line.message === 'poll failed');
    expect(failure?.errorType).toBe('ClinikoAuthError');
    expect(emfMetrics(h.json()).names).toContain(POLLER_METRICS.pollsFailed);
  });

  it('fails the invocation when a stream failed, naming the stream and error type', async () => {
    const account = freshAccountId();
    harness = startHarness({
      config: configFor(account),
      table,
      secrets: { [`cliniko/${account}`]: [apiKey()] },
      sync: async (_, options) => ({
        account: options.account,
        stopped: 'failed',
        ok: false,
        durationMs: 5,
        streams: [
          { ...emptyStreamReport('patients'), records: 3 },
          {
            ...emptyStreamReport('practitioners'),
            stopped: 'failed',
            error: { name: 'ClinikoForbiddenError', exitCode: 3 },
          },
        ],
      }),
    });

    const invocation = harness.handler({ account }, lambdaContext());

    await expect(invocation).rejects.toThrow(
      `poll of account ${account} failed on practitioners (ClinikoForbiddenError)`,
    );
    const documents = harness.json();
    expect(
      documents.find((line) => line.message === 'poll finished with failed streams')?.failedStreams,
    ).toEqual([{ stream: 'practitioners', error: 'ClinikoForbiddenError' }]);
    expect(documents.find((line) => line.PollsFailed !== undefined)?.PollsFailed).toBe(1);
  });

  it('never writes record contents to logs or metrics', async () => {
    const account = freshAccountId();
    const h = start(account);
    await h.handler({ account }, lambdaContext());
    const sentinel = 'SENTINEL7Q3Z';
    await createRecord(sim.baseUrl, apiKey(), 'patients', {
      first_name: `${sentinel}First`,
      last_name: `${sentinel}Last`,
      email: `${sentinel.toLowerCase()}@example.test`,
      notes: `${sentinel} notes`,
    });

    await h.handler({ account }, lambdaContext());

    expect(JSON.stringify(h.publisher.events)).toContain(sentinel);
    expect(h.output.length).toBeGreaterThan(0);
    expect(h.output.filter((chunk) => chunk.toLowerCase().includes(sentinel.toLowerCase()))).toEqual([]);
  });
});

interface EmfMetadata {
  readonly CloudWatchMetrics: { Metrics: { Name: string }[]; Dimensions: string[][] }[];
}
