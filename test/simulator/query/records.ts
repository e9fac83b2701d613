import {
  type FieldGetter,
  type FieldTypes,
  type FieldValue,
  parseFilters,
} from '../../../simulator/query/index.js';

/** A record as the simulator's models expose it: fields not listed read as null. */
export function record(values: Readonly<Record<string, FieldValue>>): FieldGetter {
  return (field) => values[field] ?? null;
}

/** Filterable fields of a made-up resource covering every field type. */
export const FIELDS: FieldTypes = {
  id: 'integer',
  patient_id: 'integer',
  created_at: 'datetime',
  updated_at: 'datetime',
  archived_at: 'datetime',
  date_of_birth: 'date',
  first_name: 'string',
  last_name: 'string',
  show_in_online_bookings: 'boolean',
  patient_ids: 'array',
};

/** Whether one filter keeps a record whose `field` holds `value`. */
export function keeps(filter: string, field: string, value: FieldValue): boolean {
  return parseFilters([filter], FIELDS).matches(record({ [field]: value }));
}
