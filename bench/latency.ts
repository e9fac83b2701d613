/**
 * Benchmark 4, detection latency under steady churn, in real time: the simulator (real-time clock)
 * takes a steady stream of changes while the bridge polls on a fixed schedule, as EventBridge
 * Scheduler would start it, with the production client budget and dynalite behind the real
 * `DynamoDbStateStore`. Latency = time the event reached the sink − time the change committed.
 * Legacy hard deletes are left out: they surface through the `/deleted` feeds, read every
 * `deletedFeedIntervalSeconds` (5 min), not every poll. The per-poll counts feed the cost model.
 * Run on the default (`core`) streams, as a deployment polls unless configured otherwise, and on
 * every stream; the simulator's churn lands in all of its resources, and changes to resources the
 * run does not poll are left out of the figures.
 */

import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import { CORE_STREAMS, STREAMS } from '../shared/streams.js';
import { startSimulator } from '../simulator/index.js';
import { benchClient, benchSyncOptions, localState, silentLogger, syncOrThrow } from './bridge-wiring.js';
import { CountingStateStore, emptyTraffic, type StateTraffic } from './counting-state-store.js';
import { emptySinkCounts, type SinkCounts, SinkRecorder } from './sink-recorder.js';
import { percentile } from './statistics.js';

export interface PollUsage {
  readonly polls: number;
  readonly durationMs: number;
  readonly apiRequests: number;
  readonly traffic: StateTraffic;
  readonly sink: SinkCounts;
}

export interface LatencyResult {
  /** `core` (the default streams) or `all`. */
  readonly streams: StreamSet;
  readonly intervalSeconds: number;
  readonly durationSeconds: number;
  readonly churnPerMinute: number;
  readonly changes: number;
  readonly measured: number;
  readonly excludedDeletes: number;
  /** Changes to resources of streams this run does not poll. */
  readonly excludedOtherStreams: number;
  readonly undetected: number;
  readonly p50Seconds: number;
  readonly p95Seconds: number;
  readonly maxSeconds: number;
  readonly usage: PollUsage;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function addTraffic(total: StateTraffic, part: StateTraffic): void {
  total.rru += part.rru;
  total.wru += part.wru;
  total.recordRru += part.recordRru;
  total.recordWru += part.recordWru;
  for (const key of ['cursor', 'records', 'lease'] as const) total.writes[key] += part.writes[key];
  for (const key of ['cursor', 'records', 'lease', 'listed'] as const) total.reads[key] += part.reads[key];
}

export type StreamSet = 'core' | 'all';

export async function measureLatency(options: {
  intervalSeconds: number;
  durationSeconds: number;
  churnPerMinute: number;
  streams: StreamSet;
}): Promise<LatencyResult> {
  const streams = options.streams === 'core' ? CORE_STREAMS : STREAMS;
  const polled = new Set(streams.map((stream) => stream.name));
  const sim = await startSimulator({ seed: 9, patients: 2000, appointments: 4000 });
  const client = benchClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKeys[0] ?? '' });
  const local = await localState();
  const state = new CountingStateStore(local.store);
  const sink = new SinkRecorder(true);
  const deps = {
    cliniko: client,
    keys: ephemeralContentKeyRing(),
    state,
    publisher: sink,
    logger: silentLogger,
  };
  const syncOptions = benchSyncOptions({ startFrom: 'now', streams });
  const commits: { resource: string; id: string; action: string; at: number }[] = [];
  const usage = { polls: 0, durationMs: 0, apiRequests: 0, traffic: emptyTraffic(), sink: emptySinkCounts() };

  const poll = async () => {
    state.take();
    sink.take();
    const before = client.stats.requests;
    const started = Date.now();
    await syncOrThrow(deps, syncOptions);
    usage.polls += 1;
    usage.durationMs += Date.now() - started;
    usage.apiRequests += client.stats.requests - before;
    addTraffic(usage.traffic, state.take());
    const counts = sink.take();
    for (const key of Object.keys(counts) as (keyof SinkCounts)[]) usage.sink[key] += counts[key];
  };

  try {
    await poll(); // establishes the cursors ("now"); not counted below
    Object.assign(usage, {
      polls: 0,
      durationMs: 0,
      apiRequests: 0,
      traffic: emptyTraffic(),
      sink: emptySinkCounts(),
    });
    let seq = sim.changes().at(-1)?.seq ?? 0;
    let carry = 0;
    let last = Date.now();
    const churner = setInterval(() => {
      const now = Date.now();
      carry += ((now - last) * options.churnPerMinute) / 60_000;
      last = now;
      const steps = Math.floor(carry);
      carry -= steps;
      sim.churn(steps);
      const at = Date.now();
      for (const c of sim.changes(seq)) {
        commits.push({ resource: c.resource, id: c.id, action: c.action, at });
        seq = c.seq;
      }
    }, 100);
    const start = Date.now();
    const end = start + options.durationSeconds * 1000;
    for (let k = 1; start + k * options.intervalSeconds * 1000 <= end; k++) {
      await sleep(Math.max(0, start + k * options.intervalSeconds * 1000 - Date.now()));
      await poll();
    }
    clearInterval(churner);
    // One more scheduled poll picks up the changes of the last interval.
    await sleep(options.intervalSeconds * 1000);
    await poll();

    const arrivals = new Map<string, number[]>();
    for (const a of sink.arrivals) {
      const key = `${a.resource}/${a.recordId}`;
      arrivals.set(key, [...(arrivals.get(key) ?? []), a.at]);
    }
    const latencies: number[] = [];
    let undetected = 0;
    const ofPolled = commits.filter((c) => polled.has(c.resource));
    const measured = ofPolled.filter((c) => c.action !== 'deleted');
    for (const c of measured) {
      const seen = (arrivals.get(`${c.resource}/${c.id}`) ?? []).filter((at) => at >= c.at);
      if (seen.length === 0) undetected += 1;
      else latencies.push((Math.min(...seen) - c.at) / 1000);
    }
    const round = (v: number) => Math.round(v * 100) / 100;
    return {
      streams: options.streams,
      intervalSeconds: options.intervalSeconds,
      durationSeconds: options.durationSeconds,
      churnPerMinute: options.churnPerMinute,
      changes: ofPolled.length,
      measured: latencies.length,
      excludedDeletes: ofPolled.length - measured.length,
      excludedOtherStreams: commits.length - ofPolled.length,
      undetected,
      p50Seconds: round(percentile(latencies, 50)),
      p95Seconds: round(percentile(latencies, 95)),
      maxSeconds: round(Math.max(...latencies)),
      usage,
    };
  } finally {
    await client.close();
    await local.close();
    await sim.close();
  }
}
