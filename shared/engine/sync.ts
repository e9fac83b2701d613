/**
 * The sync use case: one run over one Cliniko account, called by the Lambda poller and by the CLI
 * alike. It takes the account's lease, then walks every stream one page at a time in round-robin
 * (so a long backfill of one stream cannot starve the others before a deadline), checkpointing
 * after every page, until all streams are caught up, the deadline (minus a margin) is near, or the
 * caller aborts. Stopping always happens at a page boundary with everything before it saved
 * (docs/design.md, Architecture; Stream sync phases).
 */
import { randomUUID } from 'node:crypto';
import { ClinikoRateLimitedError, effectOf, errorSummaryOf } from '../errors.js';
import type { EventOptions } from '../events/build.js';
import type { StreamDefinition } from '../streams.js';
import type { ContentKeyRing } from './content-key.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { StreamRun } from './observations.js';
import type { AccountRunStatus, ClinikoReader, EventPublisher, Logger, StateStore } from './ports.js';
import {
  emptyStreamReport,
  eventTotal,
  type StopReason,
  type StreamReport,
  type SyncReport,
} from './report.js';
import { type StartFrom, StreamSync } from './stream-sync.js';

export interface SyncOptions {
  /** The configured Cliniko account id (the `account` of events and state keys). */
  readonly account: string;
  /** The streams of the run, each with the settings of its events. */
  readonly streams: readonly StreamSettings[];
  /** Where a stream without a cursor starts; ignored once the stream has one. */
  readonly startFrom: StartFrom;
  /** How far before the watermark each pass starts, so late commits are re-read. */
  readonly overlapSeconds: number;
  /** How far behind server time the watermark stays. */
  readonly settleSeconds: number;
  /** How often the `/deleted` feeds are read (not every poll: idle polls cost one request per stream). */
  readonly deletedFeedIntervalSeconds: number;
  /** How often the full id listing runs; `null` turns reconciliation off. */
  readonly reconcileIntervalSeconds: number | null;
  /**
   * Requests the id listings of all streams may make in this run together (a listing that needs
   * more resumes in the next run); absent: no limit. Keeps reconciliation from starving change polls.
   */
  readonly reconcileRequestsPerRun?: number;
  /** Records per request (1..100); smaller pages only make sense in tests. @default 100 */
  readonly pageSize?: number;
  readonly leaseTtlMs: number;
  /** Epoch ms by which the run must have returned (e.g. the Lambda's deadline). */
  readonly deadline?: number;
  /** No new page is started later than `deadline - deadlineMarginMs`. */
  readonly deadlineMarginMs: number;
  /** Aborting finishes the current page, checkpoints and stops. */
  readonly signal?: AbortSignal;
}

/**
 * One stream of a run with the settings of its events, which may differ from stream to stream: one
 * run (one lease) serves streams configured with different payload settings.
 */
export interface StreamSettings {
  readonly definition: StreamDefinition;
  readonly event: EventOptions;
  /** Keep each published version in the record state so events can carry `changes.previous`. */
  readonly storeSnapshots: boolean;
}

/** `definitions`, each with the same event settings (tests, benchmarks, one-payload runs). */
export function withSettings(
  definitions: readonly StreamDefinition[],
  event: EventOptions,
  storeSnapshots = false,
): StreamSettings[] {
  return definitions.map((definition) => ({ definition, event, storeSnapshots }));
}

export interface SyncDeps {
  readonly cliniko: ClinikoReader;
  /** The deployment's content keys (fingerprints and field hashes are keyed with them). */
  readonly keys: ContentKeyRing;
  readonly state: StateStore;
  readonly publisher: EventPublisher;
  readonly logger: Logger;
  /** Local clock (epoch ms) for the lease, the deadline and `observedAt`; cursors use server time. */
  readonly now?: () => number;
  /** Lease owner id; a random one per run by default. */
  readonly owner?: string;
}

/** Defaults for the timing options; callers spread these and override. */
export const DEFAULT_SYNC_TIMING = Object.freeze({
  overlapSeconds: 60,
  settleSeconds: 10,
  deletedFeedIntervalSeconds: 300,
  reconcileIntervalSeconds: 86_400,
  leaseTtlMs: 120_000,
  deadlineMarginMs: 30_000,
});

interface Task {
  readonly sync: StreamSync;
  readonly report: StreamReport;
  failed: boolean;
}

export async function syncAccount(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const now = deps.now ?? Date.now;
  const startedMs = now();
  const session = await AccountSession.open(deps, options);
  if (session === undefined) return skippedReport(options.account, now() - startedMs);
  const round = await session.run(async () => session.round());
  const durationMs = now() - startedMs;
  deps.logger.info('sync run finished', {
    account: options.account,
    stopped: round.stopped,
    durationMs,
    streams: round.streams.length,
    events: round.streams.reduce((sum, report) => sum + eventTotal(report), 0),
  });
  return {
    account: options.account,
    stopped: round.stopped,
    ok: round.ok,
    durationMs,
    streams: round.streams,
  };
}

/** One stream's part of a run under `lease`: where its state and events go, with its own settings. */
export function streamRunOf(
  deps: SyncDeps,
  account: string,
  settings: StreamSettings,
  lease: LeaseKeeper,
  now: () => number,
): StreamRun {
  const stream = settings.definition;
  return {
    account,
    stream,
    state: deps.state,
    publisher: deps.publisher,
    lease,
    keys: deps.keys,
    event: settings.event,
    storeSnapshots: settings.storeSnapshots,
    now,
    report: emptyStreamReport(stream.name),
  };
}

/** A run that did nothing because another poller holds the account's lease. */
export function skippedReport(account: string, durationMs: number): SyncReport {
  return { account, skipped: 'lease-held', stopped: 'lease-held', ok: true, durationMs, streams: [] };
}

/** What one round over some or all of an account's streams did. */
export interface RoundReport {
  readonly stopped: StopReason;
  /** False when any stream of the round failed. */
  readonly ok: boolean;
  /** One per stream polled in the round, in the order of `options.streams`. */
  readonly streams: readonly StreamReport[];
  /** Requests the id listings took (counted only under a reconciliation budget). */
  readonly reconcileRequests: number;
}

/**
 * An account held under its lease for one or more rounds: `syncAccount` runs one round over every
 * stream; the poll loop (`poll-loop.ts`) runs a round over the streams its planner says are due,
 * again and again, keeping each stream's cursor in memory between rounds.
 */
export class AccountSession {
  private status: AccountRunStatus;

  private constructor(
    private readonly deps: SyncDeps,
    private readonly options: SyncOptions,
    private readonly lease: LeaseKeeper,
    private readonly tasks: ReadonlyMap<string, Task>,
    private readonly reconcileBudget: { left: number } | undefined,
    private readonly now: () => number,
  ) {
    // Kept with the lease: `failed` unless a round gets to its end.
    this.status = { at: new Date(now()).toISOString(), outcome: 'failed', lagSeconds: null };
  }

  /** Takes the account's lease; `undefined` (logged) when another poller holds it. */
  static async open(deps: SyncDeps, options: SyncOptions): Promise<AccountSession | undefined> {
    const now = deps.now ?? Date.now;
    const { account } = options;
    const owner = deps.owner ?? `poller-${randomUUID()}`;
    const lease = await LeaseKeeper.acquire(deps.state, account, owner, options.leaseTtlMs, now);
    if (lease === undefined) {
      deps.logger.info('another poller holds the account lease; skipping this run', { account });
      return undefined;
    }
    // Reconciliation requests of a round, shared by its streams; refilled by every round.
    const reconcileBudget =
      options.reconcileRequestsPerRun === undefined ? undefined : { left: options.reconcileRequestsPerRun };
    const settings = reconcileBudget === undefined ? options : { ...options, reconcileBudget };
    const tasks = new Map<string, Task>();
    for (const stream of options.streams) {
      const run = streamRunOf(deps, account, stream, lease, now);
      const sync = new StreamSync(run, deps.cliniko, deps.logger, settings);
      tasks.set(stream.definition.name, { sync, report: run.report, failed: false });
    }
    return new AccountSession(deps, options, lease, tasks, reconcileBudget, now);
  }

  /**
   * Runs `work` and then lets the account go, with the status of the last round that finished (or
   * `failed`, logged, when `work` throws).
   */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const startedMs = this.now();
    try {
      return await work();
    } catch (error) {
      this.deps.logger.error('sync run failed; cursors stay at their last checkpoints', {
        account: this.options.account,
        error: errorSummaryOf(error).name,
        durationMs: this.now() - startedMs,
      });
      this.status = { ...this.status, outcome: 'failed' };
      throw error;
    } finally {
      await this.lease.release(this.deps.logger, this.status);
    }
  }

  /**
   * Renews the lease when half its TTL has passed (between rounds of a loop), with the status of the
   * last round, so the fleet sees a looping account's progress (`lastSuccessAt`, lag) as it goes.
   */
  keepLease(): Promise<void> {
    return this.lease.keep(this.status);
  }

  /**
   * One round over the given streams (all of them by default), each with or without its lifecycle
   * passes: every stream walked one page at a time in round-robin until each is caught up, the
   * deadline is near or the caller aborts; then the deferred cursors are written.
   */
  async round(
    polls: readonly { readonly stream: string; readonly lifecycle: boolean }[] = this.options.streams.map(
      (stream) => ({ stream: stream.definition.name, lifecycle: true }),
    ),
    /** The id listings' requests for this round (when they have a budget). @default reconcileRequestsPerRun */
    reconcileRequests: number = this.options.reconcileRequestsPerRun ?? 0,
  ): Promise<RoundReport> {
    const budget = this.reconcileBudget;
    if (budget !== undefined) budget.left = reconcileRequests;
    const selected: Task[] = [];
    for (const { stream, lifecycle } of polls) {
      const task = this.tasks.get(stream);
      if (task === undefined) continue;
      task.sync.restart({ lifecycle });
      task.failed = false;
      selected.push(task);
    }
    const interrupted = await this.walk(selected);
    // Cursors deferred during the round (see `StreamSync.flush`) are written before it ends.
    for (const task of selected) await task.sync.flush();
    for (const task of selected) task.sync.finish();
    this.status = runStatus(selected, interrupted, this.now());
    for (const task of selected) {
      task.report.stopped = task.failed
        ? 'failed'
        : task.sync.done
          ? 'caught-up'
          : (interrupted ?? 'caught-up');
      logStream(this.deps.logger, this.options.account, task.report);
    }
    const ok = selected.every((task) => !task.failed);
    const ordered = this.options.streams.flatMap((stream) => {
      const task = this.tasks.get(stream.definition.name);
      return task !== undefined && selected.includes(task) ? [task.report] : [];
    });
    return {
      stopped: interrupted ?? (ok ? 'caught-up' : 'failed'),
      ok,
      streams: ordered,
      reconcileRequests: budget === undefined ? 0 : reconcileRequests - budget.left,
    };
  }

  private interruption(): StopReason | undefined {
    const { signal, deadline, deadlineMarginMs } = this.options;
    if (signal?.aborted) return 'aborted';
    if (deadline !== undefined && this.now() >= deadline - deadlineMarginMs) return 'deadline';
    return undefined;
  }

  private async walk(tasks: readonly Task[]): Promise<StopReason | undefined> {
    const { logger } = this.deps;
    const { account } = this.options;
    let interrupted: StopReason | undefined;
    let active = tasks;
    while (active.length > 0 && interrupted === undefined) {
      for (const task of active) {
        interrupted = this.interruption();
        if (interrupted !== undefined) break;
        try {
          await task.sync.step();
        } catch (error) {
          const effect = effectOf(error);
          if (effect === 'run') throw error;
          if (effect === 'pause') {
            // Out of rate budget or time: every stream stops at its last checkpoint, to resume next run.
            interrupted = error instanceof ClinikoRateLimitedError ? 'rate-limited' : 'deadline';
            logger.warn(
              'run paused before its deadline or rate budget ran out; cursors stay at their checkpoints',
              { account, stream: task.report.stream, reason: interrupted },
            );
            break;
          }
          task.failed = true;
          task.report.error = errorSummaryOf(error);
          logger.error('stream stopped by an error; its cursor stays at the last checkpoint', {
            account,
            stream: task.report.stream,
            error: task.report.error.name,
          });
        }
      }
      active = active.filter((task) => !task.failed && !task.sync.done);
    }
    return interrupted;
  }
}

function runStatus(
  tasks: readonly Task[],
  interrupted: StopReason | undefined,
  nowMs: number,
): AccountRunStatus {
  const lags = tasks.flatMap((task) => (task.report.lagSeconds === null ? [] : [task.report.lagSeconds]));
  return {
    at: new Date(nowMs).toISOString(),
    outcome: tasks.some((task) => task.failed) ? 'failed' : interrupted === undefined ? 'ok' : 'incomplete',
    lagSeconds: lags.length === 0 ? null : Math.max(...lags),
  };
}

/** A stream whose run reported nothing, ran no periodic work and stopped caught up. */
const QUIET_PERIODIC = new Set(['off', 'not-due']);
function isQuiet(report: StreamReport): boolean {
  return (
    report.stopped === 'caught-up' &&
    eventTotal(report) === 0 &&
    QUIET_PERIODIC.has(report.deletedFeed) &&
    QUIET_PERIODIC.has(report.reconciliation)
  );
}

/**
 * One line per stream: at info when it did something worth reading (events, a failure, periodic
 * work), at debug when quiet, so an idle fleet's logs cost one summary line per account poll.
 */
function logStream(logger: Logger, account: string, report: StreamReport): void {
  const level = isQuiet(report) ? 'debug' : 'info';
  logger[level]('stream synced', {
    account,
    stream: report.stream,
    stopped: report.stopped,
    requests: report.requests,
    pages: report.pages,
    records: report.records,
    events: { ...report.events },
    watermark: report.watermark,
    lagSeconds: report.lagSeconds,
    deletedFeed: report.deletedFeed,
    reconciliation: report.reconciliation,
  });
}
