/**
 * Benchmark 6, the naive peer: the bridge and the naive poller watch the same simulator through the
 * same churn (over 100 changes per poll interval in the busiest stream), polling at the same
 * instants. Simulated time is driven second by second (changes land before AND after each poll
 * within a second, as in real life). Afterwards every committed change is checked against what
 * each poller reported for that record at or after its commit: unreported changes are lost.
 * A change that no poller could observe is left out: at each poll the record's content is compared
 * with its content at the previous poll, and changes whose record ended the interval as it began
 * (e.g. a patient added to a group and removed again) count for neither side.
 */

import { canonicalJson } from '../shared/engine/canonical-content.js';
import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import { ClinikoNotFoundError } from '../shared/errors.js';
import { STREAMS } from '../shared/streams.js';
import { type ChangeEntry, ControllableClock, startSimulator } from '../simulator/index.js';
import { InMemoryStateStore } from '../test/support/memory-state-store.js';
import { benchClient, benchSyncOptions, silentLogger, syncOrThrow } from './bridge-wiring.js';
import { NaivePoller } from './naive-poller.js';
import { SinkRecorder } from './sink-recorder.js';

export interface NaiveResult {
  readonly intervalSeconds: number;
  readonly intervals: number;
  /** Committed changes per poll interval, all streams. */
  readonly churnPerInterval: number;
  /** Largest number of changes one stream saw in one interval. */
  readonly maxStreamChangesPerInterval: number;
  readonly changes: number;
  /** Changes left out because the record's content was back where it was at the previous poll. */
  readonly unobservable: number;
  readonly naiveLost: number;
  readonly bridgeLost: number;
  readonly naiveLostByAction: Record<string, number>;
  readonly bridgeLostByAction: Record<string, number>;
}

/** Where a record was reported: logical tick of each report. */
type Reports = Map<string, number[]>;

function lost(changes: readonly { entry: ChangeEntry; tick: number }[], reports: Reports) {
  const byAction: Record<string, number> = {};
  let total = 0;
  for (const { entry, tick } of changes) {
    const seen = reports.get(`${entry.resource}/${entry.id}`) ?? [];
    if (seen.some((t) => t >= tick)) continue;
    total += 1;
    byAction[entry.action] = (byAction[entry.action] ?? 0) + 1;
  }
  return { total, byAction };
}

export async function measureNaive(options: {
  intervals: number;
  intervalSeconds: number;
  churnPerInterval: number;
}): Promise<NaiveResult> {
  const clock = new ControllableClock();
  clock.set(Date.now());
  const sim = await startSimulator({
    seed: 5,
    patients: 2000,
    appointments: 4000,
    rateLimitPerMinute: 1_000_000,
    clock,
  });
  const setup = {
    baseUrl: sim.baseUrl,
    apiKey: sim.apiKeys[0] ?? '',
    ratePerMinute: 1_000_000,
    capacity: 1_000,
    // The simulated clock runs ahead of the real one by the simulated intervals.
    now: () => clock.now(),
  };
  const bridgeClient = benchClient(setup);
  const naiveClient = benchClient(setup);
  const inspector = benchClient(setup);
  const byName = new Map(STREAMS.map((s) => [s.name, s]));
  /** Record key → content fingerprint at the last poll ('gone' once deleted). */
  const contentAtPoll = new Map<string, string>();
  let sincePoll: { entry: ChangeEntry; tick: number }[] = [];
  let unobservable = 0;
  let tick = 0;
  const sink = new SinkRecorder(true, () => tick);
  const state = new InMemoryStateStore();
  const naive = new NaivePoller(naiveClient, STREAMS);
  const naiveReports: Reports = new Map();
  const deps = {
    cliniko: bridgeClient,
    keys: ephemeralContentKeyRing(),
    state,
    publisher: sink,
    logger: silentLogger,
    now: () => clock.now(),
  };
  const syncOptions = benchSyncOptions({ startFrom: 'now' });
  const changes: { entry: ChangeEntry; tick: number }[] = [];
  let seq = sim.changes().at(-1)?.seq ?? 0;

  const churn = (steps: number) => {
    tick += 1;
    sim.churn(steps);
    for (const entry of sim.changes(seq)) {
      sincePoll.push({ entry, tick });
      seq = entry.seq;
    }
  };
  const contentOf = async (entry: ChangeEntry): Promise<string> => {
    const stream = byName.get(entry.resource);
    if (stream === undefined) return 'unknown';
    try {
      const { record } = await inspector.get(`${stream.path}/${entry.id}`, stream.revealFilters);
      const { updated_at: _updatedAt, ...content } = record;
      return canonicalJson(content);
    } catch (error) {
      if (error instanceof ClinikoNotFoundError) return 'gone';
      throw error;
    }
  };
  const settleInterval = async () => {
    const keys = new Set(sincePoll.map((c) => `${c.entry.resource}/${c.entry.id}`));
    const unchanged = new Set<string>();
    for (const key of keys) {
      const entry = sincePoll.find((c) => `${c.entry.resource}/${c.entry.id}` === key)?.entry;
      if (entry === undefined) continue;
      const now = await contentOf(entry);
      if (contentAtPoll.get(key) === now) unchanged.add(key);
      contentAtPoll.set(key, now);
    }
    for (const change of sincePoll) {
      if (unchanged.has(`${change.entry.resource}/${change.entry.id}`)) unobservable += 1;
      else changes.push(change);
    }
    sincePoll = [];
  };
  const pollBoth = async () => {
    await settleInterval();
    tick += 1;
    for (const e of await naive.poll()) {
      const key = `${e.resource}/${e.recordId}`;
      naiveReports.set(key, [...(naiveReports.get(key) ?? []), tick]);
    }
    await syncOrThrow(deps, syncOptions);
  };

  try {
    await pollBoth(); // both start watching "now"
    const perSecond = options.churnPerInterval / options.intervalSeconds;
    let carry = 0;
    for (let second = 1; second <= options.intervals * options.intervalSeconds; second++) {
      clock.advance(1);
      carry += perSecond;
      const steps = Math.floor(carry);
      carry -= steps;
      const first = Math.floor(steps / 2);
      churn(first);
      if (second % options.intervalSeconds === 0) await pollBoth();
      churn(steps - first);
    }
    // Churn stops; both get one more poll after the /deleted feeds are due again.
    clock.advance(options.intervalSeconds + 300);
    await pollBoth();

    const bridgeReports: Reports = new Map();
    for (const a of sink.arrivals) {
      const key = `${a.resource}/${a.recordId}`;
      bridgeReports.set(key, [...(bridgeReports.get(key) ?? []), a.at]);
    }
    const perStreamInterval = new Map<string, number>();
    for (const { entry } of changes) {
      const at = Date.parse(entry.updated_at);
      const key = `${entry.resource}@${Math.floor(at / 1000 / options.intervalSeconds)}`;
      perStreamInterval.set(key, (perStreamInterval.get(key) ?? 0) + 1);
    }
    const naiveLost = lost(changes, naiveReports);
    const bridgeLost = lost(changes, bridgeReports);
    return {
      intervalSeconds: options.intervalSeconds,
      intervals: options.intervals,
      churnPerInterval: Math.round(changes.length / options.intervals),
      maxStreamChangesPerInterval: Math.max(0, ...perStreamInterval.values()),
      changes: changes.length,
      unobservable,
      naiveLost: naiveLost.total,
      bridgeLost: bridgeLost.total,
      naiveLostByAction: naiveLost.byAction,
      bridgeLostByAction: bridgeLost.byAction,
    };
  } finally {
    await bridgeClient.close();
    await naiveClient.close();
    await inspector.close();
    await sim.close();
  }
}
