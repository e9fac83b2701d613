/**
 * Patient cases: a course of treatment under one funder or referral (workers compensation, a care
 * plan), with its session and money limits. Archivable. `attendee_ids` is derived from the
 * attendees booked under the case (derived-fields.ts).
 */
import { caseAttendeeIds } from '../case-attendees.js';
import { formatDate } from '../clock.js';
import { formatMoney, link, type ResourceModel, selfLinks, type ValidationErrors } from './model.js';
import { updatedAfter } from './timeline.js';

const CASES: readonly {
  name: string;
  referral: string | null;
  sessions: number | null;
  amount: number | null;
}[] = [
  { name: 'Workers compensation – lower back', referral: 'Insurer', sessions: 8, amount: 1200 },
  { name: 'Motor vehicle accident', referral: 'Insurer', sessions: 12, amount: 2000 },
  { name: 'Chronic disease management plan', referral: 'GP', sessions: 5, amount: null },
  { name: 'Veterans – knee rehabilitation', referral: 'DVA', sessions: 12, amount: null },
  { name: 'Post-surgical shoulder', referral: 'Specialist', sessions: null, amount: null },
  { name: 'NDIS plan', referral: null, sessions: null, amount: 3500 },
];

export const patientCases: ResourceModel = {
  name: 'patient_cases',
  filters: {
    archived_at: 'datetime',
    created_at: 'datetime',
    expiry_date: 'date',
    id: 'integer',
    patient_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: { patient_id: 'patient' },
  archivable: true,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: {
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    contact_id: { kind: 'link', resource: 'contacts', as: 'contact' },
    name: { kind: 'string' },
    notes: { kind: 'string', nullable: true },
    issue_date: { kind: 'date', nullable: true },
    expiry_date: { kind: 'date', nullable: true },
    max_sessions: { kind: 'integer', nullable: true },
    max_invoiceable_amount: { kind: 'money', nullable: true },
    closed: { kind: 'boolean', nullable: true },
    referral: { kind: 'boolean', nullable: true },
    referral_type: { kind: 'string', nullable: true },
    include_cancelled_attendees: { kind: 'boolean', nullable: true },
    include_dna_attendees: { kind: 'boolean', nullable: true },
  },
  required: ['patient_id', 'name'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    attendee_ids: [],
    closed: false,
    contact: null,
    expiry_date: null,
    include_cancelled_attendees: false,
    include_dna_attendees: false,
    issue_date: null,
    max_invoiceable_amount: null,
    max_sessions: null,
    name: '',
    notes: null,
    patient: null,
    referral: false,
    referral_type: null,
    attendees: link('patient_cases', id, '/attendees'),
    bookings: link('patient_cases', id, '/bookings'),
    invoices: link('patient_cases', id, '/invoices'),
    patient_attachments: link('patient_cases', id, '/patient_attachments'),
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('patient_cases', id),
  }),
  finish(body, ctx): ValidationErrors | undefined {
    const { issue_date: issued, expiry_date: expires } = body;
    if (typeof issued === 'string' && typeof expires === 'string' && expires < issued)
      return { expiry_date: 'must be on or after the issue date' };
    body.attendee_ids = caseAttendeeIds(ctx.account, String(body.id));
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const patient = ctx.pick('patients');
    if (!patient) return undefined;
    const kind = ctx.random.pick(CASES);
    const contact = kind.referral ? ctx.pick('contacts') : undefined;
    const issued = Date.parse(createdAt);
    const closed = ctx.random.chance(0.3);
    return {
      ...patientCases.blank(id, ctx),
      closed,
      contact: contact ? link('contacts', contact) : null,
      expiry_date: formatDate(issued + 364 * 86_400_000),
      include_cancelled_attendees: ctx.random.chance(0.5),
      include_dna_attendees: ctx.random.pick([true, false, null]),
      issue_date: formatDate(issued),
      max_invoiceable_amount: kind.amount === null ? null : formatMoney(kind.amount),
      max_sessions: kind.sessions,
      name: kind.name,
      notes: closed ? 'Discharged; goals met.' : null,
      patient: link('patients', patient),
      referral: kind.referral !== null,
      referral_type: kind.referral,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
