/**
 * The resync use case, for consumers that lost events the archive no longer holds: re-reads the
 * records changed in `[since, until]` through the poll's window passes and sends each one's current
 * state once — an unchanged record under the id of the event that reported it, a changed one through
 * the poll's commit path, one without a kept event as a `snapshot` (docs/design.md, Event identity).
 * It holds the account's lease like a poll and never writes a cursor. `/deleted` feeds are not read:
 * a record no list shows any more has no current state to send.
 */
import { randomUUID } from 'node:crypto';
import { BridgeError, type ErrorSummary, effectOf, errorSummaryOf } from '../errors.js';
import { buildEvent } from '../events/build.js';
import type { Action, ChangeEvent } from '../events/contract.js';
import type { StreamDefinition } from '../streams.js';
import { type ClassifyContext, classify } from './classify.js';
import { LeaseKeeper } from './lease-keeper.js';
import { commitListed, type StreamRun } from './observations.js';
import type { ClinikoRecord, RecordState } from './ports.js';
import { type Scan, scansOf } from './stream-sync.js';
import { type StreamSettings, type SyncDeps, streamRunOf } from './sync.js';
import { isoSecond } from './timestamp.js';
import { PAGE_SIZE, scanQuery, scanStep, startScan } from './window.js';

export interface ResyncOptions {
  /** The configured Cliniko account id (the `account` of events and state keys). */
  readonly account: string;
  /** The streams to re-read, each with the settings of its events (as in `SyncOptions`). */
  readonly streams: readonly StreamSettings[];
  /** Inclusive lower bound (UTC ISO; read to the second, rounded down). */
  readonly since: string;
  /** Inclusive upper bound (UTC ISO); absent: up to now. */
  readonly until?: string;
  readonly leaseTtlMs: number;
  /** Records per request (1..100). @default 100 */
  readonly pageSize?: number;
  /** Aborting stops after the current page; what was sent stays sent. */
  readonly signal?: AbortSignal;
  /** Called after each stream, for progress. */
  readonly onStream?: (report: ResyncStreamReport) => void;
}

export type ResyncStreamOutcome = 'done' | 'never-polled' | 'failed' | 'aborted';

export interface ResyncStreamReport {
  readonly stream: string;
  outcome: ResyncStreamOutcome;
  /** Cliniko requests made. */
  requests: number;
  /** Distinct records read. */
  records: number;
  /** Unchanged records sent again under the id of the event that reported them. */
  resent: number;
  /** Unchanged records without a kept event, sent as `snapshot`. */
  snapshots: number;
  /** Change events (as a poll would publish them), by action. */
  changed: Partial<Record<Action, number>>;
  /** Set when `outcome` is `failed`: the error class, its exit code and, for the bridge's own errors, its message. */
  error?: ErrorSummary;
}

export interface ResyncReport {
  readonly account: string;
  readonly since: string;
  readonly until: string | null;
  /** `lease-held`: another poller holds the account; nothing was read or sent. */
  readonly stopped: 'done' | 'aborted' | 'lease-held';
  /** False when a stream failed. */
  readonly ok: boolean;
  readonly durationMs: number;
  readonly streams: readonly ResyncStreamReport[];
}

/** Events per publish call: the lease is checked before each (as in `observations.ts`). */
const EVENTS_PER_CHUNK = 10;

export async function resyncAccount(deps: SyncDeps, options: ResyncOptions): Promise<ResyncReport> {
  const now = deps.now ?? Date.now;
  const startedMs = now();
  const { account } = options;
  const since = isoSecond(options.since);
  const until = options.until === undefined ? undefined : isoSecond(options.until);
  const base = { account, since, until: until ?? null };
  const owner = deps.owner ?? `resync-${randomUUID()}`;
  const lease = await LeaseKeeper.acquire(deps.state, account, owner, options.leaseTtlMs, now);
  if (lease === undefined) {
    return { ...base, stopped: 'lease-held', ok: true, durationMs: now() - startedMs, streams: [] };
  }
  const reports: ResyncStreamReport[] = [];
  try {
    for (const stream of options.streams) {
      const report = emptyReport(stream.definition.name);
      reports.push(report);
      if (options.signal?.aborted) {
        report.outcome = 'aborted';
      } else {
        const run = streamRunOf(deps, account, stream, lease, now);
        try {
          await resyncStream(deps, run, { since, until, options }, report);
        } catch (error) {
          if (effectOf(error) === 'run') throw error;
          report.outcome = 'failed';
          report.error = errorSummaryOf(error);
          deps.logger.error('resync of a stream stopped by an error; the other streams go on', {
            account,
            stream: stream.definition.name,
            error: report.error.name,
          });
        }
        report.changed = { ...run.report.events };
      }
      options.onStream?.(report);
    }
  } finally {
    // No run status: a resync is not a poll, and the fleet's view of the account must not change.
    await lease.release(deps.logger);
  }
  const aborted = reports.some((report) => report.outcome === 'aborted');
  return {
    ...base,
    stopped: aborted ? 'aborted' : 'done',
    ok: reports.every((report) => report.outcome !== 'failed'),
    durationMs: now() - startedMs,
    streams: reports,
  };
}

interface Window {
  readonly since: string;
  readonly until: string | undefined;
  readonly options: ResyncOptions;
}

async function resyncStream(
  deps: SyncDeps,
  run: StreamRun,
  window: Window,
  report: ResyncStreamReport,
): Promise<void> {
  const { stream, account } = run;
  const cursor = await run.state.getCursor(account, stream.name);
  if (cursor === undefined) {
    report.outcome = 'never-polled';
    return;
  }
  const context: ClassifyContext = {
    stream,
    origin: cursor.origin,
    backfill: cursor.backfill,
    storeSnapshots: run.storeSnapshots,
    keys: run.keys,
  };
  // A record listed by several passes (changed, then archived) or re-read at a page boundary (the
  // keyset walk re-reads its floor second) is sent once.
  const sent = new Set<string>();
  for (const scan of boundedScans(stream, window)) {
    let position = startScan(window.since);
    for (;;) {
      if (window.options.signal?.aborted) {
        report.outcome = 'aborted';
        return;
      }
      await run.lease.keep();
      report.requests += 1;
      const page = await deps.cliniko.listPage(
        scan.source.path,
        scan.source.arrayKey,
        scanQuery(scan.spec, position),
      );
      const step = scanStep(scan.spec, position, page);
      await resyncPage(run, context, step.fresh, sent, report);
      if (step.done) break;
      position = step.next;
    }
  }
  report.outcome = 'done';
}

/** The stream's window passes, each bounded above by `until` on the timestamp it walks. */
function boundedScans(stream: StreamDefinition, window: Window): Scan[] {
  const scans = scansOf(stream, window.options.pageSize ?? PAGE_SIZE);
  const { until } = window;
  if (until === undefined) return scans;
  return scans.map((scan) => ({
    ...scan,
    spec: { ...scan.spec, filters: [...scan.spec.filters, `${scan.spec.field}:<=${until}`] },
  }));
}

async function resyncPage(
  run: StreamRun,
  context: ClassifyContext,
  records: readonly ClinikoRecord[],
  sent: Set<string>,
  report: ResyncStreamReport,
): Promise<void> {
  const fresh: ClinikoRecord[] = [];
  for (const record of records) {
    if (sent.has(record.id)) continue;
    sent.add(record.id);
    fresh.push(record);
  }
  if (fresh.length === 0) return;
  report.records += fresh.length;
  const known = await run.state.getRecordStates(
    run.account,
    run.stream.name,
    fresh.map((record) => record.id),
  );
  const changed: ClinikoRecord[] = [];
  const again: ChangeEvent[] = [];
  for (const record of fresh) {
    const stored = known.get(record.id);
    // Classified exactly as a poll would; a re-key alone is left to the pollers.
    const { event } = classify(context, record, stored);
    if (event !== undefined || stored === undefined) {
      changed.push(record);
      continue;
    }
    const { event: resent, original } = resentEvent(run, record, stored);
    if (original) report.resent += 1;
    else report.snapshots += 1;
    again.push(resent);
  }
  // Changes first, through the poll's own path: staged, published, confirmed.
  if (changed.length > 0) await commitListed(run, context, changed);
  for (let start = 0; start < again.length; start += EVENTS_PER_CHUNK) {
    await run.lease.keep();
    await run.publisher.publish(again.slice(start, start + EVENTS_PER_CHUNK));
  }
}

/**
 * The event last reported for `stored`, again, under its id and with the record as it is now; a
 * `snapshot` when the state keeps no event (written before they were kept) or has one in flight
 * (whether it went out is unknown, so neither id is certain).
 */
function resentEvent(
  run: StreamRun,
  record: ClinikoRecord,
  stored: RecordState,
): { readonly event: ChangeEvent; readonly original: boolean } {
  const reported = stored.pending === undefined ? stored.reported : undefined;
  const currentUpdatedAt = typeof record.updated_at === 'string' ? record.updated_at : undefined;
  const common = {
    stream: run.stream,
    account: run.account,
    record,
    fingerprint: stored.fingerprint,
    updatedAt: stored.updatedAt,
    observedAt: new Date(run.now()),
    changedFields: null,
    // The version the state stands for, so a consumer that applied it drops the copy.
    ...(stored.sequence === undefined ? {} : { sequence: stored.sequence }),
  };
  if (reported !== undefined) {
    const input = {
      ...common,
      action: reported.action,
      occurredAt: reported.occurredAt,
      eventId: reported.eventId,
      signals: reported.signals ?? [],
    };
    return { event: buildEvent(input, run.event), original: true };
  }
  const occurredAt = stored.updatedAt ?? currentUpdatedAt;
  if (occurredAt === undefined) {
    throw new BridgeError(`record ${record.id} of ${run.stream.name} has no updated_at to resync by`);
  }
  return { event: buildEvent({ ...common, action: 'snapshot', occurredAt }, run.event), original: false };
}

function emptyReport(stream: string): ResyncStreamReport {
  return { stream, outcome: 'done', requests: 0, records: 0, resent: 0, snapshots: 0, changed: {} };
}
