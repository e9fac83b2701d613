/**
 * Benchmark 9, latency as a user sees it: the deployed adaptive loop (`pollLoop` with the planner,
 * as `AccountWorker` runs it with `polling.mode: adaptive`) against a simulated clinic, in real
 * time, at the simulator's real rate limit (200/min per key), with the production client budget and
 * dynalite behind the real `DynamoDbStateStore`. Every account polls the default (`core`) streams.
 *
 * - One busy account takes realistic churn: bursts and lulls of opening hours, mostly appointments
 *   (new, rescheduled) and attendees, some patients, invoices and notes, rare reference data —
 *   each change written through the simulator's backdoor, so it costs the account's key nothing.
 * - The other accounts stay silent for `silenceSeconds`; then each gets one appointment at a random
 *   moment of the next minute: the first change after the silence.
 *
 * Each loop runs as a Lambda invocation would (`deadline` = 15 minutes, stopping 30 s before it) and
 * the next one takes the account over at once with a new planner, as the worker's hand-on does.
 * Latency = when the event reached the sink − when the backdoor write returned.
 */

import { setMaxListeners } from 'node:events';
import type { ClinikoClient } from '../shared/cliniko/client.js';
import {
  type BridgeConfig,
  parseBridgeConfig,
  pollLoopOptionsFor,
  syncOptionsFor,
} from '../shared/config/index.js';
import { ephemeralContentKeyRing } from '../shared/engine/content-key.js';
import { pollLoop } from '../shared/engine/poll-loop.js';
import { DEFAULT_PLANNER_SETTINGS, type PollTier } from '../shared/engine/poll-planner.js';
import { toIsoSecond } from '../shared/engine/timestamp.js';
import { startSimulator } from '../simulator/index.js';
import { BENCH_USER_AGENT, benchClient, localState, silentLogger } from './bridge-wiring.js';
import { CountingStateStore } from './counting-state-store.js';
import { SinkRecorder } from './sink-recorder.js';
import { percentile } from './statistics.js';

export interface AdaptiveLatencyOptions {
  /** How long the busy account takes churn. */
  readonly churnSeconds: number;
  /** Changes a minute in a burst and in a lull; bursts and lulls alternate every `phaseSeconds`. */
  readonly burstPerMinute: number;
  readonly lullPerMinute: number;
  readonly phaseSeconds: number;
  /** Silence before the quiet accounts' first change (an hour in the full run). */
  readonly silenceSeconds: number;
  /** Quiet accounts: one first-change sample each. */
  readonly quietAccounts: number;
  /** A Lambda invocation's timeout: each loop stops 30 s before it. */
  readonly invocationSeconds: number;
}

export interface AdaptiveLatencyResult {
  readonly streams: string;
  readonly churnSeconds: number;
  readonly silenceSeconds: number;
  readonly changes: number;
  readonly undetected: number;
  readonly hot: { readonly p50Seconds: number; readonly p95Seconds: number; readonly samples: number };
  readonly warm: { readonly p95Seconds: number; readonly samples: number };
  readonly cold: { readonly p95Seconds: number; readonly samples: number };
  readonly firstChangeAfterIdleP95Seconds: number;
  readonly firstChangeAfterIdleSamples: number;
  /** Requests a minute of the busy account while it took churn. */
  readonly requestsPerMinute: number;
  /** Requests a minute of a quiet account during its silence (its first minute left out). */
  readonly idleRequestsPerMinute: number;
  readonly status429: number;
  /** DynamoDB writes (items) per stream poll of the quiet accounts during their silence. */
  readonly idleDynamoWritesPerStreamPerPoll: number;
  /** Per quiet account and minute of silence: writes and read units, for the cost model. */
  readonly idlePerAccountMinute: { readonly writes: number; readonly wru: number; readonly rru: number };
  readonly invocationSeconds: number;
}

/** The changes of a clinic's day, by weight: [resource, kind, weight]. */
const MIX: readonly (readonly [string, 'create' | 'reschedule' | 'arrive', number])[] = [
  ['individual_appointments', 'create', 30],
  ['individual_appointments', 'reschedule', 15],
  ['individual_appointments', 'arrive', 15],
  ['attendees', 'create', 10],
  ['patients', 'create', 8],
  ['invoices', 'create', 8],
  ['treatment_notes', 'create', 8],
  ['medical_alerts', 'create', 2],
  ['contacts', 'create', 2],
  ['appointment_types', 'create', 1],
  ['businesses', 'create', 1],
];

interface Commit {
  readonly account: string;
  readonly resource: string;
  readonly id: string;
  readonly at: number;
  readonly quiet: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A seeded generator, so two runs make the same changes in the same order. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function measureAdaptiveLatency(
  options: AdaptiveLatencyOptions,
): Promise<AdaptiveLatencyResult> {
  const sim = await startSimulator({
    seed: 11,
    accounts: 1 + options.quietAccounts,
    patients: 300,
    appointments: 600,
  });
  const local = await localState();
  const busyState = new CountingStateStore(local.store);
  const quietState = new CountingStateStore(local.store);
  const sink = new SinkRecorder(true);
  const keys = ephemeralContentKeyRing();
  const config: BridgeConfig = parseBridgeConfig({
    accounts: sim.accounts.map((a) => ({ id: a.id, apiKeySecret: `cliniko/${a.id}` })),
    userAgent: BENCH_USER_AGENT,
    startFrom: 'now',
    polling: { mode: 'adaptive' },
  });
  const stop = new AbortController();
  // Every account's loop sleeps on it.
  setMaxListeners(options.quietAccounts + 10, stop.signal);
  const clients: ClinikoClient[] = [];
  const streamPolls = { quiet: 0 };
  const rand = random(7);
  const commits: Commit[] = [];

  const write = async (account: string, resource: string, body: unknown, id?: string): Promise<string> => {
    const path = `${sim.origin}/__sim/records/${resource}${id ? `/${id}` : ''}?account=${account}`;
    const response = await fetch(path, {
      method: id ? 'PATCH' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`backdoor ${resource}: HTTP ${response.status} ${await response.text()}`);
    return String(((await response.json()) as { id: unknown }).id);
  };

  /** Loops over an account as back-to-back invocations until the benchmark stops. */
  const keepPolling = async (account: string, quiet: boolean) => {
    const client = benchClient({
      baseUrl: sim.baseUrl,
      apiKey: sim.accounts.find((a) => a.id === account)?.apiKey ?? '',
    });
    clients.push(client);
    while (!stop.signal.aborted) {
      const sync = syncOptionsFor(config, account, {
        deadline: Date.now() + options.invocationSeconds * 1000,
        signal: stop.signal,
      });
      await pollLoop(
        {
          cliniko: client,
          keys,
          state: quiet ? quietState : busyState,
          publisher: sink,
          logger: silentLogger,
          rateLimitedCount: () => client.stats.rateLimited,
          onRound: (round) => {
            if (quiet && inSilence()) streamPolls.quiet += round.polls.length;
          },
        },
        pollLoopOptionsFor(config, sync),
      );
    }
  };

  const busyId = sim.accounts[0]?.id ?? '';
  const quietIds = sim.accounts.slice(1).map((a) => a.id);
  const started = Date.now();
  // The quiet accounts' silence is measured from their second minute (the first polls establish cursors).
  const silenceFrom = started + 60_000;
  const silenceUntil = started + options.silenceSeconds * 1000;
  const inSilence = () => Date.now() >= silenceFrom && Date.now() < silenceUntil;
  const loops = [keepPolling(busyId, false), ...quietIds.map((id) => keepPolling(id, true))];

  const appointments: string[] = [];
  const arrived = new Set<string>();
  let reschedules = 0;
  try {
    // Let the first rounds establish every cursor before anything changes.
    await sleep(15_000);
    const quietRequestsNow = (): number =>
      clients.slice(1).reduce((sum, client) => sum + client.stats.requests, 0);
    let quietRequestsFrom: number | undefined;
    let busy: { readonly minutes: number; readonly requests: number } | undefined;
    const busyRequestsFrom = clients[0]?.stats.requests ?? 0;
    const churnStarted = Date.now();
    const churnEnd = churnStarted + options.churnSeconds * 1000;
    const total = MIX.reduce((sum, [, , weight]) => sum + weight, 0);
    // Churn for the busy account, while the quiet ones sit still.
    while (Date.now() < Math.max(churnEnd, silenceUntil)) {
      if (quietRequestsFrom === undefined && Date.now() >= silenceFrom) {
        quietState.take();
        quietRequestsFrom = quietRequestsNow();
      }
      if (Date.now() >= churnEnd) {
        busy ??= {
          minutes: (Date.now() - churnStarted) / 60_000,
          requests: (clients[0]?.stats.requests ?? 0) - busyRequestsFrom,
        };
        await sleep(Math.min(1000, Math.max(0, silenceUntil - Date.now())));
        continue;
      }
      const burst = Math.floor((Date.now() - churnStarted) / (options.phaseSeconds * 1000)) % 2 === 0;
      const perMinute = burst ? options.burstPerMinute : options.lullPerMinute;
      // Exponential gaps: changes arrive as a Poisson process at this phase's rate.
      await sleep(Math.min((-Math.log(1 - rand()) / perMinute) * 60_000, Math.max(0, churnEnd - Date.now())));
      if (Date.now() >= churnEnd) continue;
      let pick = rand() * total;
      const [resource, kind] = MIX.find(([, , weight]) => {
        pick -= weight;
        return pick < 0;
      }) ?? ['patients', 'create'];
      // Every write changes something: a reschedule to a time the appointment never had, an
      // arrival of an appointment not yet arrived (a repeated one would change nothing to report).
      const candidates = kind === 'arrive' ? appointments.filter((a) => !arrived.has(a)) : appointments;
      const existing = candidates[Math.floor(rand() * candidates.length)];
      let id: string;
      if (kind === 'create' || existing === undefined) {
        // Not yet arrived: the simulator makes about 44% of new appointments arrived already, and
        // marking one of those arrived would be a write that changes nothing.
        id = await write(
          busyId,
          resource,
          resource === 'individual_appointments' ? { patient_arrived: false } : {},
        );
        if (resource === 'individual_appointments') appointments.push(id);
      } else if (kind === 'reschedule') {
        reschedules += 1;
        const at = Date.now() + 86_400_000 + reschedules * 900_000;
        id = await write(busyId, resource, { set: { starts_at: toIsoSecond(at) } }, existing);
      } else {
        arrived.add(existing);
        id = await write(busyId, resource, { set: { patient_arrived: true } }, existing);
      }
      commits.push({ account: busyId, resource, id, at: Date.now(), quiet: false });
    }
    busy ??= {
      minutes: (Date.now() - churnStarted) / 60_000,
      requests: (clients[0]?.stats.requests ?? 0) - busyRequestsFrom,
    };
    const idleTraffic = quietState.take();
    const idleRequests = quietRequestsNow() - (quietRequestsFrom ?? 0);
    const silenceMinutes = (silenceUntil - silenceFrom) / 60_000;
    // The first change after the silence, at a random moment of the next minute in each quiet account.
    await Promise.all(
      quietIds.map(async (account) => {
        await sleep(rand() * 60_000);
        const id = await write(account, 'individual_appointments', {});
        commits.push({ account, resource: 'individual_appointments', id, at: Date.now(), quiet: true });
      }),
    );
    // Long enough for the slowest (cold) stream to come round.
    await sleep(DEFAULT_PLANNER_SETTINGS.tiers.cold.ceilingSeconds * 1000 + 15_000);
    stop.abort();
    await Promise.all(loops);

    const tierOf = (resource: string): PollTier => DEFAULT_PLANNER_SETTINGS.streamTiers[resource] ?? 'cold';
    const byTier: Record<PollTier | 'idle', number[]> = { hot: [], warm: [], cold: [], idle: [] };
    let undetected = 0;
    for (const c of commits) {
      const key = `${c.account}/${c.resource}/${c.id}`;
      // A record changed twice: its later change is matched by an arrival after it.
      const at = [...sink.arrivals]
        .filter((a) => `${a.account}/${a.resource}/${a.recordId}` === key && a.at >= c.at)
        .reduce((min, a) => Math.min(min, a.at), Infinity);
      if (!Number.isFinite(at)) {
        undetected += 1;
        continue;
      }
      (c.quiet ? byTier.idle : byTier[tierOf(c.resource)]).push((at - c.at) / 1000);
    }
    const round = (v: number) => Math.round(v * 100) / 100;
    const stat = (values: number[], p: number) =>
      values.length === 0 ? Number.NaN : round(percentile(values, p));
    const quietCount = Math.max(1, quietIds.length);
    const idleWrites = idleTraffic.writes.cursor + idleTraffic.writes.records + idleTraffic.writes.lease;
    return {
      streams: 'core',
      churnSeconds: options.churnSeconds,
      silenceSeconds: options.silenceSeconds,
      changes: commits.length,
      undetected,
      hot: { p50Seconds: stat(byTier.hot, 50), p95Seconds: stat(byTier.hot, 95), samples: byTier.hot.length },
      warm: { p95Seconds: stat(byTier.warm, 95), samples: byTier.warm.length },
      cold: { p95Seconds: stat(byTier.cold, 95), samples: byTier.cold.length },
      firstChangeAfterIdleP95Seconds: stat(byTier.idle, 95),
      firstChangeAfterIdleSamples: byTier.idle.length,
      requestsPerMinute: round(busy.requests / busy.minutes),
      idleRequestsPerMinute: round(idleRequests / silenceMinutes / quietCount),
      status429: clients.reduce((sum, client) => sum + client.stats.rateLimited, 0),
      idleDynamoWritesPerStreamPerPoll: round(idleWrites / Math.max(1, streamPolls.quiet)),
      idlePerAccountMinute: {
        writes: round(idleWrites / silenceMinutes / quietCount),
        wru: round(idleTraffic.wru / silenceMinutes / quietCount),
        rru: round(idleTraffic.rru / silenceMinutes / quietCount),
      },
      invocationSeconds: options.invocationSeconds,
    };
  } finally {
    stop.abort();
    await Promise.allSettled(loops);
    await Promise.all(clients.map((client) => client.close()));
    await local.close();
    await sim.close();
  }
}
