/**
 * Attendees of group appointments, and the one attendee of a seeded individual appointment (whose
 * `booking` is that appointment): archivable, cancellable (with a reason), legacy-deletable.
 */
import { invoiceStatusOf } from '../derived-fields.js';
import type { Body } from '../store.js';
import { bookingExtras } from './appointment-fields.js';
import { appUrl, link, type ResourceModel, recordRandom, selfLinks, type WriteContext } from './model.js';
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
    patient_case_id: { kind: 'link', resource: 'patient_cases', as: 'patient_case' },
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
    cancellation_url: null,
    patient_case: null,
    telehealth_url: null,
    patient_forms: link('attendees', id, '/patient_forms'),
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
      ...attendeeExtras(id, ctx),
    };
  },
};

function attendeeExtras(id: string, ctx: WriteContext): Body {
  const online = recordRandom(id).chance(0.5);
  return {
    ...bookingExtras(id, ctx),
    cancellation_url: online ? appUrl(ctx, `bookings/${id}/cancel`) : null,
  };
}

/** The attendee of an individual appointment: its patient, times and lifecycle. */
export function attendeeOf(appointment: Body, id: string, ctx: WriteContext): Body {
  return {
    ...attendees.blank(id, ctx),
    created_at: appointment.created_at ?? ctx.now,
    updated_at: appointment.updated_at ?? ctx.now,
    archived_at: appointment.archived_at ?? null,
    arrived: appointment.patient_arrived === true ? true : null,
    cancelled_at: appointment.cancelled_at ?? null,
    cancellation_reason: appointment.cancellation_reason ?? null,
    cancellation_reason_description: appointment.cancellation_reason_description ?? '',
    cancellation_note: appointment.cancellation_note ?? null,
    email_reminder_sent: appointment.email_reminder_sent === true,
    sms_reminder_sent: appointment.sms_reminder_sent === true,
    booking: link('bookings', String(appointment.id)),
    patient: appointment.patient ?? null,
    ...attendeeExtras(id, ctx),
  };
}
