/**
 * Stock adjustments: the ledger of a product's stock (purchases, returns, damaged or expired
 * stock). Created only, never changed; each one moves its product's derived `stock_level`.
 */
import { ADJUSTMENT_SIGNS } from '../stock-levels.js';
import { link, type ResourceModel, selfLinks, type ValidationErrors } from './model.js';
import { keyUser } from './users.js';

export const stockAdjustments: ResourceModel = {
  name: 'stock_adjustments',
  filters: { created_at: 'datetime', id: 'integer', product_id: 'integer', updated_at: 'datetime' },
  foreignKeys: { product_id: 'product' },
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writes: { create: true, update: false },
  writable: {
    product_id: { kind: 'link', resource: 'products', as: 'product' },
    adjustment_type: { kind: 'string' },
    quantity: { kind: 'integer' },
    comment: { kind: 'string', nullable: true },
  },
  required: ['product_id', 'adjustment_type', 'quantity'],
  blank: (id, ctx) => ({
    id,
    adjustment_type: 'Stock purchase',
    comment: null,
    product: null,
    quantity: 0,
    user: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('stock_adjustments', id),
  }),
  finish(body, ctx): ValidationErrors | undefined {
    const type = body.adjustment_type;
    if (typeof type !== 'string' || !(type in ADJUSTMENT_SIGNS))
      return { adjustment_type: 'is not included in the list' };
    if (typeof body.quantity !== 'number' || body.quantity < 1) return { quantity: 'must be greater than 0' };
    // Made with the API key, so by the key's user.
    if (body.user === null) body.user = keyUser(ctx);
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const product = ctx.pick('products');
    if (!product) return undefined;
    const purchase = ctx.random.chance(0.6);
    const user = ctx.pick('users');
    return {
      ...stockAdjustments.blank(id, ctx),
      adjustment_type: purchase
        ? 'Stock purchase'
        : ctx.random.pick(['Returned', 'Damaged', 'Out of date', 'Internal use']),
      comment: purchase ? `Order ${ctx.random.digits(5)}` : ctx.random.pick([null, 'Found in stocktake']),
      product: link('products', product),
      quantity: purchase ? ctx.random.int(6, 24) : ctx.random.int(1, 3),
      user: user ? link('users', user) : null,
      created_at: createdAt,
      // A ledger entry is never edited.
      updated_at: createdAt,
    };
  },
};
