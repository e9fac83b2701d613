/** Individual appointments: one patient each; archivable, cancellable (with a reason), legacy-deletable. */
import { invoiceStatusOf, patientNameOf } from '../derived-fields.js';
import { NOTES } from '../vocabulary.js';
import {
  APPOINTMENT_KEYS,
  APPOINTMENT_WRITABLE,
  bookingExtras,
  finishTimes,
  generatedAppointmentLinks,
  generatedStart,
} from './appointment-fields.js';
import { link, linkedId, type ResourceModel, recordRandom, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const individualAppointments: ResourceModel = {
  name: 'individual_appointments',
  filters: {
    appointment_type_id: 'integer',
    archived_at: 'datetime',
    business_id: 'integer',
    cancelled_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    ends_at: 'datetime',
    id: 'integer',
    patient_id: 'integer',
    practitioner_id: 'integer',
    repeated_from_id: 'integer',
    starts_at: 'datetime',
    updated_at: 'datetime',
  },
  foreignKeys: { ...APPOINTMENT_KEYS, patient_id: 'patient' },
  archivable: true,
  cancellable: true,
  deletable: true,
  feeds: { cancelled: true, deleted: true },
  writable: {
    ...APPOINTMENT_WRITABLE,
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    did_not_arrive: { kind: 'boolean' },
    patient_arrived: { kind: 'boolean' },
  },
  required: ['starts_at', 'patient_id', 'practitioner_id', 'appointment_type_id', 'business_id'],
  blank: (id, ctx) => ({
    id,
    created_at: ctx.now,
    updated_at: ctx.now,
    archived_at: null,
    booking_ip_address: null,
    cancellation_note: null,
    cancellation_reason: null,
    cancellation_reason_description: '',
    conflicts: link('individual_appointments', id, '/conflicts'),
    did_not_arrive: false,
    email_reminder_sent: false,
    has_patient_appointment_notes: false,
    invoice_status: null,
    notes: null,
    online_booking_policy_accepted: null,
    patient_arrived: false,
    patient_name: '',
    repeat_rule: {},
    repeats: null,
    repeated_from: null,
    sms_reminder_sent: false,
    telehealth_url: null,
    treatment_note_status: null,
    deleted_at: null,
    starts_at: null,
    ends_at: null,
    cancelled_at: null,
    appointment_type: null,
    business: null,
    practitioner: null,
    patient: null,
    patient_case: null,
    attendees: link('individual_appointments', id, '/attendees'),
    links: selfLinks('individual_appointments', id),
  }),
  finish(body, ctx) {
    const patientId = linkedId(body.patient);
    const patient = patientId ? ctx.account.current('patients', patientId) : undefined;
    if (patient) body.patient_name = patientNameOf(patient);
    body.invoice_status = invoiceStatusOf(ctx.account, 'individual_appointments', String(body.id));
    return finishTimes(body, ctx);
  },
  generate(id, ctx, createdAt) {
    const r = ctx.random;
    const links = generatedAppointmentLinks(ctx);
    const patient = ctx.pick('patients');
    if (!links || !patient) return undefined;
    const body = {
      ...individualAppointments.blank(id, ctx),
      ...links,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
      patient: link('patients', patient),
      starts_at: generatedStart(createdAt, ctx),
      notes: r.chance(0.3) ? r.pick(NOTES) : null,
      email_reminder_sent: r.chance(0.5),
      sms_reminder_sent: r.chance(0.5),
      patient_arrived: r.chance(0.4),
      ...bookingExtras(id, ctx),
      has_patient_appointment_notes: recordRandom(id).chance(0.2),
    };
    individualAppointments.finish?.(body, ctx);
    return body;
  },
};
