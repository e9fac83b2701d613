/**
 * The stream registry: every Cliniko list resource the bridge polls, as data.
 *
 * The engine reads only this table; it has no per-resource branches. Adding a resource means adding
 * one entry here (and its model in the simulator, its data classes in `data-classes.ts`). What each entry says comes from Cliniko's 2023
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
  /** One of the eleven streams the bridge polled first: the default selection (`core`). */
  readonly core: boolean;
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
  /** @default false */
  readonly core?: boolean;
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
    core: options.core ?? false,
  };
};

/** The eleven streams of the first version: polled when no selection is given. */
const core = (
  name: string,
  entity: string,
  lifecycle: readonly LifecycleField[],
  options: StreamOptions = {},
): StreamDefinition => stream(name, entity, lifecycle, { ...options, core: true });

const ALL: readonly LifecycleField[] = ['archived_at', 'cancelled_at', 'deleted_at'];
const ARCHIVE_DELETE: readonly LifecycleField[] = ['archived_at', 'deleted_at'];

/**
 * Every list resource of the 2023 spec with an `updated_at` filter, except `bookings`: a view of
 * individual appointments, group appointments and unavailable blocks whose items are those records
 * themselves, so a stream of it would report each of their changes a second time. Every listed id
 * is a `string:int64` (compared numerically, `keyset.ts`); every list can be walked by id, so every
 * stream is reconciled. Resources without a lifecycle filter (availability blocks, practitioner
 * reference numbers, patient attachments' hard deletes) are deleted without trace: reconciliation
 * is what reports those deletes.
 */
export const STREAMS: readonly StreamDefinition[] = [
  // The spec lists no deleted_at filter on patients: their deletes come from the legacy feed (while
  // it exists) and reconciliation.
  core('patients', 'patient', ARCHIVE_DELETE, { filters: ['archived_at'], deletedFeed: true }),
  core('individual_appointments', 'individual_appointment', ALL, {
    filters: ALL,
    derivedFields: ['invoice_status', 'patient_name'],
  }),
  core('group_appointments', 'group_appointment', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  core('attendees', 'attendee', ALL, { filters: ALL, derivedFields: ['invoice_status'] }),
  // Inactive practitioners leave /practitioners for /practitioners/inactive (with `active: false`):
  // both lists are read, and reconciled together.
  core('practitioners', 'practitioner', [], {
    extraLists: [{ path: '/practitioners/inactive', arrayKey: 'practitioners' }],
  }),
  core('businesses', 'business', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  core('appointment_types', 'appointment_type', ['archived_at'], { filters: ['archived_at'] }),
  core('invoices', 'invoice', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  core('treatment_notes', 'treatment_note', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  core('medical_alerts', 'medical_alert', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  core('contacts', 'contact', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  // The diary.
  stream('unavailable_blocks', 'unavailable_block', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('availability_blocks', 'availability_block', []),
  stream('daily_availabilities', 'daily_availability', []),
  stream('practitioner_reference_numbers', 'practitioner_reference_number', []),
  // Patient records.
  stream('patient_cases', 'patient_case', ['archived_at'], {
    filters: ['archived_at'],
    derivedFields: ['attendee_ids'],
  }),
  // The 2023 spec gives patient forms no archived_at (later references do).
  stream('patient_forms', 'patient_form', []),
  stream('patient_form_templates', 'patient_form_template', ['archived_at'], { filters: ['archived_at'] }),
  // Metadata only: the bridge never reads a file's content.
  stream('patient_attachments', 'patient_attachment', ['archived_at'], { filters: ['archived_at'] }),
  stream('communications', 'communication', ['archived_at'], { filters: ['archived_at'] }),
  stream('treatment_note_templates', 'treatment_note_template', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('referral_sources', 'referral_source', []),
  stream('referral_source_types', 'referral_source_type', []),
  // Billing and stock.
  stream('invoice_items', 'invoice_item', ARCHIVE_DELETE, { filters: ARCHIVE_DELETE }),
  stream('billable_items', 'billable_item', ['archived_at'], { filters: ['archived_at'] }),
  stream('products', 'product', ['archived_at'], {
    filters: ['archived_at'],
    derivedFields: ['product_supplier_name', 'stock_level'],
  }),
  stream('product_suppliers', 'product_supplier', []),
  stream('stock_adjustments', 'stock_adjustment', []),
  stream('taxes', 'tax', []),
  stream('concession_types', 'concession_type', []),
  stream('concession_prices', 'concession_price', []),
  // Account users (inactive ones stay in the list with `active: false`).
  stream('users', 'user', []),
];

export const STREAM_NAMES: readonly string[] = STREAMS.map((s) => s.name);

/** The default selection: the eleven streams of the first version. */
export const CORE_STREAMS: readonly StreamDefinition[] = STREAMS.filter((s) => s.core);

/** Names that select a set of streams in `--streams` and the config. */
export const STREAM_SETS: Readonly<Record<string, readonly StreamDefinition[]>> = {
  core: CORE_STREAMS,
  all: STREAMS,
};

const byName = new Map(STREAMS.map((s) => [s.name, s]));

/** Looks a stream up by name; `undefined` for an unknown name (callers turn that into a ConfigError). */
export function findStream(name: string): StreamDefinition | undefined {
  return byName.get(name);
}

/**
 * Expands a selection of stream names and set names (`core`, `all`) into stream names, in the order
 * given, each once. Unknown names are kept, for the caller to report.
 */
export function expandStreamSelection(names: readonly string[]): string[] {
  const expanded = names.flatMap((name) => STREAM_SETS[name]?.map((s) => s.name) ?? [name]);
  return [...new Set(expanded)];
}

/** Whether `name` is a stream or a set of streams. */
export function isStreamSelector(name: string): boolean {
  return byName.has(name) || name in STREAM_SETS;
}
