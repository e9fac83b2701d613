/**
 * What a sync run reports: counts, cursor times and statuses per stream, never record data, so the
 * report can be logged, printed and returned from a Lambda as it is.
 */
import type { ErrorSummary } from '../errors.js';
import type { Action } from '../events/contract.js';

/**
 * Why a stream (or the run) stopped: caught up; out of time (`deadline`) or out of rate budget
 * (`rate-limited`), both checkpointed to resume next run; aborted by the caller; or failed.
 */
export type StopReason = 'caught-up' | 'deadline' | 'rate-limited' | 'aborted' | 'failed';

/**
 * What happened to a periodic task in this run (`unavailable`: the account does not serve the
 * legacy feed; it is probed again daily).
 */
export type PeriodicOutcome = 'off' | 'not-due' | 'done' | 'refused' | 'incomplete' | 'unavailable';

export interface StreamReport {
  readonly stream: string;
  /** Cliniko requests made for this stream. */
  requests: number;
  /** Pages read by the change pass. */
  pages: number;
  /** Records read (all sources), re-reads included. */
  records: number;
  events: Partial<Record<Action, number>>;
  /** Cursor watermark at the end of the run (UTC ISO second), `null` if the stream never started. */
  watermark: string | null;
  /** Seconds between the watermark and the last server time seen; `null` if unknown. */
  lagSeconds: number | null;
  deletedFeed: PeriodicOutcome;
  reconciliation: PeriodicOutcome;
  stopped: StopReason;
  /** Set when `stopped` is `failed`: the error class, its CLI exit code and, for the bridge's own errors, its message. */
  error?: ErrorSummary;
}

export interface SyncReport {
  readonly account: string;
  /** Set when the run did nothing because another poller holds the account's lease. */
  readonly skipped?: 'lease-held';
  readonly stopped: StopReason | 'lease-held';
  /** False when any stream failed. */
  readonly ok: boolean;
  readonly durationMs: number;
  readonly streams: readonly StreamReport[];
}

export function emptyStreamReport(stream: string): StreamReport {
  return {
    stream,
    requests: 0,
    pages: 0,
    records: 0,
    events: {},
    watermark: null,
    lagSeconds: null,
    deletedFeed: 'off',
    reconciliation: 'off',
    stopped: 'caught-up',
  };
}

export function countEvent(report: StreamReport, action: Action): void {
  report.events[action] = (report.events[action] ?? 0) + 1;
}

/** Total events of a report, all actions. */
export function eventTotal(report: StreamReport): number {
  return Object.values(report.events).reduce((sum, n) => sum + (n ?? 0), 0);
}
