/**
 * Cursor arithmetic, pure (docs/design.md, Engine invariants, 4 and 5). A pass reads
 * `field:>=floor` sorted by (field, id), always page 1, and moves the floor to the last second it
 * saw: a keyset walk that no row shifting between requests can make skip anything. The floor is a
 * whole second and every record from it on is processed again, because a server that keeps
 * sub-second timestamps orders a second by instant, not by id, so (second, id) cannot tell a re-read
 * from a record not seen yet; classification is by content, so a re-read publishes nothing. A full
 * page whose records all share one second (a tie larger than a page) is drained by `id` inside
 * `[second, second + 1 s)` before moving on, so the walk never needs `page=N` and never loops on
 * identical timestamps.
 */

import { ContractError } from '../errors.js';
import { compareIds, type Keyset, maxKeyset } from './keyset.js';
import type { ClinikoRecord, ListQuery } from './ports.js';
import { earliest, latest, parseTimestamp, shiftSeconds, toIsoSecond } from './timestamp.js';

/** Largest page Cliniko serves. */
export const PAGE_SIZE = 100;

export interface ScanSpec {
  /** List path, for error messages. */
  readonly path: string;
  /** The timestamp walked: `updated_at` for lists, `deleted_at` for `/deleted` feeds. */
  readonly field: string;
  /** Filters sent with every request (e.g. `archived_at:*`). */
  readonly filters: readonly string[];
  readonly perPage: number;
}

/** One second being read by id because more records share it than a page holds. */
export interface Drain {
  readonly second: string;
  /** Largest id of the previous drain page; absent for the first drain request. */
  readonly afterId?: string;
}

export interface ScanState {
  /** Inclusive lower bound (a whole second) of the next request outside a drain. */
  readonly floor: string;
  /**
   * Largest (second, id) seen, saved as the checkpoint. Everything before its second has been
   * processed; a resume re-reads its whole second, since inside a second ids are not in server order.
   */
  readonly position?: Keyset;
  /** Set while draining one second by id (a tie larger than a page). */
  readonly drain?: Drain;
}

export interface ScanPage {
  readonly records: readonly ClinikoRecord[];
  readonly nextUrl: string | undefined;
}

export interface ScanStep {
  /**
   * The records to process: the whole page, in page order. Re-reads (the floor's second, a drain's
   * first page) are included on purpose and classify as unchanged.
   */
  readonly fresh: readonly ClinikoRecord[];
  readonly next: ScanState;
  /** True when the walk reached the end (a last page outside a drain). */
  readonly done: boolean;
}

/**
 * Starts (or resumes) a walk from `from`. A resume starts at the saved floor: the second of the
 * saved position, re-read whole, or the second after a tie that a drain finished; when it stopped
 * inside a drain, it continues that drain after its last id.
 */
export function startScan(from: string, position?: Keyset, drain?: Drain, savedFloor?: string): ScanState {
  if (position === undefined) return { floor: from };
  const floor = latest(from, savedFloor ?? position.updatedAt);
  return drain === undefined ? { floor, position } : { floor, position, drain };
}

/** The request for the next page: always page 1, keyset bounds in the filters. */
export function scanQuery(spec: ScanSpec, state: ScanState): ListQuery {
  const { field } = spec;
  const { drain } = state;
  if (drain !== undefined) {
    // `<` the next second, not `<=` this one: a server keeping milliseconds has records at S.5.
    return {
      filters: [
        ...spec.filters,
        `${field}:>=${drain.second}`,
        `${field}:<${shiftSeconds(drain.second, 1)}`,
        ...(drain.afterId === undefined ? [] : [`id:>${drain.afterId}`]),
      ],
      sort: 'id',
      perPage: spec.perPage,
      page: 1,
    };
  }
  return {
    filters: [...spec.filters, `${field}:>=${state.floor}`],
    sort: `${field},id`,
    perPage: spec.perPage,
    page: 1,
  };
}

/** The keyset of a record; a record without a valid timestamp breaks the API contract. */
export function keysetOf(spec: ScanSpec, record: ClinikoRecord): Keyset {
  const millis = parseTimestamp(record[spec.field]);
  if (millis === undefined) {
    throw new ContractError({ method: 'GET', path: spec.path }, `a listed record has no valid ${spec.field}`);
  }
  return { updatedAt: toIsoSecond(millis), id: record.id };
}

/**
 * Consumes one page. Out-of-order records and duplicates are all processed (the position is the
 * maximum seen, never the last in page order); a full page that does not move the walk forward is
 * a broken contract, never a reason to loop.
 */
export function scanStep(spec: ScanSpec, state: ScanState, page: ScanPage): ScanStep {
  const keyed = page.records.map((record) => ({ record, key: keysetOf(spec, record) }));
  const fresh = page.records;
  // A short page without a `next` link is the last one; a server that caps per_page lower than asked
  // still sends `next`, so that is not mistaken for the end.
  const full = page.records.length >= spec.perPage || page.nextUrl !== undefined;
  if (state.drain !== undefined) return drainStep(spec, state, state.drain, keyed, full);

  const pageMax = keyed.reduce<Keyset | undefined>((max, { key }) => maxKeyset(max, key), undefined);
  const position = maxKeyset(state.position, pageMax);
  if (!full) return { fresh, next: withPosition(state.floor, position), done: true };
  if (pageMax === undefined) throw noProgress(spec, 'on a full page');
  const reach = pageMax.updatedAt;
  if (keyed.every(({ key }) => key.updatedAt === reach)) {
    if (epochMs(reach) < epochMs(state.floor)) {
      throw new ContractError(
        { method: 'GET', path: spec.path },
        `records before the requested ${spec.field} lower bound were returned`,
      );
    }
    return { fresh, next: { ...withPosition(state.floor, position), drain: { second: reach } }, done: false };
  }
  // The next request starts at the last second seen, re-reading it whole: its records on this page
  // are not a prefix by id when the server orders a second by sub-second instant.
  if (epochMs(reach) <= epochMs(state.floor)) throw noProgress(spec, 'on a full page');
  return { fresh, next: withPosition(reach, position), done: false };
}

/**
 * One page of a drain, sorted by id only, so the largest id on it bounds the next request. Only
 * records inside the drained second move the position: a server ignoring the time filter must
 * not make a resume skip the seconds in between.
 */
function drainStep(
  spec: ScanSpec,
  state: ScanState,
  drain: Drain,
  keyed: readonly { readonly record: ClinikoRecord; readonly key: Keyset }[],
  full: boolean,
): ScanStep {
  const fresh = keyed.map(({ record }) => record);
  const inSecond = keyed.filter(({ key }) => key.updatedAt === drain.second);
  const position = inSecond.reduce<Keyset | undefined>((max, { key }) => maxKeyset(max, key), state.position);
  if (!full) return { fresh, next: withPosition(shiftSeconds(drain.second, 1), position), done: false };
  const lastId = keyed.reduce<string | undefined>(
    (max, { key }) => (max === undefined || compareIds(key.id, max) > 0 ? key.id : max),
    undefined,
  );
  if (lastId === undefined || (drain.afterId !== undefined && compareIds(lastId, drain.afterId) <= 0)) {
    throw noProgress(spec, 'while draining one second by id');
  }
  return {
    fresh,
    next: { ...withPosition(state.floor, position), drain: { second: drain.second, afterId: lastId } },
    done: false,
  };
}

function epochMs(iso: string): number {
  return parseTimestamp(iso) ?? 0;
}

function withPosition(floor: string, position: Keyset | undefined): ScanState {
  return position === undefined ? { floor } : { floor, position };
}

function noProgress(spec: ScanSpec, where: string): ContractError {
  return new ContractError(
    { method: 'GET', path: spec.path },
    `the keyset position did not advance ${where}; the API ignored a filter or the sort order, stopping instead of looping`,
  );
}

/** Lower bound of a pass: the watermark minus the overlap, so late commits are re-read. */
export function windowStart(watermark: string, overlapSeconds: number): string {
  return shiftSeconds(watermark, -overlapSeconds);
}

/**
 * The watermark after a complete pass: the server time the pass started (or now, if earlier)
 * minus the settle time, and never earlier than the current one. Everything that committed before
 * that instant was visible to the pass.
 */
export function advanceWatermark(
  current: string,
  passStartedAt: string,
  serverNow: string,
  settleSeconds: number,
): string {
  return latest(current, shiftSeconds(earliest(passStartedAt, serverNow), -settleSeconds));
}

/** Whether a periodic task last run at `last` (server time) is due at `now`; `null` interval = never. */
export function isDue(last: string | undefined, now: string, intervalSeconds: number | null): boolean {
  if (intervalSeconds === null) return false;
  if (last === undefined) return true;
  return (parseTimestamp(now) ?? 0) - (parseTimestamp(last) ?? 0) >= intervalSeconds * 1000;
}
