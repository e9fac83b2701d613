/** Attendees of group appointments: archivable, cancellable (with a reason), legacy-deletable. */
import { invoiceStatusOf } from '../derived-fields.js';
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const attendees: ResourceModel = {
  name: 'attendees',
  filters: {
    appointment_id: 'integer',
    archived_at: 'datetime',
    booking_id: 'integer',
    cancelled_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    id: 'integer',
    patient_case_id: 'integer',
    patient_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: {
    appointment_id: 'booking',
    booking_id: 'booking',
    patient_case_id: 'patient_case',
    patient_id: 'patient',
  },
  archivable: true,
  cancellable: true,
  deletable: true,
  feeds: { cancelled: true, deleted: true },
  writable: {
    booking_id: { kind: 'link', resource: 'group_appointments', as: 'booking', path: 'bookings' },
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    arrived: { kind: 'boolean', nullable: true },
    notes: { kind: 'string', nullable: true },
  },
  required: ['booking_id', 'patient_id'],
  blank: (id, ctx) => ({
    id,
    created_at: ctx.now,
    updated_at: ctx.now,
    archived_at: null,
    arrived: null,
    booking_ip_address: null,
    cancellation_note: null,
    cancellation_reason: null,
    cancellation_reason_description: '',
    email_reminder_sent: false,
    invoice_status: null,
    notes: null,
    online_booking_policy_accepted: null,
    sms_reminder_sent: false,
    treatment_note_status: null,
    deleted_at: null,
    cancelled_at: null,
    booking: null,
    patient: null,
    invoices: link('attendees', id, '/invoices'),
    links: selfLinks('attendees', id),
  }),
  finish(body, ctx) {
    body.invoice_status = invoiceStatusOf(ctx.account, 'attendees', String(body.id));
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const booking = ctx.pick('group_appointments');
    const patient = ctx.pick('patients');
    if (!booking || !patient) return undefined;
    return {
      ...attendees.blank(id, ctx),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
      arrived: ctx.random.pick([null, true, false]),
      email_reminder_sent: ctx.random.chance(0.5),
      booking: link('bookings', booking),
      patient: link('patients', patient),
    };
  },
};
