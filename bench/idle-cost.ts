/**
 * Benchmark 3, idle cost: after a backfill, polls with no change at all, one simulated minute apart,
 * against dynalite through the real `DynamoDbStateStore`. Counts per poll: API requests, DynamoDB
 * writes and PutEvents requests. The `/deleted` feeds are read every 5 minutes (not every poll), so
 * the typical poll and the average over the window are both reported.
 */

import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import { STREAMS } from '../shared/streams.js';
import { ControllableClock, startSimulator } from '../simulator/index.js';
import { benchClient, benchSyncOptions, localState, silentLogger, syncOrThrow } from './bridge-wiring.js';
import { CountingStateStore } from './counting-state-store.js';
import { SinkRecorder } from './sink-recorder.js';
import { median } from './statistics.js';

export interface IdlePoll {
  readonly requests: number;
  readonly dynamoWrites: number;
  readonly cursorWrites: number;
  readonly leaseWrites: number;
  readonly recordWrites: number;
  readonly putEvents: number;
  readonly rru: number;
  readonly wru: number;
  readonly durationMs: number;
}

export interface IdleResult {
  readonly streams: number;
  readonly polls: number;
  readonly pollSpacingSeconds: number;
  readonly requestsPerStreamPerPoll: number;
  readonly requestsPerStreamPerPollAverage: number;
  readonly dynamoWritesPerStreamPerPoll: number;
  readonly dynamoWritesPerStreamPerPollAverage: number;
  readonly putEventsPerPoll: number;
  readonly perPoll: readonly IdlePoll[];
}

export async function measureIdle(polls: number): Promise<IdleResult> {
  const clock = new ControllableClock();
  clock.set(Date.now());
  const sim = await startSimulator({
    seed: 3,
    patients: 500,
    appointments: 1000,
    rateLimitPerMinute: 1_000_000,
    clock,
  });
  const client = benchClient({
    baseUrl: sim.baseUrl,
    apiKey: sim.apiKeys[0] ?? '',
    ratePerMinute: 1_000_000,
    capacity: 1_000,
    // The simulated clock runs ahead of the real one by the polls' spacing.
    now: () => clock.now(),
  });
  const local = await localState();
  const state = new CountingStateStore(local.store);
  const sink = new SinkRecorder();
  const deps = {
    cliniko: client,
    keys: ephemeralContentKeyRing(),
    state,
    publisher: sink,
    logger: silentLogger,
    now: () => clock.now(),
  };
  const options = benchSyncOptions();
  const spacing = 60;
  try {
    await syncOrThrow(deps, options);
    const perPoll: IdlePoll[] = [];
    for (let i = 0; i < polls; i++) {
      clock.advance(spacing);
      state.take();
      sink.take();
      const before = client.stats.requests;
      const started = Date.now();
      await syncOrThrow(deps, options);
      const durationMs = Date.now() - started;
      const traffic = state.take();
      const w = traffic.writes;
      perPoll.push({
        requests: client.stats.requests - before,
        dynamoWrites: w.cursor + w.lease + w.records,
        cursorWrites: w.cursor,
        leaseWrites: w.lease,
        recordWrites: w.records,
        putEvents: sink.take().putEventsRequests,
        rru: traffic.rru,
        wru: traffic.wru,
        durationMs,
      });
    }
    const n = STREAMS.length;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const round = (value: number) => Math.round(value * 1000) / 1000;
    return {
      streams: n,
      polls,
      pollSpacingSeconds: spacing,
      requestsPerStreamPerPoll: round(median(perPoll.map((p) => p.requests)) / n),
      requestsPerStreamPerPollAverage: round(mean(perPoll.map((p) => p.requests)) / n),
      dynamoWritesPerStreamPerPoll: round(median(perPoll.map((p) => p.dynamoWrites)) / n),
      dynamoWritesPerStreamPerPollAverage: round(mean(perPoll.map((p) => p.dynamoWrites)) / n),
      putEventsPerPoll: round(mean(perPoll.map((p) => p.putEvents))),
      perPoll,
    };
  } finally {
    await client.close();
    await local.close();
    await sim.close();
  }
}
