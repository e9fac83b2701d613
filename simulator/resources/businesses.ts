/** Businesses (clinic locations): archivable; a legacy delete makes one vanish (no `/deleted` feed). */

import type { Body } from '../store.js';
import { address } from '../vocabulary.js';
import { link, type ResourceModel, recordRandom, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const NAMES = ['Healthy Times', 'Northside Physio', 'Harbour Osteo', 'Wellbeing Clinic', 'Active Recovery'];

export const businesses: ResourceModel = {
  name: 'businesses',
  filters: {
    appointment_type_ids: 'array',
    archived_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    id: 'integer',
    show_in_online_bookings: 'boolean',
    updated_at: 'datetime',
  },
  foreignKeys: {},
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: {},
  writable: {
    business_name: { kind: 'string' },
    address_1: { kind: 'string', nullable: true },
    address_2: { kind: 'string', nullable: true },
    city: { kind: 'string', nullable: true },
    state: { kind: 'string', nullable: true },
    post_code: { kind: 'string', nullable: true },
    country: { kind: 'string', nullable: true },
    contact_information: { kind: 'string', nullable: true },
    email_reply_to: { kind: 'string', nullable: true },
    website_address: { kind: 'string', nullable: true },
    show_in_online_bookings: { kind: 'boolean' },
  },
  required: ['business_name'],
  blank: (id, ctx) => ({
    additional_information: null,
    additional_invoice_information: null,
    appointment_reminders_enabled: true,
    // The clinic's appointment types, filled when seeding (seed-relations.ts).
    appointment_type_ids: [],
    label: null,
    time_zone: null,
    address_1: null,
    address_2: null,
    archived_at: null,
    business_name: '',
    business_registration_name: null,
    business_registration_value: null,
    city: null,
    contact_information: null,
    country: null,
    country_code: null,
    created_at: ctx.now,
    deleted_at: null,
    display_name: null,
    email_reply_to: null,
    id,
    post_code: null,
    show_in_online_bookings: false,
    state: null,
    time_zone_identifier: null,
    updated_at: ctx.now,
    website_address: null,
    practitioners: link('businesses', id, '/practitioners'),
    appointments: link('businesses', id, '/appointments?page=1'),
    links: selfLinks('businesses', id),
  }),
  generate(id, ctx, createdAt) {
    const r = ctx.random;
    const where = address(r);
    const name = `${r.pick(NAMES)} ${where.city}`;
    const slug = name.toLowerCase().replace(/[^a-z]+/g, '');
    return {
      ...businesses.blank(id, ctx),
      address_1: where.address_1,
      address_2: where.address_2 || null,
      business_name: name,
      business_registration_name: 'ABN',
      business_registration_value: r.digits(11),
      city: where.city,
      contact_information: `Phone: ${r.digits(5)} ${r.digits(5)}`,
      country: where.country,
      country_code: where.country === 'Australia' ? 'AU' : 'NZ',
      created_at: createdAt,
      email_reply_to: `reception@${slug}.example.com`,
      post_code: where.post_code,
      show_in_online_bookings: r.chance(0.8),
      state: where.state,
      time_zone_identifier: where.time_zone,
      updated_at: updatedAfter(createdAt, ctx),
      website_address: `https://www.${slug}.example.com`,
      ...specExtras(id, where.time_zone, where.city),
    };
  },
};

/** Fields of the 2023 spec that the first generator did not fill, from the record's own stream. */
function specExtras(id: string, zone: string, city: string): Body {
  const r = recordRandom(id);
  return {
    additional_information: r.chance(0.5) ? 'Parking at the rear of the building.' : null,
    additional_invoice_information: r.chance(0.5) ? 'Payment due within 14 days.' : null,
    appointment_reminders_enabled: r.chance(0.9),
    label: r.chance(0.5) ? city : null,
    // Cliniko pairs a Rails-style zone name with the IANA identifier.
    time_zone: (zone.split('/').at(-1) ?? zone).replaceAll('_', ' '),
  };
}
