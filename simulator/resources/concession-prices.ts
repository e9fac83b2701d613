/** Concession prices: what a billable item costs under a concession type (one per pair). */
import type { Account } from '../store.js';
import { formatMoney, link, linkedId, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const concessionPrices: ResourceModel = {
  name: 'concession_prices',
  filters: {
    billable_item_id: 'integer',
    concession_type_id: 'integer',
    created_at: 'datetime',
    id: 'integer',
    price: 'decimal',
    updated_at: 'datetime',
  },
  foreignKeys: { billable_item_id: 'billable_item', concession_type_id: 'concession_type' },
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: {
    billable_item_id: { kind: 'link', resource: 'billable_items', as: 'billable_item' },
    concession_type_id: { kind: 'link', resource: 'concession_types', as: 'concession_type' },
    price: { kind: 'money', nullable: true },
  },
  required: ['billable_item_id', 'concession_type_id'],
  blank: (id, ctx) => ({
    id,
    billable_item: null,
    concession_type: null,
    price: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('concession_prices', id),
  }),
  finish(body, ctx) {
    const item = linkedId(body.billable_item);
    const type = linkedId(body.concession_type);
    return priced(ctx.account, item, type, String(body.id))
      ? { base: 'A price for this billable item and concession type already exists' }
      : undefined;
  },
  generate(id, ctx, createdAt) {
    // A few tries for a pair without a price yet; a clinic prices each pair once.
    for (let tries = 0; tries < 6; tries++) {
      const item = ctx.pick('billable_items');
      const type = ctx.pick('concession_types');
      if (!item || !type || priced(ctx.account, item, type, id)) continue;
      const full = Number(ctx.account.current('billable_items', item)?.price ?? 0);
      return {
        ...concessionPrices.blank(id, ctx),
        billable_item: link('billable_items', item),
        concession_type: link('concession_types', type),
        price: formatMoney(Math.round(full * ctx.random.pick([0.6, 0.7, 0.8])) || 0),
        created_at: createdAt,
        updated_at: updatedAfter(createdAt, ctx),
      };
    }
    return undefined;
  },
};

/** Whether another live price exists for the pair (a small table: a scan). */
function priced(account: Account, item: string | null, type: string | null, except: string): boolean {
  for (const [id, record] of account.table('concession_prices').records) {
    const body = record.latest()?.body;
    if (id === except || !body || record.latest()?.deleted) continue;
    if (linkedId(body.billable_item) === item && linkedId(body.concession_type) === type) return true;
  }
  return false;
}
