/**
 * Referral source types: how patients hear of the clinic (a doctor, another patient, Google).
 * Set in Cliniko's settings; the API only reads them.
 */
import type { Json } from '../store.js';
import { nextEntry } from './catalogue.js';
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const TYPES: readonly { name: string; referrerType: string | null; subcategories: Json }[] = [
  { name: 'Doctor', referrerType: 'Contact', subcategories: null },
  { name: 'Existing patient', referrerType: 'Patient', subcategories: null },
  { name: 'Online search', referrerType: null, subcategories: ['Google', 'Bing'] },
  { name: 'Social media', referrerType: null, subcategories: ['Facebook', 'Instagram'] },
  { name: 'Walk-in', referrerType: null, subcategories: null },
];

export const referralSourceTypes: ResourceModel = {
  name: 'referral_source_types',
  filters: { created_at: 'datetime', id: 'integer', updated_at: 'datetime' },
  foreignKeys: {},
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writes: { create: false, update: false },
  writable: { name: { kind: 'string' } },
  required: ['name'],
  blank: (id, ctx) => ({
    id,
    name: '',
    referrer_type: null,
    referrers: null,
    subcategories: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('referral_source_types', id),
  }),
  generate(id, ctx, createdAt) {
    const type = nextEntry(ctx, 'referral_source_types', TYPES);
    return {
      ...referralSourceTypes.blank(id, ctx),
      name: type.name,
      referrer_type: type.referrerType,
      // Types with referrers list them (the doctors or patients who referred).
      referrers: type.referrerType ? link('referral_source_types', id, '/referrers') : null,
      subcategories: type.subcategories,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
