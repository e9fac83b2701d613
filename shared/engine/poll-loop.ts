/**
 * The poll loop: keeps one account under its lease for a while (a Lambda invocation until shortly
 * before its timeout, the local runner until stopped) and polls each of its streams as the planner
 * (`poll-planner.ts`) says it falls due — seconds apart for the hot streams, minutes for the cold
 * ones — instead of all of them once a minute. Between rounds it sleeps; each round is the same
 * `AccountSession.round` a single run makes, so events, state and checkpoints are exactly a run's.
 * At the deadline (or on abort) it stops at a page boundary and lets the lease go: the next worker
 * takes the account over from the cursors, which lose nothing (docs/design.md, Adaptive polling).
 */
import { sleep as timerSleep } from '../backoff.js';
import { type DuePoll, type PlannerSettings, PollPlanner, plannedStreamOf } from './poll-planner.js';
import { eventTotal, type StopReason, type StreamReport, type SyncReport } from './report.js';
import { AccountSession, type SyncDeps, type SyncOptions, skippedReport } from './sync.js';

export interface PollLoopOptions extends SyncOptions {
  readonly planner: PlannerSettings;
  /**
   * Requests a minute the id listings may take (each round gets what accrued since the last, up to a
   * minute's worth); absent: `reconcileRequestsPerRun` per round, or no limit.
   */
  readonly reconcileRequestsPerMinute?: number;
}

export interface PollLoopDeps extends SyncDeps {
  /** Waits `ms` (or until `signal` aborts). @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The 429 answers the account's client has had so far: a rise lowers the planner's budget. */
  readonly rateLimitedCount?: () => number;
  /** Called after every round (progress output, metrics). */
  readonly onRound?: (round: LoopRound) => void;
}

/** One round of the loop: the polls it made and what each stream found. */
export interface LoopRound {
  readonly at: number;
  readonly polls: readonly DuePoll[];
  readonly streams: readonly StreamReport[];
  readonly stopped: StopReason;
}

/** The loop's report: rounds run and the totals per stream over all of them. */
export interface LoopReport extends SyncReport {
  readonly rounds: number;
}

/** Longest sleep between two lease checks: well inside half the lease's TTL. */
const MAX_SLEEP_FRACTION_OF_TTL = 0.25;

export async function pollLoop(deps: PollLoopDeps, options: PollLoopOptions): Promise<LoopReport> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? timerSleep;
  const startedMs = now();
  // Settings are checked before anything is taken (a ConfigError names the field).
  const planner = new PollPlanner(
    options.streams.map((stream) => plannedStreamOf(stream.definition)),
    options.planner,
    now(),
  );
  const session = await AccountSession.open(deps, options);
  if (session === undefined) return { ...skippedReport(options.account, now() - startedMs), rounds: 0 };
  const stopAt = options.deadline === undefined ? Infinity : options.deadline - options.deadlineMarginMs;
  const totals = new Map<string, StreamReport>();
  let rounds = 0;
  let stopped: StopReason = 'caught-up';
  let ok = true;
  let limited = deps.rateLimitedCount?.() ?? 0;
  const perMinute = options.reconcileRequestsPerMinute;
  let credit = perMinute ?? 0;
  let lastRound = now();

  await session.run(async () => {
    while (!options.signal?.aborted && now() < stopAt) {
      const polls = planner.due(now());
      if (polls.length === 0) {
        const wake = Math.min(
          planner.nextWake(now()),
          stopAt,
          now() + options.leaseTtlMs * MAX_SLEEP_FRACTION_OF_TTL,
        );
        await sleep(Math.max(0, wake - now()), options.signal);
        await session.keepLease();
        continue;
      }
      if (perMinute !== undefined)
        credit = Math.min(perMinute, credit + (perMinute * (now() - lastRound)) / 60_000);
      lastRound = now();
      const round =
        perMinute === undefined ? await session.round(polls) : await session.round(polls, Math.floor(credit));
      credit -= round.reconcileRequests;
      rounds += 1;
      const at = now();
      recordRound(planner, polls, round.streams, at);
      for (const report of round.streams)
        totals.set(report.stream, addReports(totals.get(report.stream), report));
      const seen = deps.rateLimitedCount?.() ?? 0;
      if (seen > limited || round.stopped === 'rate-limited') planner.rateLimited(at);
      limited = seen;
      ok &&= round.ok;
      await session.keepLease();
      deps.onRound?.({ at, polls, streams: round.streams, stopped: round.stopped });
      if (round.stopped === 'deadline' || round.stopped === 'aborted') {
        stopped = round.stopped;
        break;
      }
    }
    if (stopped === 'caught-up') stopped = options.signal?.aborted ? 'aborted' : 'deadline';
  });
  return {
    account: options.account,
    stopped,
    ok,
    durationMs: now() - startedMs,
    streams: options.streams.flatMap((stream) => totals.get(stream.definition.name) ?? []),
    rounds,
  };
}

/** Tells the planner what each stream of a round found. */
export function recordRound(
  planner: PollPlanner,
  polls: readonly DuePoll[],
  reports: readonly StreamReport[],
  at: number,
): void {
  for (const report of reports) {
    const poll = polls.find((p) => p.stream === report.stream);
    if (poll === undefined) continue;
    const outcome = {
      events: eventTotal(report),
      requests: report.requests,
      // Cut short by the deadline, the rate limit or a stop: due again at once. A stream that failed
      // (a refused permission, an outage) backs off like an empty one instead of being retried hot.
      caughtUp: report.stopped === 'caught-up' || report.stopped === 'failed',
    };
    planner.record(report.stream, poll, outcome, at);
  }
}

/** The report of a stream over several rounds: counts added, the latest cursor fields kept. */
function addReports(total: StreamReport | undefined, next: StreamReport): StreamReport {
  if (total === undefined) return { ...next, events: { ...next.events } };
  const events = { ...total.events };
  for (const [action, count] of Object.entries(next.events)) {
    events[action as keyof typeof events] = (events[action as keyof typeof events] ?? 0) + (count ?? 0);
  }
  return {
    ...next,
    requests: total.requests + next.requests,
    pages: total.pages + next.pages,
    records: total.records + next.records,
    events,
    // A failure in any round stays visible.
    ...(next.error === undefined && total.error !== undefined
      ? { error: total.error, stopped: 'failed' }
      : {}),
  };
}
