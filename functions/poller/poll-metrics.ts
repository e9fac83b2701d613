/**
 * Turns a poll's report into CloudWatch metrics (EMF, through Powertools Metrics) and a log summary.
 * Metrics are per fleet, not per account: one custom metric costs the same whether it covers one
 * clinic or five hundred, so per-account figures go to the structured log line (`poll finished`,
 * with `account`), where the dashboard's Logs Insights queries rank the worst accounts. Names and
 * dimensions are a contract with the alarms and the dashboard, which import them from here.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SyncReport } from '../../shared/engine/report.js';
import type { RequestCounters } from '../../shared/fleet/account-worker.js';

export const METRIC_NAMESPACE = 'ClinikoChangeBridge';

/** The one dimension every metric has: Powertools' service dimension. */
export const METRIC_DIMENSIONS = { service: 'service' } as const;

/** Service names: the value of the `service` dimension of each function's metrics. */
export const SERVICES = { poller: 'cliniko-bridge-poller', dispatcher: 'cliniko-bridge-dispatcher' } as const;

export const POLLER_METRICS = {
  /** Polls that ran (a lease held elsewhere is `PollsSkipped` instead). */
  polls: 'Polls',
  /** Polls that failed: a stream or the whole run (0 or 1 per poll, so the sum counts them). */
  pollsFailed: 'PollsFailed',
  /** Polls skipped because another poller held the account's lease. */
  pollsSkipped: 'PollsSkipped',
  /** Events published (and per action, `eventMetric(action)`). */
  events: 'Events',
  /** Records read (re-reads of the overlap window included). */
  recordsRead: 'RecordsRead',
  /** Cliniko requests. */
  apiRequests: 'ApiRequests',
  /** 429 answers from Cliniko. */
  rateLimited: 'RateLimited429',
  /** Repeated Cliniko requests (after 429, 5xx, timeouts, resets). */
  retries: 'Retries',
  /** Cliniko responses refused because their Date header was too far from the local clock. */
  clockSkewRejected: 'ClockSkewRejected',
  /** The poll's most-behind stream: seconds between its cursor and Cliniko's clock. */
  lagSeconds: 'LagSeconds',
  /** The poll's duration. */
  durationMs: 'DurationMs',
} as const;

export const DISPATCHER_METRICS = {
  registered: 'AccountsRegistered',
  paused: 'AccountsPaused',
  dispatched: 'AccountsDispatched',
  /** Active accounts without a successful poll for three intervals (or since they were added). */
  overdue: 'AccountsOverdue',
  /** Active accounts whose last poll failed. */
  failing: 'AccountsFailing',
  /** The worst lag among active accounts' last polls. */
  worstLagSeconds: 'WorstLagSeconds',
} as const;

/** Stores one poll's metrics; the `logMetrics` middleware flushes them at the end of the invocation. */
export function storePollMetrics(
  metrics: Metrics,
  report: SyncReport,
  counters: RequestCounters,
  durationMs: number,
): void {
  if (report.skipped) {
    metrics.addMetric(POLLER_METRICS.pollsSkipped, MetricUnit.Count, 1);
    return;
  }
  metrics.addMetric(POLLER_METRICS.polls, MetricUnit.Count, 1);
  // Zeros too, so a sum over any window counts failures among polls that ran.
  metrics.addMetric(POLLER_METRICS.pollsFailed, MetricUnit.Count, report.ok ? 0 : 1);
  metrics.addMetric(POLLER_METRICS.recordsRead, MetricUnit.Count, sum(report.streams.map((s) => s.records)));
  metrics.addMetric(POLLER_METRICS.apiRequests, MetricUnit.Count, counters.requests);
  metrics.addMetric(POLLER_METRICS.rateLimited, MetricUnit.Count, counters.rateLimited);
  metrics.addMetric(POLLER_METRICS.retries, MetricUnit.Count, counters.retries);
  metrics.addMetric(POLLER_METRICS.clockSkewRejected, MetricUnit.Count, counters.clockSkewRejected);
  const lag = maxLag(report);
  if (lag !== undefined) metrics.addMetric(POLLER_METRICS.lagSeconds, MetricUnit.Seconds, lag);
  metrics.addMetric(POLLER_METRICS.durationMs, MetricUnit.Milliseconds, durationMs);
  const events = eventsByAction(report);
  metrics.addMetric(POLLER_METRICS.events, MetricUnit.Count, sum(Object.values(events)));
  for (const [action, count] of Object.entries(events))
    metrics.addMetric(eventMetric(action), MetricUnit.Count, count);
}

/**
 * The metric counting one action's events, e.g. `EventsCreated`. A name per action rather than an
 * `Action` dimension: every metric keeps the one dimension set, so the polls of a batch can store
 * theirs side by side and the middleware flushes them together.
 */
export function eventMetric(action: string): string {
  return `Events${action.charAt(0).toUpperCase()}${action.slice(1)}`;
}

/** The log line's fields: totals and statuses (the engine logs each stream), nothing from records. */
export function reportSummary(report: SyncReport, counters?: RequestCounters): Record<string, unknown> {
  const lag = maxLag(report);
  const failed = report.streams.filter((s) => s.stopped === 'failed');
  return {
    account: report.account,
    stopped: report.stopped,
    ok: report.ok,
    durationMs: report.durationMs,
    streams: report.streams.length,
    requests: sum(report.streams.map((s) => s.requests)),
    records: sum(report.streams.map((s) => s.records)),
    events: eventsByAction(report),
    ...(lag === undefined ? {} : { maxLagSeconds: lag }),
    ...(counters
      ? {
          rateLimited: counters.rateLimited,
          retries: counters.retries,
          clockSkewRejected: counters.clockSkewRejected,
        }
      : {}),
    ...(failed.length
      ? { failedStreams: failed.map((s) => ({ stream: s.stream, error: s.error?.name })) }
      : {}),
  };
}

function eventsByAction(report: SyncReport): Record<string, number> {
  const events: Record<string, number> = {};
  for (const stream of report.streams) {
    for (const [action, count] of Object.entries(stream.events)) {
      if (count) events[action] = (events[action] ?? 0) + count;
    }
  }
  return events;
}

function maxLag(report: SyncReport): number | undefined {
  const lags = report.streams.flatMap((s) => (s.lagSeconds === null ? [] : [s.lagSeconds]));
  return lags.length === 0 ? undefined : Math.max(...lags);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
