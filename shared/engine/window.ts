/**
 * Cursor arithmetic, pure (invariants 4 and 5). A pass reads `field:>=floor` sorted by
 * (field, id), always page 1, and moves the floor to the last record it saw: a keyset walk that no
 * row shifting between requests can make skip anything. A full page whose records all share one
 * second (a tie larger than a page) is drained by `id` inside that second before moving on, so the
 * walk never needs `page=N` and never loops on identical timestamps.
 */

import { ContractError } from '../errors.js';
import { compareKeysets, type Keyset, maxKeyset } from './keyset.js';
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

export interface ScanState {
  /** Inclusive lower bound of the next request. */
  readonly floor: string;
  /** Largest (timestamp, id) processed; records at or below it are re-reads and are skipped. */
  readonly position?: Keyset;
  /** Set while draining one second by id (a tie larger than a page). */
  readonly drainSecond?: string;
}

export interface ScanPage {
  readonly records: readonly ClinikoRecord[];
  readonly nextUrl: string | undefined;
}

export interface ScanStep {
  /** Records after the old position, in page order: the ones to process. */
  readonly fresh: readonly ClinikoRecord[];
  readonly next: ScanState;
  /** True when the walk reached the end (a last page outside a drain). */
  readonly done: boolean;
}

/** Starts (or resumes, after a saved position) a walk from `from`. */
export function startScan(from: string, position?: Keyset): ScanState {
  return position === undefined ? { floor: from } : { floor: latest(from, position.updatedAt), position };
}

/** The request for the next page: always page 1, keyset bounds in the filters. */
export function scanQuery(spec: ScanSpec, state: ScanState): ListQuery {
  const { field } = spec;
  if (state.drainSecond !== undefined) {
    const second = state.drainSecond;
    return {
      filters: [
        ...spec.filters,
        `${field}:>=${second}`,
        `${field}:<=${second}`,
        ...(state.position === undefined ? [] : [`id:>${state.position.id}`]),
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
 * maximum seen, never the last in page order); a request that does not move the position forward
 * when it must is a broken contract, never a reason to loop.
 */
export function scanStep(spec: ScanSpec, state: ScanState, page: ScanPage): ScanStep {
  const keyed = page.records.map((record) => ({ record, key: keysetOf(spec, record) }));
  const old = state.position;
  const fresh = keyed
    .filter(({ key }) => old === undefined || compareKeysets(key, old) > 0)
    .map((k) => k.record);
  // A short page without a `next` link is the last one; a server that caps per_page lower than asked
  // still sends `next`, so that is not mistaken for the end.
  const full = page.records.length >= spec.perPage || page.nextUrl !== undefined;
  const pageMax = keyed.reduce<Keyset | undefined>((max, { key }) => maxKeyset(max, key), undefined);
  const stalled = (position: Keyset | undefined): boolean =>
    position === undefined || (old !== undefined && compareKeysets(position, old) <= 0);

  if (state.drainSecond !== undefined) {
    const second = state.drainSecond;
    const inSecond = keyed.filter(({ key }) => key.updatedAt === second).map(({ key }) => key);
    const position = inSecond.reduce<Keyset | undefined>((max, key) => maxKeyset(max, key), old);
    if (!full) return { fresh, next: withPosition(shiftSeconds(second, 1), position), done: false };
    if (stalled(position)) throw noProgress(spec, 'while draining one second by id');
    return { fresh, next: { ...withPosition(state.floor, position), drainSecond: second }, done: false };
  }

  const position = maxKeyset(old, pageMax);
  if (!full) return { fresh, next: withPosition(state.floor, position), done: true };
  const seconds = new Set(keyed.map(({ key }) => key.updatedAt));
  const [only] = seconds;
  if (seconds.size === 1 && only !== undefined) {
    if ((parseTimestamp(only) ?? 0) < (parseTimestamp(state.floor) ?? 0)) {
      throw new ContractError(
        { method: 'GET', path: spec.path },
        `records before the requested ${spec.field} lower bound were returned`,
      );
    }
    return { fresh, next: { ...withPosition(state.floor, position), drainSecond: only }, done: false };
  }
  if (stalled(position) || position === undefined) throw noProgress(spec, 'on a full page');
  return { fresh, next: withPosition(latest(state.floor, position.updatedAt), position), done: false };
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
