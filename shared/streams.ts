/**
 * The stream registry: every Cliniko list resource the bridge polls, as data.
 *
 * The engine reads only this table; it has no per-resource branches. Adding a resource means adding
 * one entry here (and its model in the simulator).
 */

/** Lifecycle timestamps a record may carry; a transition of one of them is a lifecycle event. */
export type LifecycleField = 'archived_at' | 'cancelled_at' | 'deleted_at';

export interface StreamDefinition {
  /** Stream name, also the `resource` of its events: the plural Cliniko path segment. */
  readonly name: string;
  /** List path relative to the base URL. */
  readonly path: string;
  /** Key of the record array in list responses. */
  readonly arrayKey: string;
  /** Singular entity name used in event types (`<entity>.<action>`). */
  readonly entity: string;
  /** Lifecycle timestamps the record carries. */
  readonly lifecycle: readonly LifecycleField[];
  /**
   * Filters that make records hidden by default (archived, cancelled) appear in the list.
   * `*` matches any value including null, so these widen the list without narrowing it.
   */
  readonly revealFilters: readonly string[];
  /** The legacy `/deleted` feed, which accepts only `deleted_at` and `id` filters. */
  readonly deletedFeed?: { readonly path: string; readonly arrayKey: string };
  /**
   * Whether a full id listing shows every record that still exists, so a vanished id means a delete.
   * Practitioners are not: inactive ones leave the default list for `/practitioners/inactive`.
   */
  readonly reconcilable: boolean;
  /**
   * Fields Cliniko derives from other records and may change without touching this one (an
   * appointment's `patient_name`): left out of fingerprints and field hashes, so a drift never
   * causes an event of its own; events carry their current value.
   */
  readonly derivedFields?: readonly string[];
}

const stream = (
  name: string,
  entity: string,
  lifecycle: readonly LifecycleField[],
  options: { cancelHidden?: boolean; deletedFeed?: boolean; reconcilable?: boolean } = {},
): StreamDefinition => ({
  name,
  path: `/${name}`,
  arrayKey: name,
  entity,
  lifecycle,
  revealFilters: [
    ...(lifecycle.includes('archived_at') ? ['archived_at:*'] : []),
    ...(options.cancelHidden ? ['cancelled_at:*'] : []),
  ],
  ...(options.deletedFeed ? { deletedFeed: { path: `/${name}/deleted`, arrayKey: name } } : {}),
  reconcilable: options.reconcilable ?? true,
});

export const STREAMS: readonly StreamDefinition[] = [
  stream('patients', 'patient', ['archived_at', 'deleted_at'], { deletedFeed: true }),
  stream('individual_appointments', 'individual_appointment', ['archived_at', 'cancelled_at', 'deleted_at'], {
    cancelHidden: true,
    deletedFeed: true,
  }),
  stream('group_appointments', 'group_appointment', ['archived_at', 'deleted_at'], { deletedFeed: true }),
  stream('attendees', 'attendee', ['archived_at', 'cancelled_at', 'deleted_at'], {
    cancelHidden: true,
    deletedFeed: true,
  }),
  stream('practitioners', 'practitioner', [], { reconcilable: false }),
  stream('businesses', 'business', ['archived_at', 'deleted_at']),
  stream('appointment_types', 'appointment_type', ['archived_at']),
  stream('invoices', 'invoice', ['archived_at', 'deleted_at'], { deletedFeed: true }),
  stream('treatment_notes', 'treatment_note', ['archived_at', 'deleted_at'], { deletedFeed: true }),
  stream('medical_alerts', 'medical_alert', ['archived_at', 'deleted_at'], { deletedFeed: true }),
  stream('contacts', 'contact', ['archived_at', 'deleted_at']),
];

export const STREAM_NAMES: readonly string[] = STREAMS.map((s) => s.name);

const byName = new Map(STREAMS.map((s) => [s.name, s]));

/** Looks a stream up by name; `undefined` for an unknown name (callers turn that into a ConfigError). */
export function findStream(name: string): StreamDefinition | undefined {
  return byName.get(name);
}
