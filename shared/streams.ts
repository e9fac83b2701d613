/**
 * The stream registry: every Cliniko list resource the bridge polls, as data.
 *
 * The engine reads only this table; it has no per-resource branches. Adding a resource means adding
 * one entry here (and its model in the simulator). What each entry says comes from Cliniko's 2023
 * OpenAPI spec (the list's filters and fields) and `cliniko-api.md`.
 */

/** Lifecycle timestamps a record may carry; a transition of one of them is a lifecycle event. */
export type LifecycleField = 'archived_at' | 'cancelled_at' | 'deleted_at';

/** One list endpoint: its path relative to the base URL and the key of its record array. */
export interface ListSource {
  readonly path: string;
  readonly arrayKey: string;
}

export interface StreamDefinition extends ListSource {
  /** Stream name, also the `resource` of its events: the plural Cliniko path segment. */
  readonly name: string;
  /** Singular entity name used in event types (`<entity>.<action>`). */
  readonly entity: string;
  /** Lifecycle timestamps the record carries. */
  readonly lifecycle: readonly LifecycleField[];
  /**
   * Lifecycle timestamps the list can filter on. Each gets a lifecycle pass of its own (a window
   * over that timestamp), so an archive, cancel or delete that leaves `updated_at` alone is still
   * seen; and records it hides by default are revealed with `*`.
   */
  readonly lifecycleFilters: readonly LifecycleField[];
  /**
   * Filters that make records hidden by default (archived, cancelled, deleted) appear in the list:
   * `*` on every filterable lifecycle timestamp. `*` matches any value including null, so these
   * widen the list without narrowing it.
   */
  readonly revealFilters: readonly string[];
  /**
   * The legacy `/deleted` feed (it accepts only `deleted_at` and `id` filters), read only where the
   * list cannot show deleted records itself, and only while the account still serves it: a
   * capability probed and remembered, never assumed.
   */
  readonly deletedFeed?: ListSource;
  /** Further lists of the same records, e.g. `/practitioners/inactive` beside `/practitioners`. */
  readonly extraLists?: readonly ListSource[];
  /**
   * Whether the id listings (the list and `extraLists`) show every record that still exists, so a
   * vanished id means a delete.
   */
  readonly reconcilable: boolean;
  /**
   * Fields Cliniko derives from other records and may change without touching this one (an
   * appointment's `patient_name`): left out of fingerprints and field hashes, so a drift never
   * causes an event of its own; events carry their current value.
   */
  readonly derivedFields?: readonly string[];
}

interface StreamOptions {
  /** Lifecycle timestamps the list can filter on. @default none */
  readonly filters?: readonly LifecycleField[];
  /** Serves a legacy `/<name>/deleted` feed. */
  readonly deletedFeed?: boolean;
  readonly extraLists?: readonly ListSource[];
  readonly derivedFields?: readonly string[];
  /** @default true */
  readonly reconcilable?: boolean;
}

const stream = (
  name: string,
  entity: string,
  lifecycle: readonly LifecycleField[],
  options: StreamOptions = {},
): StreamDefinition => {
  const filters = options.filters ?? [];
  return {
    name,
    path: `/${name}`,
    arrayKey: name,
    entity,
    lifecycle,
    lifecycleFilters: filters,
    revealFilters: filters.map((field) => `${field}:*`),
    ...(options.deletedFeed ? { deletedFeed: { path: `/${name}/deleted`, arrayKey: name } } : {}),
    ...(options.extraLists ? { extraLists: options.extraLists } : {}),
    ...(options.derivedFields ? { derivedFields: options.derivedFields } : {}),
    reconcilable: options.reconcilable ?? true,
  };
};

const ALL: readonly LifecycleField[] = ['archived_at', 'cancelled_at', 'deleted_at'];
const ARCHIVE_DELETE: readonly LifecycleField[] = ['archived_at', 'deleted_at'];

export const STREAMS: readonly StreamDefinition[] = [
  // The spec lists no deleted_at filter on patients: their deletes come from the legacy feed (while
  // it exists) and reconciliation.
  stream('patients', 'patient', ARCHIVE_DELETE, { filters: ['archived_at'], deletedFeed: true }),
  stream('individual_appointments', 'individual_appointment', ALL, {
    filters: ALL,
    derivedFields: ['invoice_status', 'patient_name'],
  }),
  stream('group_appointments', 'group_appointment', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('attendees', 'attendee', ALL, { filters: ALL, derivedFields: ['invoice_status'] }),
  // Inactive practitioners leave /practitioners for /practitioners/inactive (with `active: false`):
  // both lists are read, and reconciled together.
  stream('practitioners', 'practitioner', [], {
    extraLists: [{ path: '/practitioners/inactive', arrayKey: 'practitioners' }],
  }),
  stream('businesses', 'business', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('appointment_types', 'appointment_type', ['archived_at'], { filters: ['archived_at'] }),
  stream('invoices', 'invoice', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('treatment_notes', 'treatment_note', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('medical_alerts', 'medical_alert', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('contacts', 'contact', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
];

export const STREAM_NAMES: readonly string[] = STREAMS.map((s) => s.name);

const byName = new Map(STREAMS.map((s) => [s.name, s]));

/** Looks a stream up by name; `undefined` for an unknown name (callers turn that into a ConfigError). */
export function findStream(name: string): StreamDefinition | undefined {
  return byName.get(name);
}
