/**
 * Keyset positions: (timestamp second, id), the order the engine pages in. Ids are 64-bit
 * integers sent as decimal strings and must be compared numerically, never as JS numbers.
 */
import { parseTimestamp } from './timestamp.js';

export interface Keyset {
  /** A timestamp (UTC ISO second) of the record: `updated_at`, or `deleted_at` in a `/deleted` feed. */
  readonly updatedAt: string;
  readonly id: string;
}

const DECIMAL = /^\d+$/;

/** Numeric order for decimal ids of any length; plain string order for anything else. */
export function compareIds(a: string, b: string): number {
  if (DECIMAL.test(a) && DECIMAL.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKeysets(a: Keyset, b: Keyset): number {
  const byTime = (parseTimestamp(a.updatedAt) ?? 0) - (parseTimestamp(b.updatedAt) ?? 0);
  return byTime !== 0 ? Math.sign(byTime) : compareIds(a.id, b.id);
}

/** The larger of two positions; `undefined` counts as "before everything". */
export function maxKeyset(a: Keyset | undefined, b: Keyset | undefined): Keyset | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareKeysets(a, b) >= 0 ? a : b;
}
