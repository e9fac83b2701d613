/** Group appointments: several attendees; archivable and legacy-deletable, never cancelled as a whole. */
import {
  APPOINTMENT_KEYS,
  APPOINTMENT_WRITABLE,
  finishTimes,
  generatedAppointmentLinks,
  generatedStart,
} from './appointment-fields.js';
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const groupAppointments: ResourceModel = {
  name: 'group_appointments',
  filters: {
    appointment_type_id: 'integer',
    archived_at: 'datetime',
    business_id: 'integer',
    created_at: 'datetime',
    deleted_at: 'datetime',
    ends_at: 'datetime',
    id: 'integer',
    patient_ids: 'array',
    practitioner_id: 'integer',
    repeated_from_id: 'integer',
    starts_at: 'datetime',
    updated_at: 'datetime',
  },
  foreignKeys: APPOINTMENT_KEYS,
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { deleted: true },
  writable: { ...APPOINTMENT_WRITABLE, max_attendees: { kind: 'integer' } },
  required: ['starts_at', 'practitioner_id', 'appointment_type_id', 'business_id', 'max_attendees'],
  blank: (id, ctx) => ({
    id,
    created_at: ctx.now,
    updated_at: ctx.now,
    archived_at: null,
    conflicts: link('group_appointments', id, '/conflicts'),
    max_attendees: 1,
    notes: null,
    patient_ids: [],
    repeat_rule: {},
    repeats: null,
    repeated_from: null,
    telehealth_url: null,
    deleted_at: null,
    starts_at: null,
    ends_at: null,
    appointment_type: null,
    business: null,
    practitioner: null,
    attendees: link('group_appointments', id, '/attendees'),
    links: selfLinks('group_appointments', id),
  }),
  finish(body, ctx) {
    const max = body.max_attendees;
    if (typeof max !== 'number' || max < 1) return { max_attendees: 'must be greater than 0' };
    return finishTimes(body, ctx);
  },
  generate(id, ctx, createdAt) {
    const links = generatedAppointmentLinks(ctx);
    if (!links) return undefined;
    const body = {
      ...groupAppointments.blank(id, ctx),
      ...links,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
      max_attendees: ctx.random.int(4, 12),
      notes: ctx.random.pick([null, 'Pilates class', 'Hydrotherapy group', 'Strength and balance']),
      starts_at: generatedStart(createdAt, ctx),
    };
    groupAppointments.finish?.(body, ctx);
    return body;
  },
};
