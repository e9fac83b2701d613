/**
 * Classification, pure: which event (if any) one observation of a record produces, and the record
 * state to remember afterwards (design §3). The most specific action wins:
 * deleted > archived / restored / cancelled > created > updated.
 */
import type { Action } from '../events/contract.js';
import type { StreamDefinition } from '../streams.js';
import { changedFields, contentFingerprint, fieldHashes } from './fingerprint.js';
import type { ClinikoRecord, RecordState } from './ports.js';
import { isSet, parseTimestamp } from './timestamp.js';

export interface ClassifyContext {
  readonly stream: StreamDefinition;
  /** When the bridge started watching the stream (cursor `origin`). */
  readonly origin: string;
  /** The stream started from the beginning: pre-origin records first seen are snapshots. */
  readonly backfill: boolean;
  /** Keep the published version in the record state (operator opted in to `previous`). */
  readonly storeSnapshots: boolean;
}

export interface Observation {
  readonly action: Action;
  /** Changed top-level fields; `null` when there is no earlier version to compare with. */
  readonly changedFields: readonly string[] | null;
  /** The previously published version (snapshots mode only). */
  readonly previous?: Readonly<Record<string, unknown>>;
}

export interface Classification {
  /** `undefined`: nothing to publish (content unchanged). */
  readonly event: Observation | undefined;
  /** The state to remember; equal to the stored one when `write` is false. */
  readonly state: RecordState;
  /** Whether `state` must be written (false for a re-read without change: idle costs no writes). */
  readonly write: boolean;
}

interface Lifecycle {
  readonly archived: boolean;
  readonly cancelled: boolean;
  readonly deleted: boolean;
}

/** Lifecycle flags as the stream's registry entry defines them; `""` and null both mean "not set". */
export function lifecycleOf(stream: StreamDefinition, record: Readonly<Record<string, unknown>>): Lifecycle {
  const has = (field: 'archived_at' | 'cancelled_at' | 'deleted_at'): boolean =>
    stream.lifecycle.includes(field) && isSet(record[field]);
  return { archived: has('archived_at'), cancelled: has('cancelled_at'), deleted: has('deleted_at') };
}

/** Classifies one record read from a list against what the bridge last published for it. */
export function classify(
  context: ClassifyContext,
  record: ClinikoRecord,
  stored: RecordState | undefined,
): Classification {
  const fingerprint = contentFingerprint(record);
  const hashes = fieldHashes(record);
  const flags = lifecycleOf(context.stream, record);
  const updatedAt =
    typeof record.updated_at === 'string' && record.updated_at !== '' ? record.updated_at : null;
  const state: RecordState = {
    id: record.id,
    fingerprint,
    fieldHashes: hashes,
    updatedAt,
    ...flags,
    ...(context.storeSnapshots ? { snapshot: record } : {}),
  };

  if (stored === undefined) return { event: firstSighting(context, record), state, write: true };

  const action = transition(context.stream, stored, flags);
  if (action === undefined && stored.fingerprint === fingerprint)
    return { event: undefined, state: stored, write: false };
  const event: Observation = {
    action: action ?? 'updated',
    changedFields: changedFields(stored.fieldHashes, hashes),
    ...(context.storeSnapshots && stored.snapshot !== undefined ? { previous: stored.snapshot } : {}),
  };
  return { event, state, write: true };
}

function firstSighting(context: ClassifyContext, record: ClinikoRecord): Observation {
  const origin = parseTimestamp(context.origin) ?? 0;
  const sinceOrigin = (field: string): boolean =>
    (parseTimestamp(record[field]) ?? Number.NEGATIVE_INFINITY) >= origin;
  const lifecycle = context.stream.lifecycle;
  const created = sinceOrigin('created_at');
  // A lifecycle change that happened while the bridge was watching is news even on a first sighting.
  const lifecycleAction: Action | undefined =
    lifecycle.includes('deleted_at') && sinceOrigin('deleted_at')
      ? 'deleted'
      : lifecycle.includes('archived_at') && sinceOrigin('archived_at')
        ? 'archived'
        : lifecycle.includes('cancelled_at') && sinceOrigin('cancelled_at')
          ? 'cancelled'
          : undefined;
  const action: Action = lifecycleAction ?? (created ? 'created' : context.backfill ? 'snapshot' : 'updated');
  // No earlier version was ever published, so there is nothing to compare with (design §3).
  return { action, changedFields: null };
}

/** The lifecycle action between two observations, by precedence; `undefined` if none. */
function transition(stream: StreamDefinition, before: RecordState, after: Lifecycle): Action | undefined {
  if (!before.deleted && after.deleted) return 'deleted';
  if (!before.archived && after.archived) return 'archived';
  // A record reported deleted that is listed again came back: say so where the stream can.
  if ((before.archived && !after.archived) || (before.deleted && !after.deleted)) {
    return stream.lifecycle.includes('archived_at') ? 'restored' : 'updated';
  }
  if (!before.cancelled && after.cancelled) return 'cancelled';
  return undefined;
}

/** A deletion reported by a `/deleted` feed item (which may carry only `id` and `deleted_at`). */
export function classifyFeedDeletion(
  context: ClassifyContext,
  item: ClinikoRecord,
  deletedAt: string,
  stored: RecordState | undefined,
): { readonly event: Observation; readonly state: RecordState; readonly fingerprint: string } | undefined {
  if (stored?.deleted) return undefined;
  // Deleted before the bridge started watching and never seen: history, not news.
  if (stored === undefined && (parseTimestamp(deletedAt) ?? 0) < (parseTimestamp(context.origin) ?? 0)) {
    return undefined;
  }
  const fingerprint = stored?.fingerprint ?? contentFingerprint(item);
  const state: RecordState = stored
    ? { ...stored, deleted: true }
    : {
        id: item.id,
        fingerprint,
        fieldHashes: fieldHashes(item),
        updatedAt: deletedAt,
        archived: false,
        cancelled: false,
        deleted: true,
      };
  return { event: { action: 'deleted', changedFields: stored ? ['deleted_at'] : null }, state, fingerprint };
}
