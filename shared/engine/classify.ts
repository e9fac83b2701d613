/**
 * Classification, pure: which event (if any) one observation of a record produces, and the record
 * states to write before and after publishing it (docs/design.md, Classification). The most
 * specific action wins: deleted > archived / restored / cancelled > created > updated. A version a
 * failed run left in flight changes what an observation is compared with: see `pending-version.ts`.
 */
import type { Action } from '../events/contract.js';
import type { LifecycleField, StreamDefinition } from '../streams.js';
import { trackedValuesOf } from '../tracked-fields.js';
import type { ContentKeyRing } from './content-key.js';
import { recordContent, UPDATED_AT } from './fingerprint.js';
import { basisOf, nextSequence, Seen, stagedState } from './pending-version.js';
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
  /** The deployment's content keys: fingerprints and field hashes are keyed with `current`. */
  readonly keys: ContentKeyRing;
}

export interface Observation {
  readonly action: Action;
  /** Changed top-level fields; `null` when there is no earlier version to compare with (or it is opaque). */
  readonly changedFields: readonly string[] | null;
  /** The previously published version (snapshots mode only). */
  readonly previous?: Readonly<Record<string, unknown>>;
  /** The tracked fields' values of the version compared with, where the state kept them. */
  readonly trackedPrevious?: Readonly<Record<string, unknown>>;
}

export interface Classification {
  /** `undefined`: nothing to publish (content unchanged). */
  readonly event: Observation | undefined;
  /**
   * The version the event describes: the record as read or, when the observation repeats the version
   * in flight, that version (same content, its own `updated_at`) so the event is the same one.
   */
  readonly record: ClinikoRecord;
  /** The state to remember once the event is published; the stored one when there is no event. */
  readonly state: RecordState;
  /** The state to write before publishing (see `stagedState`); present exactly when there is an event. */
  readonly staged: RecordState | undefined;
  /**
   * Set when there is no event but the stored state should be written again: it was written with a
   * content key other than the current one, and now is re-keyed (once per record after a rotation).
   */
  readonly rekeyed?: RecordState;
}

interface Lifecycle {
  readonly archived: boolean;
  readonly cancelled: boolean;
  readonly deleted: boolean;
}

/** Lifecycle flags as the stream's registry entry defines them; `""` and null both mean "not set". */
export function lifecycleOf(stream: StreamDefinition, record: Readonly<Record<string, unknown>>): Lifecycle {
  return {
    archived: hasLifecycle(stream, record, 'archived_at'),
    cancelled: hasLifecycle(stream, record, 'cancelled_at'),
    deleted: hasLifecycle(stream, record, 'deleted_at'),
  };
}

function hasLifecycle(
  stream: StreamDefinition,
  record: Readonly<Record<string, unknown>>,
  field: LifecycleField,
): boolean {
  return stream.lifecycle.includes(field) && isSet(record[field]);
}

/** Fields that are not content for a stream: `updated_at` and the fields Cliniko derives from other records. */
export function notContentOf(stream: StreamDefinition): ReadonlySet<string> {
  return new Set([UPDATED_AT, ...(stream.derivedFields ?? [])]);
}

/** Classifies one record read from a list against what the bridge last published for it. */
export function classify(
  context: ClassifyContext,
  observed: ClinikoRecord,
  stored: RecordState | undefined,
): Classification {
  const notContent = notContentOf(context.stream);
  const content = recordContent(observed, context.keys.current, notContent);
  const flags = lifecycleOf(context.stream, observed);
  // The common re-read: same content in the same key, same lifecycle, nothing in flight. Per-field
  // hashes are only needed to name changed fields or to be stored, so they are not computed here.
  if (
    stored !== undefined &&
    stored.pending === undefined &&
    stored.keyId === content.keyId &&
    stored.fingerprint === content.fingerprint &&
    transition(context.stream, stored, flags) === undefined
  ) {
    return { event: undefined, record: observed, state: stored, staged: undefined };
  }
  const seen = new Seen(observed, flags, timestampOf(observed), content, context.keys, notContent);
  const { against, replay } = basisOf(stored, seen);
  // A touch since the failed run moved `updated_at` only; the event must stay the one built then.
  const record =
    replay === undefined || replay.updatedAt === null || replay.updatedAt === observed.updated_at
      ? observed
      : { ...observed, updated_at: replay.updatedAt };
  const tracked = trackedValuesOf(context.stream.name, record);
  const state: RecordState = {
    id: record.id,
    fingerprint: content.fingerprint,
    keyId: content.keyId,
    fieldHashes: content.fieldHashes(),
    updatedAt: timestampOf(record),
    archived: flags.archived,
    cancelled: flags.cancelled,
    deleted: flags.deleted,
    ...(context.storeSnapshots ? { snapshot: record } : {}),
    ...(tracked === undefined ? {} : { tracked }),
    // A replay repeats the number the failed run gave the same event.
    sequence: replay?.sequence ?? nextSequence(stored),
  };

  if (against === undefined) {
    const event = firstSighting(context, record);
    return { event, record, state, staged: stagedState(undefined, state) };
  }
  const action = transition(context.stream, against, flags);
  if (action === undefined && seen.sameContentAs(against)) {
    const unchanged = stored ?? against;
    // Nothing happened, but the state was keyed with a key other than the current one: write it
    // again in the current key (no event), so a rotation converges record by record.
    const rekey = unchanged.pending === undefined && unchanged.keyId !== content.keyId;
    return {
      event: undefined,
      record,
      state: unchanged,
      staged: undefined,
      // The re-keyed state still stands for the event last published: its sequence, and what `resync` sends again.
      ...(rekey ? { rekeyed: withPublicationOf(state, unchanged) } : {}),
    };
  }
  const event: Observation = {
    action: action ?? 'updated',
    changedFields: seen.fieldsChangedFrom(against),
    ...(context.storeSnapshots && against.snapshot !== undefined ? { previous: against.snapshot } : {}),
    ...trackedPreviousOf(against),
  };
  return { event, record, state, staged: stagedState(against, state) };
}

/** The tracked values of the version an event is compared with, when it kept any. */
function trackedPreviousOf(against: RecordState | undefined): Pick<Observation, 'trackedPrevious'> {
  const tracked = against?.tracked;
  return tracked === undefined || Object.keys(tracked).length === 0 ? {} : { trackedPrevious: tracked };
}

/** `state` with the sequence number of `source` (a state written again without an event keeps its number). */
function withPublicationOf(state: RecordState, source: RecordState): RecordState {
  const { sequence: _sequence, reported: _reported, ...rest } = state;
  return {
    ...rest,
    ...(source.sequence === undefined ? {} : { sequence: source.sequence }),
    ...(source.reported === undefined ? {} : { reported: source.reported }),
  };
}

function timestampOf(record: Readonly<Record<string, unknown>>): string | null {
  return typeof record.updated_at === 'string' && record.updated_at !== '' ? record.updated_at : null;
}

function firstSighting(context: ClassifyContext, record: ClinikoRecord): Observation {
  const origin = parseTimestamp(context.origin) ?? 0;
  const lifecycle = context.stream.lifecycle;
  // A lifecycle change that happened while the bridge was watching is news even on a first sighting.
  const lifecycleAction: Action | undefined =
    lifecycle.includes('deleted_at') && setSince(record, 'deleted_at', origin)
      ? 'deleted'
      : lifecycle.includes('archived_at') && setSince(record, 'archived_at', origin)
        ? 'archived'
        : lifecycle.includes('cancelled_at') && setSince(record, 'cancelled_at', origin)
          ? 'cancelled'
          : undefined;
  const action: Action =
    lifecycleAction ??
    (setSince(record, 'created_at', origin) ? 'created' : context.backfill ? 'snapshot' : 'updated');
  // No earlier version was ever published, so there is nothing to compare with
  // (docs/design.md, Classification).
  return { action, changedFields: null };
}

/** The record's timestamp `field` is at or after `origin` (epoch milliseconds). */
function setSince(record: ClinikoRecord, field: string, origin: number): boolean {
  return (parseTimestamp(record[field]) ?? Number.NEGATIVE_INFINITY) >= origin;
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

/** A deletion to publish, and the states to write before and after publishing it. */
export interface Deletion {
  readonly event: Observation;
  /** The record the event describes (feed items can be minimal: the snapshot, if kept, fills in). */
  readonly record: ClinikoRecord;
  /** Fingerprint for the event id. */
  readonly fingerprint: string;
  readonly state: RecordState;
  readonly staged: RecordState;
}

/**
 * A deletion reported by a `/deleted` feed item (which may carry only `id` and `deleted_at`).
 * A pending deleted version is the same observation again: classified against the confirmed part,
 * it gives the same event as the failed run when that run read the same feed item (the usual case:
 * the feed's watermark did not move). A pending delete from the list or a reconciliation gives a
 * second `deleted` event with another id: at-least-once, never a lost delete.
 */
export function classifyFeedDeletion(
  context: ClassifyContext,
  item: ClinikoRecord,
  deletedAt: string,
  stored: RecordState | undefined,
): Deletion | undefined {
  const { against, replay } = basisOf(stored, 'deleted');
  if (against?.deleted) return undefined;
  // Deleted before the bridge started watching and never seen: history, not news.
  if (against === undefined && (parseTimestamp(deletedAt) ?? 0) < (parseTimestamp(context.origin) ?? 0)) {
    return undefined;
  }
  const sequence = replay?.sequence ?? nextSequence(stored);
  const state: RecordState = against
    ? { ...against, deleted: true, sequence }
    : { ...firstSeenDeleted(context, item, deletedAt), sequence };
  const fingerprint = state.fingerprint;
  return {
    event: {
      action: 'deleted',
      changedFields: against ? ['deleted_at'] : null,
      ...trackedPreviousOf(against),
    },
    record: { ...(against?.snapshot ?? {}), ...item },
    fingerprint,
    state,
    staged: stagedState(against, state),
  };
}

function firstSeenDeleted(context: ClassifyContext, item: ClinikoRecord, deletedAt: string): RecordState {
  const content = recordContent(item, context.keys.current, notContentOf(context.stream));
  return {
    id: item.id,
    fingerprint: content.fingerprint,
    keyId: content.keyId,
    fieldHashes: content.fieldHashes(),
    updatedAt: deletedAt,
    archived: false,
    cancelled: false,
    deleted: true,
  };
}

/**
 * A stored record a complete, consistent id listing no longer contains: a hard delete, reported as
 * of the version it is compared with (`basis`), whose `updated_at` is the last one known. A pending
 * deleted version is replayed against the confirmed part, which repeats the failed run's event when
 * a reconciliation built it (a feed delete is replayed by the feed, which runs first). Nothing is
 * reported when that confirmed part is already deleted, or when there is none: a record first seen
 * deleted was never announced as existing.
 */
export function classifyVanished(
  stored: RecordState,
): (Omit<Deletion, 'record'> & { readonly basis: RecordState }) | undefined {
  const { against: basis, replay } = basisOf(stored, 'deleted');
  if (basis === undefined || basis.deleted) return undefined;
  const state: RecordState = { ...basis, deleted: true, sequence: replay?.sequence ?? nextSequence(stored) };
  return {
    event: { action: 'deleted', changedFields: null },
    fingerprint: basis.fingerprint,
    basis,
    state,
    staged: stagedState(basis, state),
  };
}
