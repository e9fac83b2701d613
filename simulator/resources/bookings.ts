/**
 * `/bookings`: not a resource of its own but a view over individual appointments, group
 * appointments and unavailable blocks, as Cliniko's example shows. Each item is the record of its
 * kind with every field of that kind (only its `conflicts` link tells the kinds apart) and
 * `links.self` under `/bookings/<id>`. It has no writes and no changelog entries of its own: its
 * items change, and are logged, under their own resources. Hiding and revealing follow the
 * bookings filters (`archived_at`, `cancelled_at`, `deleted_at`), so a lifecycle change of any of
 * the three shows here as it does on its own list.
 */
import type { FieldTypes, FieldValue } from '../query/index.js';
import type { Body } from '../store.js';
import { fieldValue, linkedId, type ResourceModel, selfLinks } from './model.js';

export interface ResourceView {
  readonly name: string;
  /** Exactly the filters the spec documents for the view's list. */
  readonly filters: FieldTypes;
  /** The resources whose records it lists. */
  readonly sources: readonly string[];
  /** The value a filter or sort on `field` reads from a record of `model`. */
  value(model: ResourceModel, body: Body, field: string): FieldValue;
  /** The record as the view shows it. */
  present(body: Body): Body;
}

const LINKS: Readonly<Record<string, string>> = {
  appointment_type_id: 'appointment_type',
  business_id: 'business',
  practitioner_id: 'practitioner',
  repeated_from_id: 'repeated_from',
};

export const bookings: ResourceView = {
  name: 'bookings',
  filters: {
    appointment_type_id: 'integer',
    archived_at: 'datetime',
    business_id: 'integer',
    cancelled_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    did_not_arrive: 'boolean',
    ends_at: 'datetime',
    id: 'integer',
    patient_ids: 'array',
    practitioner_id: 'integer',
    repeated_from_id: 'integer',
    starts_at: 'datetime',
    updated_at: 'datetime',
  },
  sources: ['individual_appointments', 'group_appointments', 'unavailable_blocks'],
  value(model, body, field) {
    const linkField = LINKS[field];
    if (linkField !== undefined) return linkedId(body[linkField]);
    // An individual appointment's one patient counts as its patient_ids.
    if (field === 'patient_ids' && model.name === 'individual_appointments') {
      const patient = linkedId(body.patient);
      return patient ? [patient] : [];
    }
    return fieldValue(model, body, field);
  },
  present: (body) => ({ ...body, links: selfLinks('bookings', String(body.id)) }),
};
