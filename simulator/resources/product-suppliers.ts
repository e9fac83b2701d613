/** Product suppliers: where a clinic buys the products it sells; a rename shows in its products. */
import { nextEntry } from './catalogue.js';
import { type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const NAMES = ['Allied Health Wholesale', 'Rehab Direct', 'Physio Supplies Co', 'Sportsmed Distributors'];

export const productSuppliers: ResourceModel = {
  name: 'product_suppliers',
  filters: { created_at: 'datetime', id: 'integer', name: 'string', updated_at: 'datetime' },
  foreignKeys: {},
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: { name: { kind: 'string' } },
  required: ['name'],
  blank: (id, ctx) => ({
    id,
    name: '',
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('product_suppliers', id),
  }),
  generate(id, ctx, createdAt) {
    return {
      ...productSuppliers.blank(id, ctx),
      name: nextEntry(ctx, 'product_suppliers', NAMES),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
