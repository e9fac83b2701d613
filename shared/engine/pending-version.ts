/**
 * The version in flight (docs/design.md, Engine invariants, 1; Two-phase record write): a stored
 * `pending` means a run failed between writing a record's new version and confirming it, and nobody
 * knows whether consumers got that event. This module decides what the next observation is compared
 * with (`basisOf`) and numbers events (`nextSequence`).
 */

import type { ContentKeyRing } from './content-key.js';
import { changedFields, type RecordContent, recordContent } from './fingerprint.js';
import type { ClinikoRecord, PendingVersion, RecordState, RecordVersion } from './ports.js';

interface Flags {
  readonly archived: boolean;
  readonly cancelled: boolean;
  readonly deleted: boolean;
}

/**
 * An observed version of a record as it compares with stored versions: each stored version is
 * compared in the content key it was written with, so a key rotation that keeps the old key changes
 * nothing. A version whose key is gone (or that predates keys) is "opaque": its content can only be
 * told apart by `updated_at`, and the names of changed fields are unknown.
 */
export class Seen implements Flags {
  private readonly byKey = new Map<string, RecordContent>();

  constructor(
    readonly record: ClinikoRecord,
    readonly flags: Flags,
    /** The observation's `updated_at`, `null` when it has none. */
    readonly updatedAt: string | null,
    /** Its content in the current key: what gets stored. */
    readonly current: RecordContent,
    private readonly keys: ContentKeyRing,
    private readonly notContent: ReadonlySet<string>,
  ) {
    this.byKey.set(current.keyId, current);
  }

  get archived(): boolean {
    return this.flags.archived;
  }
  get cancelled(): boolean {
    return this.flags.cancelled;
  }
  get deleted(): boolean {
    return this.flags.deleted;
  }

  /** The observation's content in `keyId`, or `undefined` when that key is not in the ring. */
  inKey(keyId: string | undefined): RecordContent | undefined {
    if (keyId === undefined) return undefined;
    const known = this.byKey.get(keyId);
    if (known !== undefined) return known;
    const key = this.keys.find(keyId);
    if (key === undefined) return undefined;
    const content = recordContent(this.record, key, this.notContent);
    this.byKey.set(keyId, content);
    return content;
  }

  /** Same content as `version` (by fingerprint, or by `updated_at` when the version is opaque). */
  sameContentAs(version: RecordVersion): boolean {
    const content = this.inKey(version.keyId);
    return content === undefined
      ? version.updatedAt === this.updatedAt
      : content.fingerprint === version.fingerprint;
  }

  /** Names of the fields that differ from `version`; `null` when the version is opaque. */
  fieldsChangedFrom(version: RecordVersion): string[] | null {
    const content = this.inKey(version.keyId);
    return content === undefined ? null : changedFields(version.fieldHashes, content.fieldHashes());
  }

  /** Same content and lifecycle as `version`. */
  repeats(version: RecordVersion): boolean {
    return (
      this.sameContentAs(version) &&
      version.archived === this.archived &&
      version.cancelled === this.cancelled &&
      version.deleted === this.deleted
    );
  }
}

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
 * A pending first sighting (`first`) has no confirmed version: whether its event went out is
 * unknown, so a listed observation is a first sighting again (`created`, or `snapshot` in a
 * backfill, with the full current content) whatever happened in between — never an `updated` or
 * `restored` relative to a version consumers may never have seen. A deletion of it is still
 * reported (consumers may have seen it created).
 */
export function basisOf(stored: RecordState | undefined, seen: Seen | 'deleted'): Basis {
  const pending = stored?.pending;
  if (stored === undefined || pending === undefined) return { against: stored, replay: undefined };
  const replays = seen === 'deleted' ? pending.deleted : seen.repeats(pending);
  if (replays) {
    return { against: pending.first === true ? undefined : confirmedOf(stored), replay: pending };
  }
  if (seen === 'deleted') return { against: promoted(stored.id, pending), replay: undefined };
  if (pending.first === true) return { against: undefined, replay: undefined };
  return { against: eitherOf(confirmedOf(stored), promoted(stored.id, pending), seen), replay: undefined };
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
 * version's, the newest consumers may have seen. Field hashes blend only within one content key;
 * versions written with different keys (a rotation between the failed run and now) blend into an
 * opaque version, compared by `updated_at` with no field names.
 */
function eitherOf(confirmed: RecordState, pending: RecordState, seen: Seen): RecordState {
  const flag = (name: 'archived' | 'cancelled' | 'deleted'): boolean =>
    pending[name] !== seen[name] ? pending[name] : confirmed[name];
  const flags = { archived: flag('archived'), cancelled: flag('cancelled'), deleted: flag('deleted') };
  const inKey = confirmed.keyId === pending.keyId ? seen.inKey(pending.keyId) : undefined;
  if (inKey === undefined) {
    const { keyId: _keyId, snapshot: _snapshot, ...rest } = pending;
    return { ...rest, ...flags, fieldHashes: {} };
  }
  const seenHashes = inKey.fieldHashes();
  const fieldHashes: Record<string, string> = {};
  const snapshot = blendable(pending.snapshot, confirmed.snapshot);
  const tracked = blendable(pending.tracked, confirmed.tracked);
  for (const name of new Set([...Object.keys(confirmed.fieldHashes), ...Object.keys(pending.fieldHashes)])) {
    const pendingDiffers = pending.fieldHashes[name] !== seenHashes[name];
    const hash = pendingDiffers ? pending.fieldHashes[name] : confirmed.fieldHashes[name];
    if (hash !== undefined) fieldHashes[name] = hash;
    if (pendingDiffers) continue;
    takeConfirmed(snapshot, confirmed.snapshot, name);
    takeConfirmed(tracked, confirmed.tracked, name);
  }
  // Without both versions' tracked values the blend's are unknown: none, rather than wrong ones.
  const { tracked: _tracked, ...rest } = pending;
  return {
    ...rest,
    ...flags,
    fieldHashes,
    ...(snapshot === undefined ? {} : { snapshot }),
    ...(tracked === undefined ? {} : { tracked }),
  };
}

/** A copy of the pending version's values to blend, when the confirmed version has them too. */
function blendable(
  pending: Readonly<Record<string, unknown>> | undefined,
  confirmed: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> | undefined {
  return pending === undefined || confirmed === undefined ? undefined : { ...pending };
}

/** Sets `name` in `blend` to the confirmed version's value (or removes it, where it had none). */
function takeConfirmed(
  blend: Record<string, unknown> | undefined,
  confirmed: Readonly<Record<string, unknown>> | undefined,
  name: string,
): void {
  if (blend === undefined) return;
  if (confirmed !== undefined && Object.hasOwn(confirmed, name)) blend[name] = confirmed[name];
  else delete blend[name];
}

/**
 * The sequence number of a new event for a record: above every number its state holds, the in-flight
 * version's included (that event may have gone out). States without numbers count as 0.
 */
export function nextSequence(stored: RecordState | undefined): number {
  return Math.max(stored?.sequence ?? 0, stored?.pending?.sequence ?? 0) + 1;
}

/**
 * The state written before an event is published: the version the event was classified against
 * (`undefined` for a first sighting) with the event's version as `pending`, so a replay compares
 * with exactly the same version. A first sighting has no confirmed version; its confirmed fields
 * copy the pending one (without the snapshot) and `first` says so.
 */
export function stagedState(basis: RecordState | undefined, next: RecordState): RecordState {
  if (basis !== undefined) return { ...confirmedOf(basis), pending: versionOf(next, false) };
  const { snapshot: _snapshot, pending: _pending, ...copy } = next;
  return { ...copy, pending: versionOf(next, true) };
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
  if (state.keyId !== undefined) version.keyId = state.keyId;
  if (state.snapshot !== undefined) version.snapshot = state.snapshot;
  if (state.tracked !== undefined) version.tracked = state.tracked;
  if (state.sequence !== undefined) version.sequence = state.sequence;
  if (first) version.first = true;
  return version;
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };
