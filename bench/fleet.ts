/**
 * Benchmark 8, a fleet: the simulator with hundreds of accounts (its own process, with dynalite)
 * takes steady churn spread over every account, while this process runs the local fleet runner —
 * the same dispatcher plan and `AccountWorker` the Lambdas use, the production Cliniko client (one
 * rate budget per account), the real `DynamoDbStateStore` and `DynamoDbAccountRegistry` on dynalite —
 * ticking every minute for several minutes, as `cliniko-bridge run --config` would.
 *
 * Measured: detection lag (event reached the sink − change committed; the simulator stamps commits
 * to the second, so each figure may be up to a second high), how many accounts completed a poll in
 * every interval, this process's CPU per account poll and its peak RSS, and per account poll what
 * the Lambda would be billed for (duration, DynamoDB request units, log bytes), which feeds the
 * fleet's cost model.
 */

import { reportSummary } from '../functions/poller/poll-metrics.js';
import { ClinikoClient } from '../shared/cliniko/client.js';
import { parseBridgeConfig } from '../shared/config/index.js';
import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import type { Logger } from '../shared/engine/ports.js';
import { type AccountPoll, AccountWorker } from '../shared/fleet/account-worker.js';
import { Dispatcher } from '../shared/fleet/dispatcher.js';
import { DynamoDbAccountRegistry } from '../shared/fleet/dynamodb-registry.js';
import { FleetRunner } from '../shared/fleet/fleet-runner.js';
import { seedRegistry } from '../shared/fleet/seed.js';
import { localDynamoDbClient } from '../shared/state/dynalite-server.js';
import { createStateTable, DynamoDbStateStore } from '../shared/state/dynamodb-state-store.js';
import { CORE_STREAMS } from '../shared/streams.js';
import { BENCH_USER_AGENT } from './bridge-wiring.js';
import { startChild } from './child-process.js';
import { CountingStateStore, type StateTraffic } from './counting-state-store.js';
import { SinkRecorder } from './sink-recorder.js';
import { percentile } from './statistics.js';

export interface FleetOptions {
  readonly accounts: number;
  readonly intervalSeconds: number;
  /** Measured window after the first round of polls (which sets every cursor to "now"). */
  readonly durationSeconds: number;
  /** Changes per minute across the whole fleet. */
  readonly churnPerMinute: number;
  /**
   * Accounts polled at once; as deployed by default: 10 poller instances (`fleet.workerConcurrency`)
   * each polling its batch of up to 10 accounts (`fleet.accountsPerInvocation`) concurrently.
   */
  readonly concurrency: number;
  readonly patientsPerAccount: number;
  readonly appointmentsPerAccount: number;
}

/** What one account poll costs, averaged over the measured window: the cost model's inputs. */
export interface PerAccountPoll {
  readonly durationMs: number;
  readonly apiRequests: number;
  /** DynamoDB request units of cursors, leases and listings (record states are per-event costs). */
  readonly rru: number;
  readonly wru: number;
  /** CloudWatch Logs bytes the poller would ingest for it (see `logBytesOf`). */
  readonly logBytes: number;
}

export interface FleetResult {
  readonly accounts: number;
  readonly streamsPerAccount: number;
  readonly intervalSeconds: number;
  readonly durationSeconds: number;
  readonly concurrency: number;
  readonly churnPerMinute: number;
  readonly changes: number;
  readonly measured: number;
  readonly undetected: number;
  /** `<resource> <action>` of the changes no event reported, if any. */
  readonly undetectedByResource: Readonly<Record<string, number>>;
  readonly lagP50Seconds: number;
  readonly lagP95Seconds: number;
  readonly lagMaxSeconds: number;
  /** Accounts never left more than an interval + 15 s without a poll starting, over the window. */
  readonly accountsPolledEveryInterval: number;
  /** The longest any account went without a poll starting (s). */
  readonly worstGapSeconds: number;
  readonly intervals: number;
  readonly polls: number;
  readonly failedPolls: number;
  readonly cpuSecondsPerAccountPoll: number;
  readonly peakRssMb: number;
  readonly perAccountPoll: PerAccountPoll;
  /** Overdue accounts (no successful poll for three intervals) at the worst tick. */
  readonly worstOverdue: number;
  /** One dispatcher tick over the whole registry (median of five, after the run). */
  readonly dispatcherTickMs: number;
}

interface Services {
  readonly baseUrl: string;
  readonly origin: string;
  readonly dynamoEndpoint: string;
  readonly accounts: readonly { id: string; apiKey: string }[];
}

/**
 * What Powertools adds to every log line of the poller (the standard keys with realistic values);
 * CloudWatch Logs bills each event's bytes plus 26 bytes.
 */
const POWERTOOLS_ENVELOPE = JSON.stringify({
  level: 'INFO',
  message: '',
  timestamp: '2026-12-05T02:23:06.123Z',
  service: 'cliniko-bridge-poller',
  cold_start: false,
  function_arn:
    'arn:aws:lambda:us-east-1:123456789012:function:ClinikoChangeBridge-Poller0123456789-AbCdEfGh1234',
  function_memory_size: '512',
  function_name: 'ClinikoChangeBridge-Poller0123456789-AbCdEfGh1234',
  function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  sampling_rate: 0,
  xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
}).length;
const CLOUDWATCH_EVENT_OVERHEAD = 26;

function logBytesOf(message: string, attributes: unknown): number {
  return (
    POWERTOOLS_ENVELOPE +
    Buffer.byteLength(message) +
    Buffer.byteLength(JSON.stringify(attributes ?? {})) +
    CLOUDWATCH_EVENT_OVERHEAD
  );
}

/** The engine's log lines at the poller's level (INFO), counted in bytes, printed nowhere. */
class CountingLogger implements Logger {
  bytes = 0;
  debug(): void {}
  info(message: string, attributes?: Record<string, unknown>): void {
    this.bytes += logBytesOf(message, attributes);
  }
  warn(message: string, attributes?: Record<string, unknown>): void {
    this.bytes += logBytesOf(message, attributes);
  }
  error(message: string, attributes?: Record<string, unknown>): void {
    this.bytes += logBytesOf(message, attributes);
  }
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export async function measureFleet(options: FleetOptions, log: (line: string) => void): Promise<FleetResult> {
  const services = await startChild<Services>(
    './services-process.ts',
    [
      '--accounts',
      String(options.accounts),
      '--patients',
      String(options.patientsPerAccount),
      '--appointments',
      String(options.appointmentsPerAccount),
      '--rate-limit',
      '200',
    ],
    600_000,
  );
  // DynamoDB in a process of its own: the simulator's process is busy serving hundreds of accounts.
  const database = await startChild<Services>(
    './services-process.ts',
    ['--patients', '0', '--appointments', '0', '--dynalite'],
    60_000,
  ).catch(async (error: unknown) => {
    await services.stop();
    throw error;
  });
  const { baseUrl, origin, accounts } = services.ready;
  const { dynamoEndpoint } = database.ready;
  const dynamo = localDynamoDbClient(dynamoEndpoint);
  const tableName = 'bench-fleet';
  await createStateTable(dynamo, tableName);
  const store = new DynamoDbStateStore({ client: dynamo, tableName });
  const state = new CountingStateStore(store);
  const registry = new DynamoDbAccountRegistry({ client: dynamo, tableName });
  const config = parseBridgeConfig({
    accounts: accounts.map((a) => ({ id: a.id, apiKeySecret: `cliniko/${a.id}`, baseUrl })),
    userAgent: BENCH_USER_AGENT,
    startFrom: 'now',
    pollRateMinutes: options.intervalSeconds / 60,
  });
  await seedRegistry(registry, config.accounts, new Date().toISOString());
  const keys = new Map(accounts.map((a) => [a.id, a.apiKey]));
  const sink = new SinkRecorder(true);
  const engineLog = new CountingLogger();
  const worker = new AccountWorker({
    config,
    registry,
    readApiKey: async (_ref, account) => keys.get(account) ?? '',
    contentKeys: async () => ephemeralContentKeyRing(),
    state,
    publisher: sink,
    logger: engineLog,
    createCliniko: (clientOptions) => new ClinikoClient(clientOptions),
  });

  const polls: {
    account: string;
    at: number;
    durationMs: number;
    ok: boolean;
    apiRequests: number;
    logBytes: number;
  }[] = [];
  const timed = {
    poll: async (account: string, runtime: Parameters<AccountWorker['poll']>[1]): Promise<AccountPoll> => {
      const started = Date.now();
      const poll = await worker.poll(account, runtime);
      const durationMs = Date.now() - started;
      const ok = poll.kind === 'ran' && poll.report.ok && !poll.report.skipped;
      // The handler's one summary line per poll (functions/poller/handler.ts).
      const logBytes =
        poll.kind === 'ran'
          ? logBytesOf('poll finished', { task: 'poll', ...reportSummary(poll.report, poll.counters) })
          : 0;
      const apiRequests = poll.kind === 'ran' ? poll.counters.requests : 0;
      polls.push({ account, at: started, durationMs, ok, apiRequests, logBytes });
      return poll;
    },
  };

  const controller = new AbortController();
  let worstOverdue = 0;
  const runner = new FleetRunner({
    registry,
    statuses: store,
    worker: timed,
    intervalMs: options.intervalSeconds * 1000,
    concurrency: options.concurrency,
    owner: `bench-${process.pid}`,
    signal: controller.signal,
    onTick: (plan) => {
      worstOverdue = Math.max(worstOverdue, plan.overdue.length);
    },
  });

  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 500);
  const fetchJson = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${origin}${path}`, init);
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    return (await response.json()) as unknown;
  };

  try {
    // First round: every account's cursors start at "now". Not measured.
    log(`fleet: ${accounts.length} accounts seeded; first round of polls …`);
    const warmStarted = Date.now();
    await runner.once(accounts.map((a) => a.id));
    log(`fleet: first round done in ${((Date.now() - warmStarted) / 1000).toFixed(1)} s; churning`);
    const { changes: before } = (await fetchJson('/__sim/changelog?after=0')) as {
      changes: { seq: number }[];
    };
    const afterSeq = before.at(-1)?.seq ?? 0;
    polls.length = 0;
    sink.arrivals.length = 0;
    state.take();
    engineLog.bytes = 0;

    await fetchJson('/__sim/churn', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ perMinute: options.churnPerMinute }),
    });
    const cpuBefore = process.cpuUsage();
    const windowStart = Date.now();
    const looping = runner.loop();
    const progress = setInterval(() => {
      const elapsed = Math.round((Date.now() - windowStart) / 1000);
      log(`fleet: ${elapsed} s, ${polls.length} account polls, ${sink.arrivals.length} events`);
    }, 60_000);
    await new Promise((resolve) => setTimeout(resolve, options.durationSeconds * 1000));
    await fetchJson('/__sim/churn', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ perMinute: 0 }),
    });
    const churnStopped = Date.now();
    // One more interval so the last changes are polled, then stop.
    await new Promise((resolve) => setTimeout(resolve, options.intervalSeconds * 1000 + 15_000));
    controller.abort();
    await looping;
    clearInterval(progress);
    const cpu = process.cpuUsage(cpuBefore);
    const traffic: StateTraffic = state.take();

    const { changes } = (await fetchJson(`/__sim/changelog?after=${afterSeq}`)) as {
      changes: { account: string; resource: string; id: string; action: string; at: string }[];
    };
    const arrivals = new Map<string, number[]>();
    for (const a of sink.arrivals) {
      const key = `${a.account}/${a.resource}/${a.recordId}`;
      const list = arrivals.get(key);
      if (list) list.push(a.at);
      else arrivals.set(key, [a.at]);
    }
    const lags: number[] = [];
    let undetected = 0;
    // Hard deletes surface through the `/deleted` feed every `deletedFeedIntervalSeconds`, not every poll.
    // Churn touches every resource; the fleet polls the core streams (the default).
    const polled = new Set(CORE_STREAMS.map((stream) => stream.name));
    const measured = changes.filter(
      (c) => c.action !== 'deleted' && polled.has(c.resource) && Date.parse(c.at) <= churnStopped,
    );
    const undetectedByResource: Record<string, number> = {};
    for (const c of measured) {
      const committed = Date.parse(c.at);
      const seen = (arrivals.get(`${c.account}/${c.resource}/${c.id}`) ?? []).filter((at) => at >= committed);
      if (seen.length === 0) {
        undetected += 1;
        undetectedByResource[`${c.resource} ${c.action}`] =
          (undetectedByResource[`${c.resource} ${c.action}`] ?? 0) + 1;
      } else lags.push((Math.min(...seen) - committed) / 1000);
    }

    // An account is polled every interval when no two of its successful polls in the window (and
    // the window's start and its first poll) are further apart than an interval plus 15 s, the
    // slack the lag target allows: a skipped slot shows as a gap of about two intervals.
    const intervalMs = options.intervalSeconds * 1000;
    const intervals = Math.floor(options.durationSeconds / options.intervalSeconds);
    const windowEnd = windowStart + intervals * intervalMs;
    const startsByAccount = new Map<string, number[]>();
    for (const p of polls) {
      if (!p.ok || p.at > windowEnd) continue;
      const starts = startsByAccount.get(p.account);
      if (starts) starts.push(p.at);
      else startsByAccount.set(p.account, [p.at]);
    }
    let everyInterval = 0;
    let worstGapMs = 0;
    for (const { id } of accounts) {
      const starts = [windowStart, ...(startsByAccount.get(id) ?? []).sort((a, b) => a - b), windowEnd];
      let gap = 0;
      for (let i = 1; i < starts.length; i += 1) gap = Math.max(gap, (starts[i] ?? 0) - (starts[i - 1] ?? 0));
      worstGapMs = Math.max(worstGapMs, gap);
      if (gap <= intervalMs + 15_000) everyInterval += 1;
    }
    const ran = Math.max(1, polls.length);
    const sum = (pick: (p: (typeof polls)[number]) => number) => polls.reduce((a, p) => a + pick(p), 0);
    return {
      accounts: accounts.length,
      streamsPerAccount: CORE_STREAMS.length,
      intervalSeconds: options.intervalSeconds,
      durationSeconds: options.durationSeconds,
      concurrency: options.concurrency,
      churnPerMinute: options.churnPerMinute,
      changes: changes.length,
      measured: lags.length,
      undetected,
      undetectedByResource,
      lagP50Seconds: round(percentile(lags, 50)),
      lagP95Seconds: round(percentile(lags, 95)),
      lagMaxSeconds: round(lags.length > 0 ? Math.max(...lags) : 0),
      accountsPolledEveryInterval: everyInterval,
      worstGapSeconds: round(worstGapMs / 1000, 1),
      intervals,
      polls: polls.length,
      failedPolls: polls.filter((p) => !p.ok).length,
      cpuSecondsPerAccountPoll: round((cpu.user + cpu.system) / 1e6 / ran, 4),
      peakRssMb: Math.round(peakRss / 1024 ** 2),
      perAccountPoll: {
        durationMs: round(sum((p) => p.durationMs) / ran, 1),
        apiRequests: round(sum((p) => p.apiRequests) / ran),
        // Record-state traffic follows the changes: a per-event cost, left out here.
        rru: round((traffic.rru - traffic.recordRru) / ran),
        wru: round((traffic.wru - traffic.recordWru) / ran),
        logBytes: Math.round((sum((p) => p.logBytes) + engineLog.bytes) / ran),
      },
      worstOverdue,
      dispatcherTickMs: await timeDispatcherTick(registry, store, options.intervalSeconds * 1000),
    };
  } finally {
    clearInterval(sampler);
    controller.abort();
    dynamo.destroy();
    await services.stop();
    await database.stop();
  }
}

/** A dispatcher tick as the Lambda runs it (registry Query, lease BatchGets, plan), its queue a no-op. */
async function timeDispatcherTick(
  registry: DynamoDbAccountRegistry,
  store: DynamoDbStateStore,
  intervalMs: number,
): Promise<number> {
  const dispatcher = new Dispatcher({
    registry,
    statuses: store,
    queue: { send: async () => undefined },
    intervalMs,
    tickMs: 60_000,
  });
  const times: number[] = [];
  for (let i = 0; i < 5; i += 1) {
    const started = performance.now();
    await dispatcher.tick();
    times.push(performance.now() - started);
  }
  return round(percentile(times, 50), 1);
}
