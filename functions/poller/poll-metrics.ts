/**
 * Turns a sync report into CloudWatch metrics (EMF, through Powertools Metrics) and a log summary.
 * Both carry counts, durations and ids only. Names and dimensions are a contract with the alarms
 * and the dashboard of the CDK app, which import them from here.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SyncReport } from '../../shared/engine/report.js';

export const METRIC_NAMESPACE = 'ClinikoChangeBridge';

export const METRIC_DIMENSIONS = { account: 'Account', stream: 'Stream', action: 'Action' } as const;

export const POLLER_METRICS = {
  /** Per Account+Stream: records read (re-reads of the overlap window included). */
  recordsRead: 'RecordsRead',
  /** Per Account+Stream+Action: events published. */
  events: 'Events',
  /** Per Account+Stream: Cliniko requests. */
  apiRequests: 'ApiRequests',
  /** Per Account: 429 answers from Cliniko. */
  rateLimited: 'RateLimited429',
  /** Per Account: repeated Cliniko requests (after 429, 5xx, timeouts, resets). */
  retries: 'Retries',
  /** Per Account+Stream: seconds between the stream's cursor and Cliniko's clock. */
  lagSeconds: 'LagSeconds',
  /** Per Account: the run's duration (the streams of an account run in one invocation). */
  durationMs: 'DurationMs',
  /** Per Account: polls skipped because another poller held the lease. */
  pollsSkipped: 'PollsSkipped',
  /** Per Account: polls that failed (stream errors or a thrown error). */
  pollsFailed: 'PollsFailed',
  /** Per Account: Cliniko responses refused because their Date header was too far from the local clock. */
  clockSkewRejected: 'ClockSkewRejected',
} as const;

/** Client counters accumulated during one invocation. */
export interface RequestCounters {
  readonly rateLimited: number;
  readonly retries: number;
  readonly clockSkewRejected: number;
}

/**
 * Publishes one EMF document per stream (and per stream and action), then stores the per-account
 * metrics for the `logMetrics` middleware to flush at the end of the invocation.
 */
export function emitReportMetrics(
  metrics: Metrics,
  report: SyncReport,
  counters: RequestCounters,
  durationMs: number,
): void {
  const account = report.account;
  for (const stream of report.streams) {
    // Powertools clears dimensions and metrics on each publish, so each dimension set is its own document.
    metrics.addDimensions({
      [METRIC_DIMENSIONS.account]: account,
      [METRIC_DIMENSIONS.stream]: stream.stream,
    });
    metrics.addMetric(POLLER_METRICS.recordsRead, MetricUnit.Count, stream.records);
    metrics.addMetric(POLLER_METRICS.apiRequests, MetricUnit.Count, stream.requests);
    if (stream.lagSeconds !== null)
      metrics.addMetric(POLLER_METRICS.lagSeconds, MetricUnit.Seconds, stream.lagSeconds);
    metrics.publishStoredMetrics();
    for (const [action, count] of Object.entries(stream.events)) {
      if (!count) continue;
      metrics.addDimensions({
        [METRIC_DIMENSIONS.account]: account,
        [METRIC_DIMENSIONS.stream]: stream.stream,
        [METRIC_DIMENSIONS.action]: action,
      });
      metrics.addMetric(POLLER_METRICS.events, MetricUnit.Count, count);
      metrics.publishStoredMetrics();
    }
  }
  storeAccountMetrics(metrics, account, {
    [POLLER_METRICS.rateLimited]: counters.rateLimited,
    [POLLER_METRICS.retries]: counters.retries,
    [POLLER_METRICS.clockSkewRejected]: counters.clockSkewRejected,
    [POLLER_METRICS.pollsSkipped]: report.skipped ? 1 : 0,
    // Zeros too, so the failure alarm sees data points rather than missing data.
    [POLLER_METRICS.pollsFailed]: report.ok ? 0 : 1,
  });
  // Once per run, not per stream: each metric and dimension set is billed as a custom metric.
  metrics.addMetric(POLLER_METRICS.durationMs, MetricUnit.Milliseconds, durationMs);
}

/** Stores per-account counts (dimension Account) for the `logMetrics` middleware to flush. */
export function storeAccountMetrics(
  metrics: Metrics,
  account: string,
  values: Readonly<Record<string, number>>,
): void {
  metrics.addDimensions({ [METRIC_DIMENSIONS.account]: account });
  for (const [name, value] of Object.entries(values)) metrics.addMetric(name, MetricUnit.Count, value);
}

/** The log line's fields: totals and statuses (the engine logs each stream), nothing from records. */
export function reportSummary(report: SyncReport, counters?: RequestCounters): Record<string, unknown> {
  const events: Record<string, number> = {};
  for (const stream of report.streams) {
    for (const [action, count] of Object.entries(stream.events))
      events[action] = (events[action] ?? 0) + (count ?? 0);
  }
  const lags = report.streams.flatMap((s) => (s.lagSeconds === null ? [] : [s.lagSeconds]));
  const failed = report.streams.filter((s) => s.stopped === 'failed');
  return {
    stopped: report.stopped,
    ok: report.ok,
    durationMs: report.durationMs,
    streams: report.streams.length,
    requests: sum(report.streams.map((s) => s.requests)),
    records: sum(report.streams.map((s) => s.records)),
    events,
    ...(lags.length ? { maxLagSeconds: Math.max(...lags) } : {}),
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

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
