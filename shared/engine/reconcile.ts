/**
 * Reconciliation rules, pure (invariant 6): a full id listing compared with the stored record
 * states catches hard deletes no feed reports. Deleting on the strength of a listing is only safe
 * when the listing is known to be complete, so a listing that failed, was cut short or came back
 * smaller than Cliniko said it would be is never acted on.
 */
import { classifyVanished } from './classify.js';
import type { RecordState } from './ports.js';

export interface ListingSummary {
  /** The walk reached its last page without an error. */
  readonly completed: boolean;
  /** Distinct ids listed. */
  readonly listed: number;
  /** `total_entries` of the first page, when Cliniko sent one. */
  readonly totalEntries: number | undefined;
}

export type ListingVerdict =
  | { readonly consistent: true }
  | { readonly consistent: false; readonly reason: 'incomplete' | 'short' | 'unverifiable' };

/** Records deleted while the listing runs make it shorter than the first page's count; allow that much. */
export function churnTolerance(totalEntries: number): number {
  return Math.max(5, Math.ceil(totalEntries * 0.01));
}

export function judgeListing(summary: ListingSummary): ListingVerdict {
  if (!summary.completed) return { consistent: false, reason: 'incomplete' };
  if (summary.totalEntries === undefined) {
    // Without a count an empty listing cannot be told apart from a broken one.
    return summary.listed > 0 ? { consistent: true } : { consistent: false, reason: 'unverifiable' };
  }
  if (summary.listed < summary.totalEntries - churnTolerance(summary.totalEntries)) {
    return { consistent: false, reason: 'short' };
  }
  return { consistent: true };
}

/**
 * Stored records whose id the listing did not contain and whose deletion consumers may not know of:
 * not deleted, or with a deletion still pending (see `classifyVanished`).
 */
export function vanishedRecords(stored: readonly RecordState[], listed: ReadonlySet<string>): RecordState[] {
  return stored.filter((state) => !listed.has(state.id) && classifyVanished(state) !== undefined);
}
