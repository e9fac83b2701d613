/**
 * Leaves out of an event every field of a data class its destination does not take (see
 * `data-classes.ts`): from `data`, from `changes.previous` and from `changes.fields`, and marks the
 * event with `withheld`. Pure; the one caller is `DataClassGate`, which every destination's events
 * pass through.
 *
 * Changed field NAMES go too: names are not values, but "gender_identity changed" or a list of
 * changed medical fields tells a destination something about a person it may not know. The marker
 * counts them instead, so a consumer still sees that something it cannot read changed. `id`, the
 * envelope and the rest of `detail` (type, resource, recordId, times, eventId) always stay: they are
 * operational, and the event id must stay the same for every destination so consumers can dedupe.
 */
import { DATA_CLASSES, type DataClass, fieldClassOf } from '../data-classes.js';
import type { ChangeEvent, EventChanges, EventData, EventWithheld, WithheldClass } from './contract.js';

/** The event as a destination taking only `allowed` may receive it (the same object when nothing goes). */
export function withholdFields(event: ChangeEvent, allowed: ReadonlySet<DataClass>): ChangeEvent {
  if (DATA_CLASSES.every((dataClass) => allowed.has(dataClass))) return event;
  const { detail } = event;
  const removed = new Set<DataClass>();
  const keeps = (field: string): boolean => {
    if (field === 'id') return true;
    const dataClass = fieldClassOf(detail.resource, field);
    if (allowed.has(dataClass)) return true;
    removed.add(dataClass);
    return false;
  };

  const data = detail.data === undefined ? undefined : (keptFields(detail.data, keeps) as EventData);
  let changes: EventChanges | null = detail.changes;
  let hiddenChanges = 0;
  if (changes !== null) {
    const fields = changes.fields.filter(keeps);
    hiddenChanges = changes.fields.length - fields.length;
    const previous = changes.previous === undefined ? undefined : keptFields(changes.previous, keeps);
    changes = { fields, ...(previous === undefined ? {} : { previous }) };
  }
  // Tracked fields are operational by rule (`tracked-fields.ts`); filtered all the same, so a
  // misclassified one could never slip past a gate.
  const tracked = detail.previous === undefined ? undefined : keptFields(detail.previous, keeps);
  if (removed.size === 0) return event;

  const withheld = mergedMarker(detail.withheld, removed, hiddenChanges);
  // Spreading `detail` first keeps its key order; `data` is absent here only when it was absent there.
  const { previous: _previous, ...rest } = detail;
  return {
    ...event,
    detail: {
      ...rest,
      changes,
      ...(tracked === undefined || Object.keys(tracked).length === 0 ? {} : { previous: tracked }),
      ...(data === undefined ? {} : { data }),
      withheld,
    },
  };
}

function keptFields(
  record: Readonly<Record<string, unknown>>,
  keeps: (field: string) => boolean,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(record)) if (keeps(field)) kept[field] = value;
  return kept;
}

/** The marker, merged with one an earlier gate set (gates may be stacked). */
function mergedMarker(
  earlier: EventWithheld | undefined,
  removed: ReadonlySet<DataClass>,
  hiddenChanges: number,
): EventWithheld {
  const classes = new Set<DataClass>([...(earlier?.classes ?? []), ...removed]);
  return {
    classes: DATA_CLASSES.filter((c): c is WithheldClass => c !== 'operational' && classes.has(c)),
    changedFields: (earlier?.changedFields ?? 0) + hiddenChanges,
  };
}
