/**
 * Practitioners: read-mostly staff records; no archive or delete endpoints. The ordinary list shows
 * active practitioners only; `/practitioners/inactive` lists the others.
 */
import type { Json } from '../store.js';
import { person } from '../vocabulary.js';
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const DESIGNATIONS = [
  'Osteopath',
  'Physiotherapist',
  'Chiropractor',
  'Podiatrist',
  'Psychologist',
  'Dietitian',
];

export const practitioners: ResourceModel = {
  name: 'practitioners',
  filters: {
    created_at: 'datetime',
    id: 'integer',
    show_in_online_bookings: 'boolean',
    updated_at: 'datetime',
    user_id: 'integer',
  },
  foreignKeys: { user_id: 'user' },
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: { inactive: true },
  writable: {
    first_name: { kind: 'string' },
    last_name: { kind: 'string' },
    title: { kind: 'string', nullable: true },
    designation: { kind: 'string', nullable: true },
    description: { kind: 'string', nullable: true },
    show_in_online_bookings: { kind: 'boolean' },
  },
  required: ['first_name', 'last_name'],
  blank: (id, ctx) => ({
    active: true,
    created_at: ctx.now,
    designation: null,
    description: null,
    first_name: '',
    id,
    last_name: '',
    show_in_online_bookings: false,
    title: null,
    label: '',
    updated_at: ctx.now,
    display_name: '',
    default_appointment_type: null,
    appointment_types: link('practitioners', id, '/appointment_types'),
    practitioner_reference_numbers: link('practitioners', id, '/practitioner_reference_numbers?page=1'),
    user: null,
    appointments: link('practitioners', id, '/appointments?page=1'),
    invoices: link('practitioners', id, '/invoices?page=1'),
    links: selfLinks('practitioners', id),
  }),
  finish(body) {
    body.label = `${String(body.first_name)} ${String(body.last_name)}`;
    body.display_name = displayName(body.title, body.label);
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const who = person(ctx.random);
    const type = ctx.pick('appointment_types');
    return {
      ...practitioners.blank(id, ctx),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
      designation: ctx.random.pick(DESIGNATIONS),
      first_name: who.firstName,
      last_name: who.lastName,
      label: `${who.firstName} ${who.lastName}`,
      display_name: displayName(who.title, `${who.firstName} ${who.lastName}`),
      show_in_online_bookings: ctx.random.chance(0.8),
      title: who.title || null,
      default_appointment_type: type ? link('appointment_types', type) : null,
      user: link('users', String(ctx.random.int(1000, 99999))),
    };
  },
};

/** How the clinic shows a practitioner: the title, if any, before the name. */
function displayName(title: Json | undefined, name: string): string {
  return typeof title === 'string' && title !== '' ? `${title} ${name}` : name;
}
