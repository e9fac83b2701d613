/**
 * The sync use case: one run over one Cliniko account, called by the Lambda poller and by the CLI
 * alike. It takes the account's lease, then walks every stream one page at a time in round-robin
 * (so a long backfill of one stream cannot starve the others before a deadline), checkpointing
 * after every page, until all streams are caught up, the deadline (minus a margin) is near, or the
 * caller aborts. Stopping always happens at a page boundary with everything before it saved.
 */
import { randomUUID } from 'node:crypto';
import { BridgeError, ClinikoRateLimitedError, effectOf, exitCodeOf } from '../errors.js';
import type { EventOptions } from '../events/build.js';
import type { StreamDefinition } from '../streams.js';
import type { ContentKeyRing } from './content-key.js';
import { LeaseKeeper } from './lease-keeper.js';
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
  readonly streams: readonly StreamDefinition[];
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
  readonly event: EventOptions;
  /** Keep each published version in the record state so events can carry `changes.previous`. */
  readonly storeSnapshots: boolean;
  /**
   * Per stream name, `event` and `storeSnapshots` that replace the run-wide ones for that stream, so
   * one run (one lease) serves streams configured with different payload settings.
   */
  readonly perStream?: Readonly<Record<string, StreamEventSettings>>;
  /** Aborting finishes the current page, checkpoints and stops. */
  readonly signal?: AbortSignal;
}

/** The settings of a stream's events that may differ from stream to stream. */
export interface StreamEventSettings {
  readonly event: EventOptions;
  readonly storeSnapshots: boolean;
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

function errorSummary(error: unknown): { name: string; message?: string; exitCode: number } {
  // Only the bridge's own messages are known to be free of record data.
  if (error instanceof BridgeError)
    return { name: error.name, message: error.message, exitCode: error.exitCode };
  return { name: error instanceof Error ? error.name : 'unknown', exitCode: exitCodeOf(error) };
}

export async function syncAccount(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const now = deps.now ?? Date.now;
  const { logger } = deps;
  const { account } = options;
  const startedMs = now();
  const owner = deps.owner ?? `poller-${randomUUID()}`;
  const lease = await LeaseKeeper.acquire(deps.state, account, owner, options.leaseTtlMs, now);
  if (lease === undefined) {
    logger.info('another poller holds the account lease; skipping this run', { account });
    return {
      account,
      skipped: 'lease-held',
      stopped: 'lease-held',
      ok: true,
      durationMs: now() - startedMs,
      streams: [],
    };
  }

  const reconcileBudget =
    options.reconcileRequestsPerRun === undefined ? undefined : { left: options.reconcileRequestsPerRun };
  const settings = reconcileBudget === undefined ? options : { ...options, reconcileBudget };
  const tasks: Task[] = options.streams.map((stream) => {
    const report = emptyStreamReport(stream.name);
    const eventSettings = options.perStream?.[stream.name] ?? options;
    const run = {
      account,
      stream,
      state: deps.state,
      publisher: deps.publisher,
      lease,
      keys: deps.keys,
      event: eventSettings.event,
      storeSnapshots: eventSettings.storeSnapshots,
      now,
      report,
    };
    return { sync: new StreamSync(run, deps.cliniko, logger, settings), report, failed: false };
  });

  const interruption = (): StopReason | undefined => {
    if (options.signal?.aborted) return 'aborted';
    if (options.deadline !== undefined && now() >= options.deadline - options.deadlineMarginMs)
      return 'deadline';
    return undefined;
  };

  let interrupted: StopReason | undefined;
  // Kept with the lease: `failed` unless the run gets to the end.
  let status: AccountRunStatus = { at: new Date(now()).toISOString(), outcome: 'failed', lagSeconds: null };
  try {
    let active = tasks;
    while (active.length > 0 && interrupted === undefined) {
      for (const task of active) {
        interrupted = interruption();
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
              {
                account,
                stream: task.report.stream,
                reason: interrupted,
              },
            );
            break;
          }
          task.failed = true;
          task.report.error = errorSummary(error);
          logger.error('stream stopped by an error; its cursor stays at the last checkpoint', {
            account,
            stream: task.report.stream,
            error: task.report.error.name,
          });
        }
      }
      active = active.filter((task) => !task.failed && !task.sync.done);
    }
    // Cursors deferred during the run (see `StreamSync.flush`) are written before the lease goes.
    for (const task of tasks) await task.sync.flush();
    for (const task of tasks) task.sync.finish();
    status = runStatus(tasks, interrupted, now());
  } catch (error) {
    logger.error('sync run failed; cursors stay at their last checkpoints', {
      account,
      error: errorSummary(error).name,
      durationMs: now() - startedMs,
    });
    throw error;
  } finally {
    await lease.release(logger, status);
  }

  for (const task of tasks) {
    task.report.stopped = task.failed
      ? 'failed'
      : task.sync.done
        ? 'caught-up'
        : (interrupted ?? 'caught-up');
    logStream(logger, account, task.report);
  }
  const ok = tasks.every((task) => !task.failed);
  const stopped: StopReason = interrupted ?? (ok ? 'caught-up' : 'failed');
  const durationMs = now() - startedMs;
  logger.info('sync run finished', {
    account,
    stopped,
    durationMs,
    streams: tasks.length,
    events: tasks.reduce((sum, task) => sum + eventTotal(task.report), 0),
  });
  return { account, stopped, ok, durationMs, streams: tasks.map((task) => task.report) };
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
