/**
 * Component test: the engine over the real Cliniko client and the simulator (real HTTP), with the
 * in-memory state store and publisher. Ground truth is the simulator's changelog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import { TokenBucket } from '../../../shared/cliniko/token-bucket.js';
import { syncAccount } from '../../../shared/engine/sync.js';
import { STREAMS } from '../../../shared/streams.js';
import { ControllableClock, type RunningSimulator, startSimulator } from '../../../simulator/index.js';
import { TEST_KEYS } from '../../support/content-keys.js';
import { InMemoryStateStore } from '../../support/memory-state-store.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';
import { USER_AGENT } from '../cliniko/fake-cliniko.js';
import { CapturingLogger, idleRequests, syncOptions } from './sync-harness.js';

let sim: RunningSimulator;
let client: ClinikoClient;
const clock = new ControllableClock();
const state = new InMemoryStateStore();
const publisher = new RecordingPublisher();
const logger = new CapturingLogger();
/** How far this machine's clock is behind the simulator's (its Date headers). */
let localClockError = 0;

const poll = () =>
  syncAccount(
    { cliniko: client, keys: TEST_KEYS, state, publisher, logger, now: () => clock.now() },
    syncOptions({ streams: STREAMS, startFrom: 'beginning', reconcileIntervalSeconds: null }),
  );

beforeAll(async () => {
  clock.set(Date.parse('2026-05-04T08:00:00Z'));
  sim = await startSimulator({
    seed: 11,
    patients: 60,
    appointments: 120,
    rateLimitPerMinute: 100_000,
    clock,
  });
  client = new ClinikoClient({
    apiKey: sim.apiKeys[0] ?? '',
    userAgent: USER_AGENT,
    baseUrl: sim.baseUrl,
    bucket: new TokenBucket({ ratePerMinute: 100_000, capacity: 1000 }),
    now: () => clock.now() - localClockError,
  });
});

afterAll(async () => {
  await client?.close();
  await sim?.close();
});

describe('syncAccount against the simulator', () => {
  it('backfills, then reports every churned change, then idles at one request per window pass', async () => {
    const backfill = await poll();
    const snapshots = publisher.events.length;
    const seq = sim.changes().at(-1)?.seq ?? 0;
    clock.advance(5);
    sim.churn(150);
    // Long enough for the /deleted feeds to be due again.
    clock.advance(300);

    const changed = await poll();
    const churned = sim.changes(seq).filter((c) => STREAMS.some((s) => s.name === c.resource));
    clock.advance(60);
    const before = publisher.events.length;
    const idle = await poll();

    expect(backfill.ok && changed.ok && idle.ok).toBe(true);
    expect(snapshots).toBeGreaterThan(0);
    expect(publisher.events.slice(0, snapshots).every((e) => e.detail.type.endsWith('.snapshot'))).toBe(true);
    const seen = new Map<string, string[]>();
    for (const e of publisher.events.slice(snapshots)) {
      const key = `${e.detail.resource}/${e.detail.recordId}`;
      seen.set(key, [...(seen.get(key) ?? []), e.detail.type.split('.')[1] ?? '']);
    }
    for (const change of churned.filter((c) => c.action === 'created')) {
      expect(seen.get(`${change.resource}/${change.id}`), `${change.resource} created`).toBeDefined();
    }
    const hasFeed = new Set(STREAMS.filter((s) => s.deletedFeed).map((s) => s.name));
    for (const change of churned.filter((c) => c.action === 'deleted' && hasFeed.has(c.resource))) {
      expect(seen.get(`${change.resource}/${change.id}`)?.at(-1)).toBe('deleted');
    }
    expect(new Set(publisher.events.map((e) => e.id)).size).toBe(publisher.events.length);
    expect(publisher.events.length).toBe(before);
    expect(idle.streams.map((s) => s.requests)).toEqual(STREAMS.map(idleRequests));
  });

  it('refuses a poll whose Date headers are far from the local clock, moving no watermark, and resumes once they agree', async () => {
    const before = await state.getCursor('test-clinic', 'patients');
    const events = publisher.events.length;
    clock.advance(30);
    sim.churn(20);

    localClockError = 3600_000;
    const skewed = await poll();
    const during = await state.getCursor('test-clinic', 'patients');
    const eventsDuring = publisher.events.length;
    localClockError = 0;
    const after = await poll();

    expect(skewed.ok).toBe(false);
    expect(skewed.streams.every((s) => s.error?.name === 'ClinikoClockSkewError')).toBe(true);
    expect(during?.watermark).toBe(before?.watermark);
    expect(eventsDuring).toBe(events);
    expect(after.ok).toBe(true);
    expect(publisher.events.length).toBeGreaterThan(events);
    expect(client.stats.clockSkewRejected).toBeGreaterThan(0);
    expect((await state.getCursor('test-clinic', 'patients'))?.watermark).not.toBe(before?.watermark);
  });
});
