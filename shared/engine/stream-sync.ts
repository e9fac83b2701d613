/**
 * One stream's work in a run, one page per `step()` so the scheduler can round-robin streams and
 * stop at any page boundary: the change pass (keyset walk over `updated_at`), then the `/deleted`
 * feed when due, then reconciliation when due. Every step that moves the cursor writes it, fenced,
 * after the page's events were published and its record states written.
 */
import { ContractError } from '../errors.js';
import type { ClassifyContext } from './classify.js';
import { compareIds } from './keyset.js';
import { commitFeedDeletions, commitListed, commitVanished, type StreamRun } from './observations.js';
import type { ClinikoReader, Logger, StreamCursor } from './ports.js';
import { judgeListingPage, type Listing, vanishedRecords } from './reconcile.js';
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

type Phase =
  | { readonly kind: 'load' }
  | { readonly kind: 'pass'; readonly scan: ScanState; readonly startedAt: string | undefined }
  | { readonly kind: 'feed'; readonly scan: ScanState; readonly startedAt: string | undefined }
  | { readonly kind: 'reconcile' }
  | { readonly kind: 'done' };

export class StreamSync {
  private phase: Phase = { kind: 'load' };
  private cursor: StreamCursor | undefined;
  /** Watermark of a stream's first cursor, created from the first response of its first pass. */
  private firstWatermark = EPOCH;
  private serverNow: string | undefined;

  constructor(
    private readonly run: StreamRun,
    private readonly cliniko: ClinikoReader,
    private readonly logger: Logger,
    private readonly settings: StreamSettings,
  ) {}

  get done(): boolean {
    return this.phase.kind === 'done';
  }

  /** Does one request's worth of work. */
  async step(): Promise<void> {
    const phase = this.phase;
    if (phase.kind === 'load') return this.load();
    if (phase.kind === 'pass') return this.passStep(phase.scan, phase.startedAt);
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

  private get spec(): ScanSpec {
    const { stream } = this.run;
    return { path: stream.path, field: 'updated_at', filters: stream.revealFilters, perPage: this.pageSize };
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

  private async list(path: string, arrayKey: string, query: Parameters<ClinikoReader['listPage']>[2]) {
    this.run.report.requests += 1;
    const { deadline, deadlineMarginMs = 0 } = this.settings;
    // A request must end (answered or abandoned) with half the margin left to publish and checkpoint.
    const limited = deadline === undefined ? query : { ...query, deadline: deadline - deadlineMarginMs / 2 };
    const page = await this.cliniko.listPage(path, arrayKey, limited);
    this.serverNow = toIsoSecond(page.serverTime.getTime());
    return { page, now: this.serverNow };
  }

  private async load(): Promise<void> {
    const { account, stream, state } = this.run;
    this.cursor = await state.getCursor(account, stream.name);
    const cursor = this.cursor;
    if (cursor !== undefined) {
      const from = windowStart(cursor.watermark, this.settings.overlapSeconds);
      const resumed = cursor.position !== undefined;
      this.phase = {
        kind: 'pass',
        scan: startScan(from, cursor.position, cursor.drain, cursor.passFloor),
        startedAt: resumed ? cursor.passStartedAt : undefined,
      };
      return this.step();
    }
    const start = this.settings.startFrom;
    if (start === 'now') {
      // The watermark must be server time, which only a response carries: ask for one record.
      const { now } = await this.list(stream.path, stream.arrayKey, { perPage: 1, page: 1 });
      await this.writeCursor(this.newCursor(now, now, false));
      this.phase = {
        kind: 'pass',
        scan: startScan(windowStart(now, this.settings.overlapSeconds)),
        startedAt: undefined,
      };
      return;
    }
    this.firstWatermark = start === 'beginning' ? EPOCH : isoSecond(start.at);
    const from = windowStart(this.firstWatermark, this.settings.overlapSeconds);
    this.phase = { kind: 'pass', scan: startScan(from), startedAt: undefined };
    return this.step();
  }

  private newCursor(watermark: string, now: string, backfill: boolean): StreamCursor {
    const start = this.settings.startFrom;
    // Starting from a past instant means "tell me what happened since then": records created
    // after it are `created`, not pre-existing records first seen.
    const origin = typeof start === 'object' ? earliest(isoSecond(start.at), now) : now;
    return { watermark, origin, backfill, polledAt: now, reconciledAt: now };
  }

  private async writeCursor(cursor: StreamCursor): Promise<void> {
    await this.run.lease.keep();
    await this.run.state.putCursor(this.run.account, this.run.stream.name, cursor, this.run.lease.token);
    this.cursor = cursor;
  }

  private async passStep(scan: ScanState, startedAt: string | undefined): Promise<void> {
    const { stream, report } = this.run;
    const { page, now } = await this.list(stream.path, stream.arrayKey, scanQuery(this.spec, scan));
    report.pages += 1;
    const cursor =
      this.cursor ?? this.newCursor(this.firstWatermark, now, this.settings.startFrom === 'beginning');
    const passStartedAt = startedAt ?? now;
    const step = scanStep(this.spec, scan, page);
    await commitListed(this.run, this.context(cursor), step.fresh);
    if (!step.done) {
      const { position, drain, floor } = step.next;
      await this.writeCursor({
        ...withoutPass(cursor),
        ...(position ? { position, passStartedAt, passFloor: floor, ...(drain ? { drain } : {}) } : {}),
        polledAt: now,
      });
      this.phase = { kind: 'pass', scan: step.next, startedAt: passStartedAt };
      return;
    }
    const watermark = advanceWatermark(cursor.watermark, passStartedAt, now, this.settings.settleSeconds);
    await this.writeCursor({ ...withoutPass(cursor), watermark, polledAt: now });
    this.afterPass(now);
  }

  private afterPass(now: string): void {
    const cursor = this.cursor;
    const { stream, report } = this.run;
    if (cursor === undefined) return;
    if (stream.deletedFeed !== undefined) {
      if (isDue(cursor.deletedCheckedAt, now, this.settings.deletedFeedIntervalSeconds)) {
        const from = windowStart(cursor.deletedWatermark ?? cursor.origin, this.settings.overlapSeconds);
        this.phase = { kind: 'feed', scan: startScan(from), startedAt: undefined };
        return;
      }
      report.deletedFeed = 'not-due';
    }
    this.afterFeed(now);
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
    const { stream, report } = this.run;
    const feed = stream.deletedFeed;
    const cursor = this.cursor;
    if (feed === undefined || cursor === undefined) {
      this.phase = { kind: 'done' };
      return;
    }
    // `/deleted` feeds accept only `deleted_at` and `id` filters.
    const spec: ScanSpec = { path: feed.path, field: 'deleted_at', filters: [], perPage: this.pageSize };
    report.deletedFeed = 'incomplete';
    const { page, now } = await this.list(feed.path, feed.arrayKey, scanQuery(spec, scan));
    const feedStartedAt = startedAt ?? now;
    const step = scanStep(spec, scan, page);
    await commitFeedDeletions(this.run, this.context(cursor), step.fresh);
    if (!step.done) {
      this.phase = { kind: 'feed', scan: step.next, startedAt: feedStartedAt };
      return;
    }
    const current = cursor.deletedWatermark ?? cursor.origin;
    const deletedWatermark = advanceWatermark(current, feedStartedAt, now, this.settings.settleSeconds);
    await this.writeCursor({ ...cursor, deletedWatermark, deletedCheckedAt: now, polledAt: now });
    report.deletedFeed = 'done';
    this.afterFeed(now);
  }

  /**
   * One page of the id listing, compared with the stored states of the id range it covers, then
   * checkpointed in the cursor (see `reconcile.ts`).
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
    if (budget !== undefined) budget.left -= 1;
    report.reconciliation = 'incomplete';
    const resumed = cursor.reconcile;
    const afterId = resumed?.afterId;
    const { page, now } = await this.list(stream.path, stream.arrayKey, {
      filters: [...stream.revealFilters, ...(afterId === undefined ? [] : [`id:>${afterId}`])],
      sort: 'id',
      perPage: this.pageSize,
      page: 1,
    });
    report.records += page.records.length;
    const listing: Listing = resumed ?? { startedAt: now, listed: 0 };
    const ids = page.records.map((record) => record.id);
    const maxId = ids.reduce<string | undefined>(
      (max, id) => (max === undefined || compareIds(id, max) > 0 ? id : max),
      undefined,
    );
    const full = page.records.length >= this.pageSize || page.nextUrl !== undefined;
    if (full && (maxId === undefined || (afterId !== undefined && compareIds(maxId, afterId) <= 0))) {
      throw new ContractError(
        { method: 'GET', path: stream.path },
        'the id listing did not advance; stopping instead of looping',
      );
    }
    const verdict = judgeListingPage(listing, { ids, totalEntries: page.totalEntries, full }, maxId);
    if (!verdict.trusted) {
      report.reconciliation = 'refused';
      this.logger.warn('reconciliation refused: the id listing is not trustworthy, no deletes inferred', {
        account,
        stream: stream.name,
        reason: verdict.reason,
        listed: listing.listed + ids.length,
        totalEntries: page.totalEntries ?? null,
      });
      // Tried again at the next interval, not on every run.
      await this.writeReconciled(cursor, listing.startedAt, now);
      return;
    }
    const listed = new Set(ids);
    for await (const batch of state.listRecordStates(account, stream.name, verdict.range)) {
      const vanished = vanishedRecords(batch, listed, listing.startedAt, this.settings.overlapSeconds);
      await commitVanished(this.run, vanished, now);
    }
    if (verdict.next !== undefined) {
      await this.writeCursor({ ...cursor, reconcile: verdict.next, polledAt: now });
      return;
    }
    report.reconciliation = 'done';
    await this.writeReconciled(cursor, listing.startedAt, now);
  }

  private async writeReconciled(cursor: StreamCursor, startedAt: string, now: string): Promise<void> {
    const { reconcile: _listing, ...rest } = cursor;
    await this.writeCursor({ ...rest, reconciledAt: startedAt, polledAt: now });
    this.phase = { kind: 'done' };
  }
}

/** The cursor without the fields of an unfinished pass. */
function withoutPass(cursor: StreamCursor): StreamCursor {
  const { position: _position, passStartedAt: _started, drain: _drain, passFloor: _floor, ...rest } = cursor;
  return rest;
}
