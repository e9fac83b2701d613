/** Appointment types: archivable (with an `/archived` feed); a legacy delete makes one vanish. */
import type { Body } from '../store.js';
import { link, type ResourceModel, recordRandom, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const TYPES: readonly { name: string; minutes: number; max: number }[] = [
  { name: 'Initial Consultation', minutes: 60, max: 1 },
  { name: 'Standard Consultation', minutes: 30, max: 1 },
  { name: 'Long Consultation', minutes: 45, max: 1 },
  { name: 'Review', minutes: 15, max: 1 },
  { name: 'Group Class', minutes: 60, max: 12 },
  { name: 'Telehealth Follow-up', minutes: 20, max: 1 },
];

export const appointmentTypes: ResourceModel = {
  name: 'appointment_types',
  filters: {
    appointment_confirmation_template_ids: 'array',
    appointment_reminder_template_ids: 'array',
    archived_at: 'datetime',
    category: 'string',
    created_at: 'datetime',
    id: 'integer',
    online_payments_mode: 'string',
    show_in_online_bookings: 'boolean',
    updated_at: 'datetime',
  },
  foreignKeys: {},
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { archived: true },
  writable: {
    name: { kind: 'string' },
    category: { kind: 'string', nullable: true },
    color: { kind: 'string' },
    description: { kind: 'string', nullable: true },
    duration_in_minutes: { kind: 'integer' },
    max_attendees: { kind: 'integer' },
    show_in_online_bookings: { kind: 'boolean' },
  },
  required: ['name', 'duration_in_minutes'],
  blank: (id, ctx) => ({
    id,
    add_deposit_to_account_credit: null,
    appointment_confirmation_template_ids: [],
    appointment_reminder_template_ids: [],
    deposit_price: null,
    online_bookings_lead_time_hours: null,
    online_payments_enabled: false,
    telehealth_enabled: false,
    archived_at: null,
    category: null,
    color: '#00FF00',
    created_at: ctx.now,
    duration_in_minutes: 30,
    name: '',
    description: null,
    max_attendees: 1,
    online_payments_mode: 'disabled',
    show_in_online_bookings: false,
    updated_at: ctx.now,
    billable_item: null,
    product: null,
    practitioners: link('appointment_types', id, '/practitioners'),
    treatment_note_template: null,
    links: selfLinks('appointment_types', id),
  }),
  finish(body) {
    const minutes = body.duration_in_minutes;
    return typeof minutes === 'number' && minutes > 0
      ? undefined
      : { duration_in_minutes: 'must be greater than 0' };
  },
  generate(id, ctx, createdAt) {
    const r = ctx.random;
    const type = r.pick(TYPES);
    return {
      ...appointmentTypes.blank(id, ctx),
      category: r.pick(['Osteopathy', 'Physiotherapy', 'Podiatry', 'Exercise']),
      color: `#${r.hex(6).toUpperCase()}`,
      created_at: createdAt,
      duration_in_minutes: type.minutes,
      name: type.name,
      max_attendees: type.max,
      show_in_online_bookings: r.chance(0.7),
      updated_at: updatedAfter(createdAt, ctx),
      billable_item: link('billable_items', r.digits(18)),
      treatment_note_template: link('treatment_note_templates', r.digits(18)),
      ...specExtras(id, type.name),
    };
  },
};

/** Fields of the 2023 spec that the first generator did not fill, from the record's own stream. */
function specExtras(id: string, name: string): Body {
  const r = recordRandom(id);
  const deposit = r.chance(0.3);
  const payments = deposit || r.chance(0.3);
  return {
    add_deposit_to_account_credit: deposit ? r.chance(0.5) : null,
    appointment_confirmation_template_ids: [r.digits(18)],
    appointment_reminder_template_ids: r.chance(0.5) ? [r.digits(18), r.digits(18)] : [r.digits(18)],
    deposit_price: deposit ? `${r.pick(['20', '30', '50'])}.0` : null,
    online_bookings_lead_time_hours: r.chance(0.6) ? r.pick([1, 2, 12, 24]) : null,
    online_payments_enabled: payments,
    online_payments_mode: payments ? r.pick(['deposit', 'full_payment']) : 'disabled',
    telehealth_enabled: name.startsWith('Telehealth'),
    product: r.chance(0.3) ? link('products', r.digits(18)) : null,
  };
}
