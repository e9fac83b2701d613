/**
 * One stream's work in a run, one request per `step()` so the scheduler can round-robin streams and
 * stop at any page boundary. Phases: `load` → `scan` (the window passes) → `probe` (recently archived
 * ids) → `feed` (legacy `/deleted`) → `reconcile` → `done`; what each checkpoints and how a stopped
 * run resumes: docs/design.md, Stream sync phases. A cursor is written, fenced, only after the page's
 * events were published and its record states written.
 */
import { ClinikoNotFoundError, ContractError } from '../errors.js';
import type { ListSource, StreamDefinition } from '../streams.js';
import type { ClassifyContext } from './classify.js';
import { compareIds } from './keyset.js';
import {
  commitFeedDeletions,
  commitListed,
  commitVanished,
  type Reported,
  type StreamRun,
} from './observations.js';
import type {
  ClinikoReader,
  ClinikoRecord,
  ListPage,
  ListQuery,
  Logger,
  ScanCursor,
  StreamCursor,
} from './ports.js';
import { judgeListingPage, type Listing, vanishedRecords } from './reconcile.js';
import { emptyStreamReport } from './report.js';
import { EPOCH, earliest, isoSecond, secondsBetween, toIsoSecond } from './timestamp.js';
import {
  advanceWatermark,
  isDue,
  PAGE_SIZE,
  type ScanSpec,
  type ScanState,
  scanQuery,
  scanStep,
  startScan,
  windowStart,
} from './window.js';

export type StartFrom = 'now' | 'beginning' | { readonly at: string };

export interface StreamSettings {
  readonly startFrom: StartFrom;
  readonly overlapSeconds: number;
  readonly settleSeconds: number;
  /** How often the legacy `/deleted` feed and the recently archived ids are read. */
  readonly deletedFeedIntervalSeconds: number;
  readonly reconcileIntervalSeconds: number | null;
  /** Records per request (1..100). @default 100 */
  readonly pageSize?: number;
  /** Epoch ms by which the run must have returned. */
  readonly deadline?: number;
  /** No page starts later than this before the deadline; requests end by half of it. */
  readonly deadlineMarginMs?: number;
  /**
   * Reconciliation requests this run may still make, shared by the account's streams (so the id
   * listings never crowd out the change polls); absent: no limit. A listing that hits it is
   * checkpointed and resumed by the next run.
   */
  readonly reconcileBudget?: { left: number };
}

/** How often a feed the account did not serve is probed again. */
const FEED_REPROBE_SECONDS = 86_400;
/** How many recently archived ids are kept for the probe (one request reads them all). */
const RECENTLY_ARCHIVED_KEPT = 40;
const MAIN = 'main';
/**
 * An idle cursor (only its clock fields moved) is written at most this often. Skipping is safe: a
 * run that starts from an older idle cursor re-reads a window in which nothing changed (one request,
 * as it would make anyway), and any poll that reports an event writes its cursor at once.
 */
export const IDLE_CURSOR_WRITE_SECONDS = 600;

/** One window pass of the stream: which list, over which timestamp, and where its cursor lives. */
export interface Scan {
  /** `main`, `list:<path>` or `lifecycle:<timestamp>`. */
  readonly key: string;
  readonly spec: ScanSpec;
  readonly source: ListSource;
}

type Phase =
  | { readonly kind: 'load' }
  | {
      readonly kind: 'scan';
      readonly index: number;
      readonly scan: ScanState;
      readonly startedAt: string | undefined;
    }
  | { readonly kind: 'probe' }
  | { readonly kind: 'feed'; readonly scan: ScanState; readonly startedAt: string | undefined }
  | { readonly kind: 'reconcile' }
  | { readonly kind: 'done' };

export class StreamSync {
  private phase: Phase = { kind: 'load' };
  /** The stream's progress as this run knows it. */
  private cursor: StreamCursor | undefined;
  /** The cursor as last written to the state store. */
  private persisted: StreamCursor | undefined;
  /** Watermark of a stream's first cursor, created from the first response of its first pass. */
  private firstWatermark = EPOCH;
  private serverNow: string | undefined;
  private readonly scans: readonly Scan[];
  /** Whether this round runs the lifecycle passes (see `restart`). */
  private lifecycle = true;

  constructor(
    private readonly run: StreamRun,
    private readonly cliniko: ClinikoReader,
    private readonly logger: Logger,
    private readonly settings: StreamSettings,
  ) {
    this.scans = scansOf(run.stream, settings.pageSize ?? PAGE_SIZE);
  }

  get done(): boolean {
    return this.phase.kind === 'done';
  }

  /**
   * Starts another round of the same stream in the same run (the poll loop's next poll of it): the
   * cursor stays in memory, so only what moved is written. `lifecycle: false` leaves the lifecycle
   * passes for a later round (one left mid-pass always resumes); their cursors keep their place, so
   * a later pass covers the whole time since.
   */
  restart(options: { readonly lifecycle: boolean }): void {
    this.lifecycle = options.lifecycle;
    const { report } = this.run;
    delete report.error;
    Object.assign(report, emptyStreamReport(report.stream));
    if (this.cursor === undefined) this.phase = { kind: 'load' };
    else this.startScanPhase(0);
  }

  /** Does one request's worth of work. */
  async step(): Promise<void> {
    const phase = this.phase;
    if (phase.kind === 'load') return this.load();
    if (phase.kind === 'scan') return this.scanStep(phase.index, phase.scan, phase.startedAt);
    if (phase.kind === 'probe') return this.probeArchived();
    if (phase.kind === 'feed') return this.feedStep(phase.scan, phase.startedAt);
    if (phase.kind === 'reconcile') return this.reconcileStep();
  }

  /** Fills the report's cursor fields; called once the stream stops for whatever reason. */
  finish(): void {
    const report = this.run.report;
    report.watermark = this.cursor?.watermark ?? null;
    // Negative when the watermark is ahead of server time: reported as it is, so it can be seen.
    report.lagSeconds =
      this.cursor && this.serverNow ? secondsBetween(this.cursor.watermark, this.serverNow) : null;
  }

  private get pageSize(): number {
    return this.settings.pageSize ?? PAGE_SIZE;
  }

  private context(cursor: StreamCursor): ClassifyContext {
    return {
      stream: this.run.stream,
      origin: cursor.origin,
      backfill: cursor.backfill,
      storeSnapshots: this.run.storeSnapshots,
      keys: this.run.keys,
    };
  }

  private async list(source: ListSource, query: ListQuery): Promise<{ page: ListPage; now: string }> {
    this.run.report.requests += 1;
    const { deadline, deadlineMarginMs = 0 } = this.settings;
    // A request must end (answered or abandoned) with half the margin left to publish and checkpoint.
    const limited = deadline === undefined ? query : { ...query, deadline: deadline - deadlineMarginMs / 2 };
    const page = await this.cliniko.listPage(source.path, source.arrayKey, limited);
    this.serverNow = toIsoSecond(page.serverTime.getTime());
    return { page, now: this.serverNow };
  }

  private async load(): Promise<void> {
    const { account, stream, state } = this.run;
    this.cursor = await state.getCursor(account, stream.name);
    this.persisted = this.cursor;
    if (this.cursor !== undefined) {
      this.startScanPhase(0);
      return this.step();
    }
    const start = this.settings.startFrom;
    if (start === 'now') {
      // The watermark must be server time, which only a response carries: ask for one record.
      const { now } = await this.list(stream, { perPage: 1, page: 1 });
      await this.saveCursor(this.newCursor(now, now, false), true);
      this.startScanPhase(0);
      return;
    }
    this.firstWatermark = start === 'beginning' ? EPOCH : isoSecond(start.at);
    const from = windowStart(this.firstWatermark, this.settings.overlapSeconds);
    this.phase = { kind: 'scan', index: 0, scan: startScan(from), startedAt: undefined };
    return this.step();
  }

  private newCursor(watermark: string, now: string, backfill: boolean): StreamCursor {
    const start = this.settings.startFrom;
    // Starting from a past instant means "tell me what happened since then": records created
    // after it are `created`, not pre-existing records first seen.
    const origin = typeof start === 'object' ? earliest(isoSecond(start.at), now) : now;
    // Further lists start where the main pass does; lifecycle passes at the origin (transitions
    // before it are history, or were read by the backfill).
    const scans: Record<string, ScanCursor> = {};
    for (const scan of this.scans) {
      if (scan.key !== MAIN)
        scans[scan.key] = { watermark: scan.key.startsWith('lifecycle:') ? origin : watermark };
    }
    return {
      watermark,
      origin,
      backfill,
      polledAt: now,
      reconciledAt: now,
      ...(Object.keys(scans).length > 0 ? { scans } : {}),
    };
  }

  /**
   * Moves to the first scan from `from` on that this round runs (its saved pass, or a new one from its
   * watermark less the overlap), or past the scans when none is left.
   */
  private startScanPhase(from: number): void {
    const cursor = this.cursor;
    if (cursor === undefined) return;
    for (let index = from; index < this.scans.length; index += 1) {
      const scan = this.scans[index];
      if (scan === undefined) break;
      const saved = this.scanCursorOf(cursor, scan);
      const resumed = saved.position !== undefined;
      if (!this.lifecycle && scan.key.startsWith('lifecycle:') && !resumed) continue;
      const start = windowStart(saved.watermark, this.settings.overlapSeconds);
      this.phase = {
        kind: 'scan',
        index,
        scan: startScan(start, saved.position, saved.drain, saved.passFloor),
        startedAt: resumed ? saved.passStartedAt : undefined,
      };
      return;
    }
    this.afterScans(this.serverNow ?? cursor.polledAt);
  }

  /**
   * A scan's saved progress. Cursors get every scan when they are created (`newCursor`); one that
   * predates a scan starts it where the stream stands now.
   */
  private scanCursorOf(cursor: StreamCursor, scan: Scan): ScanCursor {
    if (scan.key === MAIN) return cursor;
    return cursor.scans?.[scan.key] ?? { watermark: cursor.watermark };
  }

  private withScanCursor(cursor: StreamCursor, scan: Scan, next: ScanCursor): StreamCursor {
    if (scan.key === MAIN) return { ...withoutPass(cursor), ...next };
    return { ...cursor, scans: { ...cursor.scans, [scan.key]: next } };
  }

  /**
   * Takes `cursor` as the stream's progress; writes it now when `urgent` (after events were
   * published, or periodic work progressed), else later (`flush`). Deferring is always safe: a
   * cursor written late only makes the next run re-read more, and unchanged records give no event.
   */
  private async saveCursor(cursor: StreamCursor, urgent: boolean): Promise<void> {
    this.cursor = cursor;
    if (urgent) await this.flush(true);
  }

  /**
   * Writes the cursor if it changed since it was last written: always when `force`, else unless
   * only its clock moved (the watermark of an idle poll) and it was written less than ten minutes ago,
   * so idle polls cost no writes.
   */
  async flush(force = false): Promise<void> {
    const cursor = this.cursor;
    if (cursor === undefined || cursor === this.persisted) return;
    const persisted = this.persisted;
    if (
      !force &&
      persisted !== undefined &&
      sameApartFromClock(persisted, cursor) &&
      secondsBetween(persisted.polledAt, cursor.polledAt) < IDLE_CURSOR_WRITE_SECONDS
    ) {
      return;
    }
    await this.run.lease.keep();
    await this.run.state.putCursor(this.run.account, this.run.stream.name, cursor, this.run.lease.token);
    this.persisted = cursor;
  }

  private async scanStep(index: number, state: ScanState, startedAt: string | undefined): Promise<void> {
    const { report } = this.run;
    const scan = this.scans[index];
    if (scan === undefined) return;
    const { page, now } = await this.list(scan.source, scanQuery(scan.spec, state));
    if (scan.key === MAIN) report.pages += 1;
    const cursor =
      this.cursor ?? this.newCursor(this.firstWatermark, now, this.settings.startFrom === 'beginning');
    const passStartedAt = startedAt ?? now;
    const step = scanStep(scan.spec, state, page);
    const reported = await commitListed(this.run, this.context(cursor), step.fresh);
    const saved = this.scanCursorOf(cursor, scan);
    if (!step.done) {
      const { position, drain, floor } = step.next;
      const next: ScanCursor = {
        watermark: saved.watermark,
        ...(position ? { position, passStartedAt, passFloor: floor, ...(drain ? { drain } : {}) } : {}),
      };
      await this.saveCursor(
        this.noteArchived({ ...this.withScanCursor(cursor, scan, next), polledAt: now }, reported),
        // A pass of several pages is not idle: its position is kept so a crash resumes it.
        true,
      );
      this.phase = { kind: 'scan', index, scan: step.next, startedAt: passStartedAt };
      return;
    }
    const watermark = advanceWatermark(saved.watermark, passStartedAt, now, this.settings.settleSeconds);
    await this.saveCursor(
      this.noteArchived({ ...this.withScanCursor(cursor, scan, { watermark }), polledAt: now }, reported),
      reported.length > 0,
    );
    this.startScanPhase(index + 1);
  }

  /** Keeps the ids of records just reported archived (and forgets restored or deleted ones). */
  private noteArchived(cursor: StreamCursor, reported: readonly Reported[]): StreamCursor {
    if (reported.length === 0 || !this.run.stream.lifecycle.includes('archived_at')) return cursor;
    const changed = new Set(reported.map((r) => r.id));
    const archived = reported.filter((r) => r.archived && !r.deleted).map((r) => r.id);
    const kept = (cursor.recentlyArchived ?? []).filter((id) => !changed.has(id));
    const recentlyArchived = [...archived, ...kept].slice(0, RECENTLY_ARCHIVED_KEPT);
    const { recentlyArchived: _old, ...rest } = cursor;
    return recentlyArchived.length > 0 ? { ...rest, recentlyArchived } : rest;
  }

  /**
   * After the window passes: the probe of recently archived ids and the `/deleted` feed when due
   * (a step each), then reconciliation when due.
   */
  private afterScans(now: string): void {
    const cursor = this.cursor;
    if (cursor === undefined) return;
    if (
      (cursor.recentlyArchived?.length ?? 0) > 0 &&
      isDue(cursor.archivedProbedAt, now, this.settings.deletedFeedIntervalSeconds)
    ) {
      this.phase = { kind: 'probe' };
      return;
    }
    this.afterProbe(now);
  }

  private afterProbe(now: string): void {
    const cursor = this.cursor;
    if (cursor === undefined) return;
    const feed = this.feed(cursor);
    if (feed !== undefined) {
      const interval =
        feed.available === false ? FEED_REPROBE_SECONDS : this.settings.deletedFeedIntervalSeconds;
      if (isDue(cursor.deletedCheckedAt, now, interval)) {
        const from = windowStart(cursor.deletedWatermark ?? cursor.origin, this.settings.overlapSeconds);
        this.phase = { kind: 'feed', scan: startScan(from), startedAt: undefined };
        return;
      }
      this.run.report.deletedFeed = feed.available === false ? 'unavailable' : 'not-due';
    }
    this.afterFeed(now);
  }

  /** The legacy `/deleted` feed to read, if the list cannot show deleted records itself. */
  private feed(cursor: StreamCursor): { source: ListSource; available: boolean | undefined } | undefined {
    const { stream } = this.run;
    if (stream.deletedFeed === undefined || stream.lifecycleFilters.includes('deleted_at')) return undefined;
    return { source: stream.deletedFeed, available: cursor.capabilities?.deletedFeed };
  }

  /** One request reads every recently archived record by id: restores show even without `updated_at`. */
  private async probeArchived(): Promise<void> {
    const cursor = this.cursor;
    if (cursor === undefined) return;
    const { stream } = this.run;
    const ids = cursor.recentlyArchived ?? [];
    const { page, now } = await this.list(stream, {
      filters: [...stream.revealFilters, `id:=${ids.join(',')}`],
      sort: 'id',
      perPage: Math.min(100, Math.max(ids.length, 1)),
      page: 1,
    });
    const reported = await commitListed(this.run, this.context(cursor), page.records);
    // Still archived ones stay on the list; restored, deleted or vanished ones leave it.
    const stillArchived = new Set(page.records.filter(isArchivedRecord).map((record) => record.id));
    const base = this.noteArchived(
      { ...(this.cursor ?? cursor), archivedProbedAt: now, polledAt: now },
      reported,
    );
    const recentlyArchived = (base.recentlyArchived ?? []).filter((id) => stillArchived.has(id));
    const { recentlyArchived: _old, ...rest } = base;
    await this.saveCursor(recentlyArchived.length > 0 ? { ...rest, recentlyArchived } : rest, true);
    this.afterProbe(now);
  }

  private afterFeed(now: string): void {
    const cursor = this.cursor;
    const interval = this.run.stream.reconcilable ? this.settings.reconcileIntervalSeconds : null;
    if (cursor !== undefined && interval !== null) {
      // A listing under way goes on whatever the interval; a new one starts when due.
      if (cursor.reconcile !== undefined || isDue(cursor.reconciledAt, now, interval)) {
        this.phase = { kind: 'reconcile' };
        return;
      }
      this.run.report.reconciliation = 'not-due';
    }
    this.phase = { kind: 'done' };
  }

  private async feedStep(scan: ScanState, startedAt: string | undefined): Promise<void> {
    const { report } = this.run;
    const cursor = this.cursor;
    const feed = cursor === undefined ? undefined : this.feed(cursor);
    if (feed === undefined || cursor === undefined) {
      this.phase = { kind: 'done' };
      return;
    }
    // `/deleted` feeds accept only `deleted_at` and `id` filters.
    const spec: ScanSpec = {
      path: feed.source.path,
      field: 'deleted_at',
      filters: [],
      perPage: this.pageSize,
    };
    report.deletedFeed = 'incomplete';
    let answer: { page: ListPage; now: string };
    try {
      answer = await this.list(feed.source, scanQuery(spec, scan));
    } catch (error) {
      if (!(error instanceof ClinikoNotFoundError)) throw error;
      // The account no longer serves the legacy feed: the lists and reconciliation cover deletes.
      const now = this.serverNow ?? cursor.polledAt;
      this.logger.info('the legacy /deleted feed is not served; relying on list filters and reconciliation', {
        account: this.run.account,
        stream: this.run.stream.name,
      });
      await this.saveCursor(
        {
          ...cursor,
          capabilities: { ...cursor.capabilities, deletedFeed: false },
          deletedCheckedAt: now,
          polledAt: now,
        },
        true,
      );
      report.deletedFeed = 'unavailable';
      this.afterFeed(now);
      return;
    }
    const { page, now } = answer;
    const feedStartedAt = startedAt ?? now;
    const step = scanStep(spec, scan, page);
    await commitFeedDeletions(this.run, this.context(cursor), step.fresh);
    if (!step.done) {
      this.phase = { kind: 'feed', scan: step.next, startedAt: feedStartedAt };
      return;
    }
    const current = cursor.deletedWatermark ?? cursor.origin;
    const deletedWatermark = advanceWatermark(current, feedStartedAt, now, this.settings.settleSeconds);
    await this.saveCursor(
      {
        ...cursor,
        capabilities: { ...cursor.capabilities, deletedFeed: true },
        deletedWatermark,
        deletedCheckedAt: now,
        polledAt: now,
      },
      true,
    );
    report.deletedFeed = 'done';
    this.afterFeed(now);
  }

  /**
   * One step of the id listing: a page of every list of the stream (`id:>last`, sorted by id),
   * merged up to the smallest last id of the lists that have more, compared with the stored states
   * of that id range, then checkpointed in the cursor (see `reconcile.ts`).
   */
  private async reconcileStep(): Promise<void> {
    const { stream, report, account, state } = this.run;
    const cursor = this.cursor;
    if (cursor === undefined) return;
    const budget = this.settings.reconcileBudget;
    if (budget !== undefined && budget.left <= 0) {
      // Checkpointed at the last page: the next run resumes the listing.
      report.reconciliation = 'incomplete';
      this.phase = { kind: 'done' };
      return;
    }
    report.reconciliation = 'incomplete';
    const resumed = cursor.reconcile;
    const afterId = resumed?.afterId;
    const sources = [stream, ...(stream.extraLists ?? [])];
    const pages: {
      records: readonly ClinikoRecord[];
      full: boolean;
      maxId: string | undefined;
      total: number | undefined;
    }[] = [];
    let now = this.serverNow ?? cursor.polledAt;
    for (const [index, source] of sources.entries()) {
      if (budget !== undefined) budget.left -= 1;
      const answer = await this.list(source, {
        filters: [
          ...(index === 0 ? stream.revealFilters : []),
          ...(afterId === undefined ? [] : [`id:>${afterId}`]),
        ],
        sort: 'id',
        perPage: this.pageSize,
        page: 1,
      });
      now = answer.now;
      const { records, nextUrl, totalEntries } = answer.page;
      const maxId = records.reduce<string | undefined>(
        (max, record) => (max === undefined || compareIds(record.id, max) > 0 ? record.id : max),
        undefined,
      );
      const full = records.length >= this.pageSize || nextUrl !== undefined;
      if (full && (maxId === undefined || (afterId !== undefined && compareIds(maxId, afterId) <= 0))) {
        throw new ContractError(
          { method: 'GET', path: source.path },
          'the id listing did not advance; stopping instead of looping',
        );
      }
      pages.push({ records, full, maxId, total: totalEntries });
    }
    // Every list has been read up to `upper` (a list that has more pages stops there).
    const upper = pages
      .filter((p) => p.full)
      .reduce<string | undefined>(
        (min, p) =>
          min === undefined || (p.maxId !== undefined && compareIds(p.maxId, min) < 0) ? p.maxId : min,
        undefined,
      );
    const inRange = pages
      .flatMap((p) => p.records)
      .filter((record) => upper === undefined || compareIds(record.id, upper) <= 0);
    report.records += inRange.length;
    const totals = pages.map((p) => p.total);
    const total = totals.every((t) => t !== undefined)
      ? totals.reduce<number>((sum, t) => sum + (t ?? 0), 0)
      : undefined;
    const listing: Listing = resumed ?? { startedAt: now, listed: 0 };
    const ids = inRange.map((record) => record.id);
    const verdict = judgeListingPage(listing, { ids, totalEntries: total, full: upper !== undefined }, upper);
    if (!verdict.trusted) {
      report.reconciliation = 'refused';
      this.logger.warn('reconciliation refused: the id listing is not trustworthy, no deletes inferred', {
        account,
        stream: stream.name,
        reason: verdict.reason,
        listed: listing.listed + ids.length,
        totalEntries: total ?? null,
      });
      // Tried again at the next interval, not on every run.
      await this.writeReconciled(cursor, listing.startedAt, now);
      return;
    }
    // Every listed record is compared too: whatever no window saw (a restore or a deactivation that
    // left `updated_at` alone) shows here.
    const reported = await commitListed(this.run, this.context(cursor), inRange);
    const listed = new Set(ids);
    for await (const batch of state.listRecordStates(account, stream.name, verdict.range)) {
      const vanished = vanishedRecords(batch, listed, listing.startedAt, this.settings.overlapSeconds);
      await commitVanished(this.run, vanished, now);
    }
    const latest = this.noteArchived(this.cursor ?? cursor, reported);
    if (verdict.next !== undefined) {
      await this.saveCursor({ ...latest, reconcile: verdict.next, polledAt: now }, true);
      return;
    }
    report.reconciliation = 'done';
    // Archives before a finished listing are no longer recent: a restore of one of them is seen by
    // the next listing, so the probe does not go on forever.
    const { recentlyArchived: _recent, archivedProbedAt: _probed, ...settled } = latest;
    await this.writeReconciled(settled, listing.startedAt, now);
  }

  private async writeReconciled(cursor: StreamCursor, startedAt: string, now: string): Promise<void> {
    const { reconcile: _listing, ...rest } = cursor;
    await this.saveCursor({ ...rest, reconciledAt: startedAt, polledAt: now }, true);
    this.phase = { kind: 'done' };
  }
}

/** The window passes of a stream: its list by `updated_at`, its further lists, its lifecycle timestamps. */
export function scansOf(stream: StreamDefinition, perPage: number): Scan[] {
  const scans: Scan[] = [
    {
      key: MAIN,
      source: stream,
      spec: { path: stream.path, field: 'updated_at', filters: stream.revealFilters, perPage },
    },
  ];
  for (const list of stream.extraLists ?? []) {
    scans.push({
      key: `list:${list.path}`,
      source: list,
      spec: { path: list.path, field: 'updated_at', filters: [], perPage },
    });
  }
  for (const field of stream.lifecycleFilters) {
    scans.push({
      key: `lifecycle:${field}`,
      source: stream,
      spec: { path: stream.path, field, filters: stream.revealFilters, perPage },
    });
  }
  return scans;
}

/** Whether two cursors differ only in their clock fields: watermarks and the poll time. */
function sameApartFromClock(a: StreamCursor, b: StreamCursor): boolean {
  const withoutClock = (cursor: StreamCursor) => {
    const { watermark: _watermark, polledAt: _polledAt, scans, ...rest } = cursor;
    const positions = Object.fromEntries(
      Object.entries(scans ?? {}).map(([key, { watermark: _scanWatermark, ...scan }]) => [key, scan]),
    );
    return JSON.stringify({ ...rest, positions });
  };
  return withoutClock(a) === withoutClock(b);
}

function isArchivedRecord(record: ClinikoRecord): boolean {
  return typeof record.archived_at === 'string' && record.archived_at !== '';
}

/** The cursor without the fields of an unfinished main pass. */
function withoutPass(cursor: StreamCursor): StreamCursor {
  const { position: _position, passStartedAt: _started, drain: _drain, passFloor: _floor, ...rest } = cursor;
  return rest;
}
