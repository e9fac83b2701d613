/** Contacts (referring doctors, insurers …): archivable; a legacy delete makes one vanish (no feed). */
import { address, person, phoneNumbers } from '../vocabulary.js';
import { type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const TYPES: readonly { type: string; code: number }[] = [
  { type: 'Doctor', code: 1 },
  { type: 'Specialist', code: 2 },
  { type: 'Insurance Provider', code: 3 },
  { type: 'Other', code: 4 },
];

/** ISO 3166 codes of the countries the vocabulary's addresses use. */
export const COUNTRY_CODES: Readonly<Record<string, string>> = {
  Australia: 'AU',
  'New Zealand': 'NZ',
  'United Kingdom': 'GB',
  Canada: 'CA',
};

export const contacts: ResourceModel = {
  name: 'contacts',
  filters: {
    archived_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    email: 'string',
    first_name: 'string',
    id: 'integer',
    last_name: 'string',
    type_code: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: {},
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: {},
  writable: {
    first_name: { kind: 'string' },
    last_name: { kind: 'string' },
    title: { kind: 'string', nullable: true },
    company_name: { kind: 'string', nullable: true },
    email: { kind: 'string', nullable: true },
    notes: { kind: 'string', nullable: true },
    occupation: { kind: 'string', nullable: true },
    phone_numbers: { kind: 'phones' },
    type_code: { kind: 'integer' },
  },
  required: ['first_name', 'last_name'],
  blank: (id, ctx) => ({
    id,
    created_at: ctx.now,
    updated_at: ctx.now,
    address_1: '',
    address_2: '',
    address_3: '',
    archived_at: null,
    city: '',
    company_name: '',
    deleted_at: null,
    doctor_type: null,
    email: '',
    first_name: '',
    last_name: '',
    notes: '',
    occupation: '',
    phone_numbers: [],
    post_code: '',
    preferred_name: '',
    provider_number: '',
    state: '',
    title: '',
    country: '',
    country_code: null,
    type: 'Other',
    type_code: 4,
    links: selfLinks('contacts', id),
  }),
  finish(body) {
    const type = TYPES.find((t) => t.code === body.type_code);
    if (!type) return { type_code: 'is not included in the list' };
    body.type = type.type;
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const r = ctx.random;
    const who = person(r);
    const where = address(r);
    const type = r.pick(TYPES);
    return {
      ...contacts.blank(id, ctx),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
      address_1: where.address_1,
      address_2: where.address_2,
      city: where.city,
      company_name: type.code === 3 ? 'Super Insurance' : '',
      email: who.email,
      first_name: who.firstName,
      last_name: who.lastName,
      phone_numbers: phoneNumbers(r),
      post_code: where.post_code,
      provider_number: type.code === 1 ? `${r.digits(6)}A` : '',
      state: where.state,
      title: who.title,
      country: where.country,
      country_code: COUNTRY_CODES[where.country] ?? null,
      type: type.type,
      type_code: type.code,
    };
  },
};
