/** Billable items (services and fees an invoice charges for): archivable, never deleted. */
import { nextEntry } from './catalogue.js';
import { formatMoney, link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

/** What a clinic bills, the consultations first (one per seeded appointment type). */
export const BILLABLE_ITEMS: readonly { name: string; type: string; price: number; code: string | null }[] = [
  { name: 'Initial Consultation', type: 'Service', price: 110, code: '10960' },
  { name: 'Standard Consultation', type: 'Service', price: 85, code: '10962' },
  { name: 'Long Consultation', type: 'Service', price: 120, code: '10964' },
  { name: 'Review', type: 'Service', price: 55, code: null },
  { name: 'Group Class', type: 'Service', price: 30, code: null },
  { name: 'Telehealth Follow-up', type: 'Service', price: 70, code: '91825' },
  { name: 'Report writing', type: 'Other', price: 90, code: null },
  { name: 'Late cancellation fee', type: 'Other', price: 40, code: null },
];

export const billableItems: ResourceModel = {
  name: 'billable_items',
  filters: {
    archived_at: 'datetime',
    created_at: 'datetime',
    id: 'integer',
    tax_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: { tax_id: 'tax' },
  archivable: true,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: {
    name: { kind: 'string' },
    item_code: { kind: 'string', nullable: true },
    item_type: { kind: 'string' },
    price: { kind: 'money' },
    tax_id: { kind: 'link', resource: 'taxes', as: 'tax' },
  },
  required: ['name', 'price'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    item_code: null,
    item_type: 'Service',
    name: '',
    price: '0.0',
    tax: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('billable_items', id),
  }),
  finish(body) {
    return body.item_type === 'Service' || body.item_type === 'Other'
      ? undefined
      : { item_type: 'is not included in the list' };
  },
  generate(id, ctx, createdAt) {
    const item = nextEntry(ctx, 'billable_items', BILLABLE_ITEMS);
    const tax = ctx.pick('taxes');
    return {
      ...billableItems.blank(id, ctx),
      item_code: item.code,
      item_type: item.type,
      name: item.name,
      price: formatMoney(item.price),
      tax: tax ? link('taxes', tax) : null,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
