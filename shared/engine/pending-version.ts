/**
 * The version in flight (design invariant 1, two-phase record state): before a page's events are
 * published, each record with an event is written with the event's version as `pending`, on top of
 * the version the event was classified against; after publishing, the version is written as
 * confirmed. A stored `pending` therefore means a run failed in between, and nobody knows whether
 * consumers got that event. This module decides what the next observation is compared with.
 */
import type { PendingVersion, RecordState, RecordVersion } from './ports.js';

/** A listed version as classification sees it, or a deletion reported without content (feed, reconciliation). */
export type Sighting = Pick<
  RecordVersion,
  'fingerprint' | 'fieldHashes' | 'archived' | 'cancelled' | 'deleted'
>;

export interface Basis {
  /** The version to classify against; `undefined`: classify as a first sighting. */
  readonly against: RecordState | undefined;
  /** Set when the observation repeats the pending version. */
  readonly replay: PendingVersion | undefined;
}

/**
 * What an observation is compared with, given the stored state:
 * - no `pending`: the stored (confirmed) version, as always;
 * - the observation IS the pending version again (`replay`; for a deletion: the pending version is
 *   deleted): the confirmed part, exactly what the failed run compared with, so the re-published
 *   event is the same event with the same id;
 * - anything else: consumers hold either the confirmed or the pending version. A listed version is
 *   compared with a blend of both (`eitherOf`) so every lifecycle transition and changed field is
 *   reported whichever one they hold: a restore after an archive that went out is reported, and so
 *   is an archive that never went out and was edited since. If the pending event never went out,
 *   a restore back to the confirmed content tells consumers what they already know: harmless, where
 *   silence could leave them believing a state the record is no longer in. A deletion is compared
 *   with the pending version, the newest.
 * A pending first sighting (`first`) has no confirmed version to fall back on: a replay is a first
 * sighting again, anything else is compared with the pending version.
 */
export function basisOf(stored: RecordState | undefined, seen: Sighting | 'deleted'): Basis {
  const pending = stored?.pending;
  if (stored === undefined || pending === undefined) return { against: stored, replay: undefined };
  if (repeats(pending, seen)) {
    return { against: pending.first === true ? undefined : confirmedOf(stored), replay: pending };
  }
  const newest = promoted(stored.id, pending);
  if (pending.first === true || seen === 'deleted') return { against: newest, replay: undefined };
  return { against: eitherOf(confirmedOf(stored), newest, seen), replay: undefined };
}

function repeats(pending: PendingVersion, seen: Sighting | 'deleted'): boolean {
  if (seen === 'deleted') return pending.deleted;
  return (
    pending.fingerprint === seen.fingerprint &&
    pending.archived === seen.archived &&
    pending.cancelled === seen.cancelled &&
    pending.deleted === seen.deleted
  );
}

/** The stored state without its in-flight version. */
export function confirmedOf(state: RecordState): RecordState {
  const { pending: _pending, ...confirmed } = state;
  return confirmed;
}

/** A pending version taken as published: consumers may have seen it. */
function promoted(id: string, pending: PendingVersion): RecordState {
  const { first: _first, ...version } = pending;
  return { id, ...version };
}

/**
 * A version that differs from `seen` wherever the confirmed or the pending version does: per
 * lifecycle flag and per field it takes the pending value when that differs, else the confirmed
 * one (flags are booleans, so when both differ they agree). The snapshot, if kept, is blended the
 * same way so `previous` matches the changed fields. Fingerprint and `updated_at` are the pending
 * version's, the newest consumers may have seen.
 */
function eitherOf(confirmed: RecordState, pending: RecordState, seen: Sighting): RecordState {
  const flag = (name: 'archived' | 'cancelled' | 'deleted'): boolean =>
    pending[name] !== seen[name] ? pending[name] : confirmed[name];
  const fieldHashes: Record<string, string> = {};
  const snapshot: Record<string, unknown> | undefined =
    pending.snapshot === undefined || confirmed.snapshot === undefined ? undefined : { ...pending.snapshot };
  for (const name of new Set([...Object.keys(confirmed.fieldHashes), ...Object.keys(pending.fieldHashes)])) {
    const pendingDiffers = pending.fieldHashes[name] !== seen.fieldHashes[name];
    const hash = pendingDiffers ? pending.fieldHashes[name] : confirmed.fieldHashes[name];
    if (hash !== undefined) fieldHashes[name] = hash;
    if (snapshot === undefined || pendingDiffers) continue;
    if (confirmed.snapshot !== undefined && name in confirmed.snapshot)
      snapshot[name] = confirmed.snapshot[name];
    else delete snapshot[name];
  }
  return {
    ...pending,
    fieldHashes,
    archived: flag('archived'),
    cancelled: flag('cancelled'),
    deleted: flag('deleted'),
    ...(snapshot === undefined ? {} : { snapshot }),
  };
}

/**
 * The state written before an event is published: the version the event was classified against
 * (`undefined` for a first sighting) with the event's version as `pending`, so a replay compares
 * with exactly the same version. A first sighting has no confirmed version; its confirmed fields
 * copy the pending one (without the snapshot) and `first` says so.
 */
export function stagedState(basis: RecordState | undefined, next: RecordState): RecordState {
  if (basis !== undefined) return { ...confirmedOf(basis), pending: versionOf(next, false) };
  return {
    id: next.id,
    fingerprint: next.fingerprint,
    fieldHashes: next.fieldHashes,
    updatedAt: next.updatedAt,
    archived: next.archived,
    cancelled: next.cancelled,
    deleted: next.deleted,
    pending: versionOf(next, true),
  };
}

/** The version fields of a state (snapshot included), without `id` and `pending`. */
function versionOf(state: RecordState, first: boolean): PendingVersion {
  const version: Writable<PendingVersion> = {
    fingerprint: state.fingerprint,
    fieldHashes: state.fieldHashes,
    updatedAt: state.updatedAt,
    archived: state.archived,
    cancelled: state.cancelled,
    deleted: state.deleted,
  };
  if (state.snapshot !== undefined) version.snapshot = state.snapshot;
  if (first) version.first = true;
  return version;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
