/**
 * Reconciliation rules, pure (docs/design.md, Engine invariants, 6): Cliniko's full id listing,
 * compared page by page with the stored states of the same id range, catches hard deletes no feed
 * reports. Deleting on the strength of a listing is only safe when the listing can be trusted, so a
 * page that contradicts the counts Cliniko gave (a listing that shrank suddenly, a last page shorter
 * than its own count, an empty listing without a count) stops the listing without inferring
 * anything; it is tried again at the next interval.
 */
import { classifyVanished } from './classify.js';
import type { IdRange, RecordState, StreamCursor } from './ports.js';
import { parseTimestamp, shiftSeconds } from './timestamp.js';

/** An unfinished listing, as checkpointed in the cursor. */
export type Listing = NonNullable<StreamCursor['reconcile']>;

export interface ListingPage {
  /** The ids listed, in the order listed. */
  readonly ids: readonly string[];
  /** `total_entries` of this page's query (the ids still to list), when Cliniko sent one. */
  readonly totalEntries: number | undefined;
  /** A full page, or one with a `next` link: the listing goes on. */
  readonly full: boolean;
}

export type PageVerdict =
  | {
      readonly trusted: true;
      /** The id range this page covers: after the previous page, up to its largest id (or all the rest). */
      readonly range: IdRange;
      readonly last: boolean;
      /** The listing after this page; `undefined` when this was the last page. */
      readonly next: Listing | undefined;
    }
  | { readonly trusted: false; readonly reason: 'short' | 'unverifiable' };

/** Records deleted while the listing runs make counts drop a little; allow that much. */
export function churnTolerance(count: number): number {
  return Math.max(5, Math.ceil(count * 0.01));
}

/**
 * Judges one page of the listing, given the listing so far. `maxId` is the page's largest id (the
 * caller checked that it moved past `listing.afterId`).
 */
export function judgeListingPage(
  listing: Listing,
  page: ListingPage,
  maxId: string | undefined,
): PageVerdict {
  const { totalEntries } = page;
  // What the previous page's count promised is still to come; much less now means the listing
  // shrank under us (a permission change, a broken filter), not a few deletes.
  if (listing.remaining !== undefined && totalEntries !== undefined) {
    if (totalEntries < listing.remaining - churnTolerance(listing.remaining))
      return { trusted: false, reason: 'short' };
  }
  const listed = listing.listed + page.ids.length;
  if (!page.full) {
    if (totalEntries !== undefined && page.ids.length + churnTolerance(totalEntries) < totalEntries) {
      return { trusted: false, reason: 'short' };
    }
    // Without a count, an empty listing cannot be told apart from a broken one.
    if (totalEntries === undefined && listed === 0) return { trusted: false, reason: 'unverifiable' };
    return { trusted: true, range: rangeAfter(listing.afterId, undefined), last: true, next: undefined };
  }
  const next: Listing = {
    startedAt: listing.startedAt,
    listed,
    ...(maxId === undefined ? {} : { afterId: maxId }),
    ...(totalEntries === undefined ? {} : { remaining: totalEntries - page.ids.length }),
  };
  return { trusted: true, range: rangeAfter(listing.afterId, maxId), last: false, next };
}

function rangeAfter(after: string | undefined, through: string | undefined): IdRange {
  return { ...(after === undefined ? {} : { after }), ...(through === undefined ? {} : { through }) };
}

/**
 * Stored records of a listed id range that the listing did not contain and whose deletion consumers
 * may not know of (not deleted, or with a deletion still pending; see `classifyVanished`). A record
 * last changed after `listing.startedAt` minus the overlap is left for the next reconciliation: it
 * may have been created (or become visible, when a commit shows late) after its range was listed.
 */
export function vanishedRecords(
  stored: readonly RecordState[],
  listed: ReadonlySet<string>,
  startedAt: string,
  overlapSeconds: number,
): RecordState[] {
  const settledBefore = parseTimestamp(shiftSeconds(startedAt, -overlapSeconds)) ?? 0;
  return stored.filter(
    (state) =>
      !listed.has(state.id) &&
      (parseTimestamp(state.updatedAt) ?? 0) < settledBefore &&
      classifyVanished(state) !== undefined,
  );
}
