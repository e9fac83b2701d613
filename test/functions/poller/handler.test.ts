import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventMetric, POLLER_METRICS } from '../../../functions/poller/poll-metrics.js';
import { ClinikoClient } from '../../../shared/cliniko/index.js';
import type { BridgeConfigInput } from '../../../shared/config/index.js';
import { emptyStreamReport } from '../../../shared/engine/report.js';
import { ClinikoAuthError, ConfigError } from '../../../shared/errors.js';
import type { Work, WorkQueue } from '../../../shared/fleet/work-queue.js';
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
  otherSecrets: Record<string, readonly string[]> = {},
  workQueue?: WorkQueue,
): Harness {
  harness = startHarness({
    config: configFor(accountId, overrides),
    table,
    secrets: { [`cliniko/${accountId}`]: secret ?? [apiKey()], ...otherSecrets },
    ...(workQueue ? { workQueue } : {}),
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

/** A work queue that keeps what it was sent. */
function recordingQueue(): WorkQueue & { sent: { work: Work; delayMs: number }[] } {
  const sent: { work: Work; delayMs: number }[] = [];
  return { sent, send: async (items) => void sent.push(...items) };
}

describe('poller handler', () => {
  it('with adaptive polling keeps the account until shortly before its deadline, then hands it on', async () => {
    const account = freshAccountId();
    const queue = recordingQueue();
    const h = start(account, { polling: { mode: 'adaptive' } }, undefined, {}, queue);

    // 30 s of margin leave a loop of about 4 s: several rounds of the two streams.
    const result = await h.direct({ account }, lambdaContext(34_000));

    expect(result.stopped).toBe('deadline');
    expect(queue.sent).toEqual([{ work: { account, task: 'poll' }, delayMs: 0 }]);

    // Without adaptive polling the run ends caught up and hands nothing on.
    const fixed = freshAccountId();
    await h.close();
    const queue2 = recordingQueue();
    const h2 = start(fixed, {}, undefined, {}, queue2);
    expect((await h2.direct({ account: fixed }, lambdaContext(34_000))).stopped).toBe('caught-up');
    expect(queue2.sent).toEqual([]);
  });

  it('publishes a snapshot of every existing record on its first invocation from the beginning', async () => {
    const account = freshAccountId();
    const h = start(account, { startFrom: 'beginning' });
    const expected = (await visibleRecords('patients')) + (await visibleRecords('practitioners'));

    const result = await h.direct({ account });

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

    const result = await h.direct({ account });

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
    await h.direct({ account });
    const afterFirst = h.publisher.events.length;

    const result = await h.direct({ account });

    expect(afterFirst).toBeGreaterThan(0);
    expect(h.publisher.events.length).toBe(afterFirst);
    expect(result.summary.events).toEqual({});
  });

  it('publishes a created event for a record added between invocations', async () => {
    const account = freshAccountId();
    const h = start(account);
    await h.direct({ account });
    const before = h.publisher.events.length;
    const created = await createRecord(sim.baseUrl, apiKey(), 'patients', {
      first_name: 'Ada',
      last_name: 'Testcase',
    });

    await h.direct({ account });

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

    const result = await h.direct({ account });

    expect(lease).toBeDefined();
    expect(result.skipped).toBe('lease-held');
    expect(h.publisher.events).toEqual([]);
    expect(h.json().some((line) => String(line.message).startsWith('poll skipped'))).toBe(true);
  });

  it('rejects an input with a misspelt key, naming the key and the likely fix', async () => {
    const h = start(freshAccountId());

    const invocation = h.direct({ acount: 'x' });

    await expect(invocation).rejects.toBeInstanceOf(ConfigError);
    await expect(invocation).rejects.toThrow(
      /^event\.acount: is not a known field; did you mean "account"\?/,
    );
  });

  it('rejects an input without an account', async () => {
    const h = start(freshAccountId());

    const invocation = h.direct({});

    await expect(invocation).rejects.toThrow(/^event\.account: is missing or invalid; /);
  });

  it('rejects an account that is not registered, saying how to list the registered ones', async () => {
    const h = start(freshAccountId());

    const invocation = h.direct({ account: 'no-such-clinic' });

    await expect(invocation).rejects.toThrow(
      'account: no account "no-such-clinic" is registered; `cliniko-bridge accounts list` shows the registered ones',
    );
  });

  it('forces a reconciliation pass when the task is reconcile', async () => {
    const account = freshAccountId();
    const h = start(account, { reconciliation: { enabled: false } });
    await h.direct({ account });

    await h.direct({ account, task: 'reconcile' });

    const streamLines = h.json().filter((line) => line.message === 'stream synced');
    // Practitioners are reconciled over both their lists, active and inactive; only the forced run
    // reconciles (quiet streams log at debug, so the first run may log fewer lines).
    expect(streamLines.slice(-2).map((line) => [line.stream, line.reconciliation])).toEqual([
      ['patients', 'done'],
      ['practitioners', 'done'],
    ]);
    expect(streamLines.slice(0, -2).every((line) => line.reconciliation === 'off')).toBe(true);
  });

  it('emits fleet-level EMF metrics with the documented names and only the service dimension', async () => {
    const account = freshAccountId();
    const h = start(account, { startFrom: 'beginning' });

    await h.direct({ account });

    const { names, dimensions } = emfMetrics(h.json());
    const expected = Object.values(POLLER_METRICS).filter((n) => n !== POLLER_METRICS.pollsSkipped);
    for (const name of expected) expect(names).toContain(name);
    expect(names).toContain(eventMetric('snapshot'));
    // No account or stream dimension: each dimension value would be a custom metric of its own.
    expect(new Set(dimensions.map((d) => JSON.stringify(d)))).toEqual(new Set([JSON.stringify(['service'])]));
    const summary = h.json().find((line) => line.message === 'poll finished');
    expect(summary).toMatchObject({ account, ok: true });
  });

  it('polls every account of an SQS batch side by side, and answers with no item failures', async () => {
    const first = freshAccountId();
    const second = freshAccountId();
    const h = start(
      first,
      {
        startFrom: 'beginning',
        accounts: [first, second].map((id) => ({
          id,
          apiKeySecret: `cliniko/${id}`,
          baseUrl: sim.baseUrl,
          streams: ['practitioners'],
        })),
      },
      undefined,
      { [`cliniko/${second}`]: [apiKey()] },
    );
    const message = (body: string, n: number) => ({ messageId: `m-${n}`, body });

    const result = await h.handler(
      {
        Records: [
          message(JSON.stringify({ account: first }), 1),
          message(JSON.stringify({ account: second }), 2),
          message('not json', 3),
          message(JSON.stringify({ account: first }), 4),
        ],
      },
      lambdaContext(),
    );

    expect(result).toEqual({ batchItemFailures: [] });
    const finished = h.json().filter((line) => line.message === 'poll finished');
    expect(finished.map((line) => line.account).sort()).toEqual([first, second].sort());
    expect(new Set(h.publisher.events.map((e) => e.detail.account))).toEqual(new Set([first, second]));
    expect(h.json().some((line) => line.message === 'work message dropped: it is not work')).toBe(true);
  });

  it('picks up a rotated API key after Cliniko answers 401', async () => {
    const account = freshAccountId();
    const h = start(account, {}, ['revoked-key-au1', apiKey()]);

    const result = await h.direct({ account });

    expect(result.stopped).toBe('caught-up');
    expect(h.secretReads.filter((id) => id !== CONTENT_KEY_SECRET)).toEqual([
      `cliniko/${account}`,
      `cliniko/${account}`,
    ]);
  });

  it('fails the invocation when the key in the secret is still rejected after a re-read', async () => {
    const account = freshAccountId();
    const h = start(account, {}, ['revoked-key-au1']);

    const invocation = h.direct({ account });

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

    const invocation = harness.direct({ account });

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
    await h.direct({ account });
    const sentinel = 'SENTINEL7Q3Z';
    await createRecord(sim.baseUrl, apiKey(), 'patients', {
      first_name: `${sentinel}First`,
      last_name: `${sentinel}Last`,
      email: `${sentinel.toLowerCase()}@example.test`,
      notes: `${sentinel} notes`,
    });

    await h.direct({ account });

    expect(JSON.stringify(h.publisher.events)).toContain(sentinel);
    expect(h.output.length).toBeGreaterThan(0);
    expect(h.output.filter((chunk) => chunk.toLowerCase().includes(sentinel.toLowerCase()))).toEqual([]);
  });
});
