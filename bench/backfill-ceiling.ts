/**
 * Benchmark 2, backfill at the ceiling: the bridge backfills every stream from a simulator (its own
 * process) that enforces 200 requests/min per key, in real time, with the production client and
 * its default token bucket. Measures useful records per request, requests per minute as a fraction
 * of the limit, and 429s.
 */

import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import { syncAccount } from '../shared/engine/sync.js';
import { InMemoryStateStore } from '../test/support/memory-state-store.js';
import { benchClient, benchSyncOptions, silentLogger } from './bridge-wiring.js';
import { startChild } from './child-process.js';
import { CountingStateStore } from './counting-state-store.js';
import { SinkRecorder } from './sink-recorder.js';
import { TimedReader } from './timed-reader.js';

export interface BackfillResult {
  readonly rateLimitPerMinute: number;
  readonly patients: number;
  readonly appointments: number;
  readonly durationSeconds: number;
  readonly requests: number;
  readonly recordsRead: number;
  readonly events: number;
  /** Events (each record first seen once) per API request. */
  readonly recordsPerRequest: number;
  /** requests / (limit × minutes) over the backfill. */
  readonly utilization: number;
  readonly status429: number;
  /** Requests per wall-clock minute window (the simulator's fixed windows). */
  readonly requestsPerClockMinute: readonly number[];
  /** Second of the minute the backfill started at (a start near :00 lets the burst land in a full window). */
  readonly startSecondOfMinute: number;
  readonly ok: boolean;
}

interface Services {
  readonly baseUrl: string;
  readonly apiKey: string;
}

export async function measureBackfill(options: {
  patients: number;
  appointments: number;
  rateLimitPerMinute: number;
}): Promise<BackfillResult> {
  const services = await startChild<Services>(
    'services-process.ts',
    [
      '--patients',
      String(options.patients),
      '--appointments',
      String(options.appointments),
      '--rate-limit',
      String(options.rateLimitPerMinute),
    ],
    120_000,
  );
  const client = benchClient({
    baseUrl: services.ready.baseUrl,
    apiKey: services.ready.apiKey,
    ratePerMinute: options.rateLimitPerMinute,
  });
  const reader = new TimedReader(client);
  const state = new CountingStateStore(new InMemoryStateStore());
  const sink = new SinkRecorder();
  try {
    const started = Date.now();
    const report = await syncAccount(
      { cliniko: reader, keys: ephemeralContentKeyRing(), state, publisher: sink, logger: silentLogger },
      benchSyncOptions({ reconcileIntervalSeconds: null }),
    );
    const ended = Date.now();
    const minutes = (ended - started) / 60_000;
    const stats = client.stats;
    const perMinute = new Map<number, number>();
    for (const at of reader.startedAt) {
      const window = Math.floor(at / 60_000);
      perMinute.set(window, (perMinute.get(window) ?? 0) + 1);
    }
    return {
      rateLimitPerMinute: options.rateLimitPerMinute,
      patients: options.patients,
      appointments: options.appointments,
      durationSeconds: Math.round((ended - started) / 100) / 10,
      requests: stats.requests,
      recordsRead: report.streams.reduce((sum, s) => sum + s.records, 0),
      events: sink.counts.events,
      recordsPerRequest: Math.round((sink.counts.events / stats.requests) * 10) / 10,
      utilization: Math.round((stats.requests / (options.rateLimitPerMinute * minutes)) * 1000) / 1000,
      status429: stats.rateLimited,
      requestsPerClockMinute: [...perMinute.values()],
      startSecondOfMinute: Math.floor((started % 60_000) / 1000),
      ok: report.ok,
    };
  } finally {
    await client.close();
    await services.stop();
  }
}
