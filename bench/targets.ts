import type { AdaptiveLatencyResult } from './adaptive-latency.js';
import type { AdaptiveIdleCost } from './cost-model.js';
import type { FleetResult } from './fleet.js';
import type { FleetCost } from './fleet-cost.js';
/**
 * The targets users can count on, checked against a results document, and the table printed at
 * the end of a run (target vs measured, PASS / MISS, or INFO where there is no target).
 */

export interface Row {
  readonly measure: string;
  readonly target: string;
  readonly measured: string;
  readonly verdict: 'PASS' | 'MISS' | 'INFO';
}

export interface Summary {
  readonly engine: { readonly overheadRatio: number; readonly rereadRatio: number };
  readonly backfill: {
    readonly utilization: number;
    readonly recordsPerRequest: number;
    readonly status429: number;
    readonly durationSeconds: number;
  };
  readonly idle: {
    readonly requestsPerStreamPerPoll: number;
    readonly requestsPerStreamPerPollAverage: number;
    readonly dynamoWritesPerStreamPerPoll: number;
    readonly putEventsPerPoll: number;
  };
  readonly latency: {
    readonly p50Seconds: number;
    readonly p95Seconds: number;
    readonly intervalSeconds: number;
  };
  readonly memory: {
    readonly rss10kMb: number;
    readonly rss100kMb: number;
    readonly ratio: number;
    readonly smallRecords: number;
    readonly largeRecords: number;
  };
  readonly naive: {
    readonly churnPerInterval: number;
    readonly naiveLost: number;
    readonly bridgeLost: number;
    readonly changes: number;
  };
  readonly cost: CostFigures & { readonly allStreams: CostFigures };
}

interface CostFigures {
  readonly usdPerMillionEvents: number;
  readonly idleUsdPerAccountMonth: number;
}

const verdict = (ok: boolean): Row['verdict'] => (ok ? 'PASS' : 'MISS');
const fixed = (value: number, digits = 2) => value.toFixed(digits);

export function rows(s: Summary): Row[] {
  const k = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  return [
    {
      measure: 'engine CPU / JSON parse+serialize (backfill)',
      target: '≤ 3×',
      measured: `${fixed(s.engine.overheadRatio)}×`,
      verdict: verdict(s.engine.overheadRatio <= 3),
    },
    {
      measure: 'engine CPU / JSON (unchanged re-read)',
      target: '—',
      measured: `${fixed(s.engine.rereadRatio)}×`,
      verdict: 'INFO',
    },
    {
      measure: 'backfill: rate-limit utilization',
      target: '≥ 0.90',
      measured: `${fixed(s.backfill.utilization, 3)} over ${Math.round(s.backfill.durationSeconds)} s`,
      verdict: verdict(s.backfill.utilization >= 0.9),
    },
    {
      measure: 'backfill: 429 responses',
      target: '0',
      measured: String(s.backfill.status429),
      verdict: verdict(s.backfill.status429 === 0),
    },
    {
      measure: 'backfill: records per request',
      target: '≥ 95',
      measured: fixed(s.backfill.recordsPerRequest, 1),
      verdict: verdict(s.backfill.recordsPerRequest >= 95),
    },
    {
      measure: 'idle: API requests per stream per poll',
      target: '1',
      measured: `${fixed(s.idle.requestsPerStreamPerPoll, 2)} (avg ${fixed(s.idle.requestsPerStreamPerPollAverage, 2)} with 5-min /deleted reads)`,
      verdict: verdict(s.idle.requestsPerStreamPerPoll === 1),
    },
    {
      measure: 'idle: DynamoDB writes per stream per poll',
      target: '—',
      measured: fixed(s.idle.dynamoWritesPerStreamPerPoll, 2),
      verdict: 'INFO',
    },
    {
      measure: 'idle: PutEvents per poll',
      target: '0',
      measured: fixed(s.idle.putEventsPerPoll, 2),
      verdict: verdict(s.idle.putEventsPerPoll === 0),
    },
    {
      measure: `latency p50 / p95 (poll every ${s.latency.intervalSeconds} s)`,
      target: '—',
      measured: `${fixed(s.latency.p50Seconds, 1)} s / ${fixed(s.latency.p95Seconds, 1)} s`,
      verdict: 'INFO',
    },
    {
      measure: `memory: peak RSS ${k(s.memory.smallRecords)} / ${k(s.memory.largeRecords)} backfill`,
      target: 'ratio ≤ 1.3',
      measured: `${fixed(s.memory.rss10kMb, 0)} MB / ${fixed(s.memory.rss100kMb, 0)} MB = ${fixed(s.memory.ratio)}`,
      verdict: verdict(s.memory.ratio <= 1.3),
    },
    {
      measure: `naive peer: lost of ${s.naive.changes} changes (${s.naive.churnPerInterval}/interval)`,
      target: 'bridge 0, naive > 0',
      measured: `bridge ${s.naive.bridgeLost}, naive ${s.naive.naiveLost}`,
      verdict: verdict(s.naive.bridgeLost === 0 && s.naive.naiveLost > 0),
    },
    ...costRows(s.cost),
  ];
}

/** The cost model's rows (benchmark 7): the default streams, and every stream. */
export function costRows(cost: Summary['cost']): Row[] {
  return [
    {
      measure: 'AWS cost per million events (default streams)',
      target: '≤ $3.00',
      measured: `$${fixed(cost.usdPerMillionEvents)} (idle $${fixed(cost.idleUsdPerAccountMonth)}/account/month)`,
      verdict: verdict(cost.usdPerMillionEvents <= 3),
    },
    {
      measure: 'AWS cost per million events (every stream)',
      target: '≤ $3.00',
      measured: `$${fixed(cost.allStreams.usdPerMillionEvents)}`,
      verdict: verdict(cost.allStreams.usdPerMillionEvents <= 3),
    },
  ];
}

/** The fleet benchmark's rows (benchmark 8). */
export function fleetRows(fleet: FleetResult, cost: FleetCost): Row[] {
  const target = fleet.intervalSeconds + 15;
  return [
    {
      measure: `fleet: lag p95, ${fleet.accounts} accounts every ${fleet.intervalSeconds} s`,
      target: `≤ ${target} s`,
      measured: `${fixed(fleet.lagP95Seconds, 1)} s (p50 ${fixed(fleet.lagP50Seconds, 1)} s, ${fleet.measured} changes, ${fleet.undetected} undetected)`,
      verdict: verdict(fleet.lagP95Seconds <= target && fleet.undetected === 0),
    },
    {
      measure: 'fleet: accounts polled in every interval',
      target: `all ${fleet.accounts}`,
      measured: `${fleet.accountsPolledEveryInterval} over ${fleet.intervals} intervals (longest gap ${fixed(fleet.worstGapSeconds, 1)} s)`,
      verdict: verdict(fleet.accountsPolledEveryInterval === fleet.accounts),
    },
    {
      measure: 'fleet: CPU per account poll / peak RSS',
      target: '—',
      measured: `${fixed(fleet.cpuSecondsPerAccountPoll * 1000, 1)} ms / ${fleet.peakRssMb} MB`,
      verdict: 'INFO',
    },
    {
      measure: `cost per account-month at ${cost.accounts} accounts (no per-event costs)`,
      target: '≤ $1.00',
      measured: `$${fixed(cost.usdPerAccountMonth)} ($${fixed(cost.usdPerAccountMonthWithSsmKeys)} with SSM keys)`,
      verdict: verdict(cost.usdPerAccountMonth <= 1),
    },
  ];
}

/** The adaptive loop's rows (benchmark 9): latency as a user sees it, and what it spends. */
export function adaptiveRows(a: AdaptiveLatencyResult, cost: AdaptiveIdleCost): Row[] {
  const silence = a.silenceSeconds >= 3600 ? `${a.silenceSeconds / 3600} h` : `${a.silenceSeconds} s`;
  return [
    {
      measure: `adaptive: hot-stream latency p50 (${a.hot.samples} changes, ${a.undetected} undetected)`,
      target: '≤ 7 s',
      measured: `${fixed(a.hot.p50Seconds, 1)} s`,
      verdict: verdict(a.hot.p50Seconds <= 7 && a.undetected === 0),
    },
    {
      measure: 'adaptive: hot-stream latency p95',
      target: '≤ 12 s (moonshot ≤ 8 s)',
      measured: `${fixed(a.hot.p95Seconds, 1)} s`,
      verdict: verdict(a.hot.p95Seconds <= 12),
    },
    {
      measure: `adaptive: cold-stream latency p95 (${a.cold.samples} changes; warm p95 ${fixed(a.warm.p95Seconds, 1)} s)`,
      target: '≤ 150 s',
      measured: `${fixed(a.cold.p95Seconds, 1)} s`,
      verdict: verdict(a.cold.p95Seconds <= 150),
    },
    {
      measure: `adaptive: first change after ${silence} of silence, p95 (${a.firstChangeAfterIdleSamples} accounts)`,
      target: '≤ 15 s',
      measured: `${fixed(a.firstChangeAfterIdleP95Seconds, 1)} s`,
      verdict: verdict(a.firstChangeAfterIdleP95Seconds <= 15),
    },
    {
      measure: 'adaptive: requests a minute, busy / idle account',
      target: '≤ 50 / ≤ 30',
      measured: `${fixed(a.requestsPerMinute, 1)} / ${fixed(a.idleRequestsPerMinute, 1)}`,
      verdict: verdict(a.requestsPerMinute <= 50 && a.idleRequestsPerMinute <= 30),
    },
    {
      measure: 'adaptive: DynamoDB writes per stream poll, idle',
      target: '≤ 0.2',
      measured: fixed(a.idleDynamoWritesPerStreamPerPoll, 3),
      verdict: verdict(a.idleDynamoWritesPerStreamPerPoll <= 0.2),
    },
    {
      measure: 'adaptive: HTTP 429 answers',
      target: '0',
      measured: String(a.status429),
      verdict: verdict(a.status429 === 0),
    },
    {
      measure: `adaptive: idle account-month (${cost.accountsPerInvocation} accounts per invocation, ${cost.lambdaMemoryMb} MB)`,
      target: '—',
      measured: `$${fixed(cost.usdPerIdleAccountMonth)} (Lambda $${fixed(cost.breakdown.lambdaCompute)})`,
      verdict: 'INFO',
    },
  ];
}

/** A Markdown table (readable in a terminal and pasteable into the README). */
export function table(list: readonly Row[]): string {
  const head: Row = { measure: 'Measure', target: 'Target', measured: 'Measured', verdict: 'INFO' };
  const cells = (r: Row, v: string) => [r.measure, r.target, r.measured, v];
  const all = [cells(head, 'Result'), ...list.map((r) => cells(r, r.verdict))];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...all.map((c) => [...(c[i] ?? '')].length)));
  const line = (c: string[]) =>
    `| ${c.map((v, i) => v + ' '.repeat((widths[i] ?? 0) - [...v].length)).join(' | ')} |`;
  const [first, ...rest] = all;
  return [line(first ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rest.map(line)].join(
    '\n',
  );
}
