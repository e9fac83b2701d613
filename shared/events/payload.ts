/**
 * What goes into `detail.data` and `detail.changes.previous` for each payload mode, after the
 * operator's include/exclude field lists. Pure functions over plain records.
 */
import type { Action, EventData, PayloadMode } from './contract.js';

/** Lifecycle timestamps that `changes` mode always carries when the record has them. */
export const LIFECYCLE_TIMESTAMPS: readonly string[] = [
  'archived_at',
  'cancelled_at',
  'deleted_at',
  'merged_at',
];

export interface FieldFilter {
  /** Keep only these top-level fields (plus `id`). */
  readonly include?: readonly string[] | undefined;
  /** Drop these top-level fields (never `id`). Applied after `include`. */
  readonly exclude?: readonly string[] | undefined;
}

/** Applies include, then exclude, to top-level fields; `id` always stays. */
export function filterFields(
  record: Readonly<Record<string, unknown>>,
  filter: FieldFilter,
): Record<string, unknown> {
  const include = filter.include ? new Set(filter.include) : undefined;
  const exclude = new Set(filter.exclude ?? []);
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) {
    if (field !== 'id' && ((include && !include.has(field)) || exclude.has(field))) continue;
    kept[field] = value;
  }
  return kept;
}

/** Changed field names as the contract lists them: sorted, unique, never `updated_at`. */
export function normalizeChangedFields(fields: readonly string[]): string[] {
  return [...new Set(fields)].filter((field) => field !== 'updated_at').sort();
}

/**
 * `data` for one event, or `undefined` in mode `ids`.
 *
 * In mode `changes`, an event without a list of changed fields (created, snapshot, a first
 * sighting, a delete seen in a feed or by reconciliation) carries the whole record: all of it is
 * news to the consumer. Otherwise it carries the id, the lifecycle timestamps the record has and
 * the changed fields the record still has.
 */
export function dataFor(
  mode: PayloadMode,
  action: Action,
  record: EventData,
  changedFields: readonly string[] | null,
  filter: FieldFilter,
): EventData | undefined {
  if (mode === 'ids') return undefined;
  const wholeRecord =
    mode === 'full' || changedFields === null || action === 'created' || action === 'snapshot';
  const unfiltered = filter.include === undefined && filter.exclude === undefined;
  // The common case needs no copy: the whole record, unfiltered, already listing `id` first.
  if (wholeRecord && unfiltered && firstKeyOf(record) === 'id') return record;
  const chosen = wholeRecord ? record : pickFields(record, ['id', ...LIFECYCLE_TIMESTAMPS, ...changedFields]);
  return { id: record.id, ...(unfiltered ? chosen : filterFields(chosen, filter)) };
}

/** Old values of the changed fields, after the same include/exclude lists as `data`. */
export function previousFor(
  previous: Readonly<Record<string, unknown>>,
  changedFields: readonly string[],
  filter: FieldFilter,
): Record<string, unknown> {
  return filterFields(
    pickFields(
      previous,
      changedFields.filter((field) => field !== 'id'),
    ),
    filter,
  );
}

function firstKeyOf(record: Readonly<Record<string, unknown>>): string | undefined {
  for (const key in record) if (Object.hasOwn(record, key)) return key;
  return undefined;
}

function pickFields(
  record: Readonly<Record<string, unknown>>,
  fields: readonly string[],
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) {
    if (Object.hasOwn(record, field)) picked[field] = record[field];
  }
  return picked;
}
