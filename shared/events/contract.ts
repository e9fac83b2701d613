/**
 * The event contract (v1), as TypeScript types. The zod schemas in this folder are the runtime
 * source of truth and are checked against these types at compile time.
 */
import type { Signal } from '../signals.js';

export type { Signal } from '../signals.js';

export const ACTIONS = [
  'created',
  'updated',
  'archived',
  'restored',
  'cancelled',
  'deleted',
  'snapshot',
] as const;
export type Action = (typeof ACTIONS)[number];

export type PayloadMode = 'full' | 'changes' | 'ids';

/** `<entity>.<action>`, e.g. `patient.updated`; `DETAIL_TYPES` lists the ones the registry produces. */
export type DetailType = `${string}.${Action}`;

/**
 * The record carried in `detail.data`: always its `id` (a decimal string); lifecycle timestamps are
 * a string or null when present; every other field is passed through as Cliniko returned it.
 */
export type EventData = Readonly<Record<string, unknown>> & {
  readonly id: string;
  readonly archived_at?: string | null;
  readonly cancelled_at?: string | null;
  readonly deleted_at?: string | null;
};

export interface EventChanges {
  /** Changed top-level field names, sorted, never `updated_at`. */
  readonly fields: readonly string[];
  /** Old values of the changed fields; present only when the operator opted in to snapshots. */
  readonly previous?: Readonly<Record<string, unknown>>;
}

/** Data classes a destination may refuse; `operational` (ids, timestamps, links) always goes. */
export type WithheldClass = 'personal' | 'phi';

/**
 * Set when fields were left out of this event because its destination does not take their data
 * class (`allowClasses`). Absent when nothing was withheld.
 */
export interface EventWithheld {
  /** The classes of the fields left out of `data`, `changes.previous` and `changes.fields`, sorted. */
  readonly classes: readonly WithheldClass[];
  /** Changed fields left out of `changes.fields` (their names say too much about a person, so they go too). */
  readonly changedFields: number;
}

export interface EventDetail {
  readonly schemaVersion: 1;
  readonly eventId: string;
  /** `<entity>.<action>`, equal to the envelope's `detail-type`. */
  readonly type: string;
  /** The configured Cliniko account id, e.g. `main-clinic`. */
  readonly account: string;
  /** Stream name, e.g. `patients`. */
  readonly resource: string;
  readonly recordId: string;
  /** The record's `updated_at` (for a delete seen in a `/deleted` feed: its `deleted_at`). */
  readonly occurredAt: string;
  /** When the bridge observed the change (ISO with milliseconds). */
  readonly observedAt: string;
  /**
   * Per record, increases by at least one with every version the bridge reports; a re-publish of the
   * same observation repeats it with the same `eventId`. A consumer drops a version whose sequence is
   * not above the last one it applied for the record.
   */
  readonly sequence: number;
  /** Named meanings of the change (`rescheduled`, `paid` …), in catalog order; empty when none. */
  readonly signals: readonly Signal[];
  /** `null` for snapshots and for first sightings of records that predate the origin. */
  readonly changes: EventChanges | null;
  /**
   * Old values of the stream's tracked fields that this change changed, as far as they are known;
   * absent when none (and always in mode `ids`). Independent of `changes.previous`.
   */
  readonly previous?: Readonly<Record<string, unknown>>;
  /** Ids of records the signals name, e.g. `mergedIntoPatientId`; absent when none. */
  readonly related?: Readonly<Record<string, string>>;
  /** The record (mode `full`), or its id, lifecycle timestamps and changed fields (mode `changes`). Absent in mode `ids`. */
  readonly data?: EventData;
  /** Set when `data` was left out because the entry would exceed the size limit. */
  readonly payloadOmitted?: 'size';
  /** Set when fields of a class the destination does not take were left out. */
  readonly withheld?: EventWithheld;
}

/** The envelope EventBridge delivers to subscribers; every sink carries exactly this shape. */
export interface ChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  /**
   * The record key, `cliniko:<account>:<resource>:<recordId>` (see `recordKeyOf`): what an ordered
   * route groups by. Empty in events published before the key was added.
   */
  readonly resources: readonly string[];
  readonly detail: EventDetail;
}
