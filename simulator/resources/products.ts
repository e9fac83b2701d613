/**
 * Products a clinic sells (exercise bands, heat packs …): archivable. `stock_level` (from its stock
 * adjustments) and `product_supplier_name` (from its supplier) are derived (derived-fields.ts).
 */
import { stockLevelOf } from '../stock-levels.js';
import type { Body } from '../store.js';
import { nextEntry } from './catalogue.js';
import { formatMoney, link, linkedId, type ResourceModel, selfLinks, type WriteContext } from './model.js';
import { taxRate } from './taxes.js';
import { updatedAfter } from './timeline.js';

const PRODUCTS: readonly { name: string; price: number; cost: number }[] = [
  { name: 'Resistance band (1.5 m)', price: 18, cost: 7.5 },
  { name: 'Foam roller', price: 45, cost: 19 },
  { name: 'Heat pack', price: 25, cost: 9.2 },
  { name: 'Kinesiology tape', price: 16, cost: 6 },
  { name: 'Massage ball', price: 12, cost: 4.4 },
  { name: 'Contour pillow', price: 89, cost: 41 },
  { name: 'Ice pack', price: 15, cost: 5.5 },
  { name: 'Arch support insoles', price: 55, cost: 22 },
];

export const products: ResourceModel = {
  name: 'products',
  filters: {
    archived_at: 'datetime',
    created_at: 'datetime',
    id: 'integer',
    name: 'string',
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
    serial_number: { kind: 'string', nullable: true },
    notes: { kind: 'string', nullable: true },
    cost_price: { kind: 'money', nullable: true },
    price_ex_tax: { kind: 'money' },
    product_supplier_id: { kind: 'link', resource: 'product_suppliers', as: 'product_supplier' },
    tax_id: { kind: 'link', resource: 'taxes', as: 'tax' },
  },
  required: ['name', 'price_ex_tax'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    cost_price: null,
    item_code: null,
    name: '',
    notes: null,
    price_ex_tax: '0.0',
    price_including_tax: '0.0',
    product_supplier: null,
    product_supplier_name: null,
    serial_number: null,
    stock_level: 0,
    tax: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('products', id),
  }),
  finish(body, ctx) {
    Object.assign(body, productDerived(body, ctx));
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const product = nextEntry(ctx, 'products', PRODUCTS);
    const supplier = ctx.pick('product_suppliers');
    const tax = ctx.pick('taxes');
    const body: Body = {
      ...products.blank(id, ctx),
      cost_price: formatMoney(product.cost),
      item_code: ctx.random.chance(0.6) ? `P-${ctx.random.digits(4)}` : null,
      name: product.name,
      notes: ctx.random.chance(0.2) ? 'Keep two in the treatment room.' : null,
      price_ex_tax: formatMoney(product.price),
      product_supplier: supplier ? link('product_suppliers', supplier) : null,
      tax: tax ? link('taxes', tax) : null,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
    return { ...body, ...productDerived(body, ctx) };
  },
};

/** The fields a product derives: its price with tax, its supplier's name and its stock level. */
export function productDerived(body: Body, ctx: WriteContext): Body {
  const taxId = linkedId(body.tax);
  const rate = taxRate(taxId ? ctx.account.current('taxes', taxId) : undefined);
  const supplierId = linkedId(body.product_supplier);
  const supplier = supplierId ? ctx.account.current('product_suppliers', supplierId) : undefined;
  return {
    price_including_tax: formatMoney(Number(body.price_ex_tax ?? 0) * (1 + rate / 100)),
    product_supplier_name: typeof supplier?.name === 'string' ? supplier.name : null,
    stock_level: stockLevelOf(ctx.account, String(body.id)),
  };
}
