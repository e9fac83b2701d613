/**
 * Tracked fields: per stream, the few fields whose previous value consumers need (from when to when a
 * booking moved, which status an invoice left), as data beside the stream registry (`streams.ts`).
 *
 * Their current values are kept in the record state, in the clear (the rest of a state is keyed
 * hashes only), and an event whose change includes one of them carries its old value in
 * `detail.previous` — whatever the `previous` snapshot option says, and never in payload mode `ids`.
 * So a tracked field must hold no patient-identifying data: every one is `operational` in
 * `data-classes.ts`, which a test checks.
 *
 * States written before a field was tracked do not hold its value: the first change after an
 * upgrade has no `detail.previous` for it; from then on it does.
 */

/** Per stream name (the registry's), its tracked top-level fields. */
export const TRACKED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  individual_appointments: ['starts_at', 'ends_at', 'practitioner', 'appointment_type', 'business'],
  group_appointments: ['starts_at', 'ends_at', 'practitioner', 'appointment_type', 'business'],
  attendees: ['arrived'],
  availability_blocks: ['starts_at', 'ends_at', 'practitioner', 'business'],
  invoices: ['status'],
  treatment_notes: ['draft'],
  practitioners: ['active'],
};

/** The tracked fields of a stream (none for most). */
export function trackedFieldsOf(stream: string): readonly string[] {
  return TRACKED_FIELDS[stream] ?? [];
}

/** The tracked fields a record has, with their values; `undefined` for a stream that tracks none. */
export function trackedValuesOf(
  stream: string,
  record: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> | undefined {
  const fields = trackedFieldsOf(stream);
  if (fields.length === 0) return undefined;
  const values: Record<string, unknown> = {};
  for (const field of fields) if (Object.hasOwn(record, field)) values[field] = record[field];
  return values;
}
