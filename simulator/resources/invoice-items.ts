/**
 * Invoice items: the lines of an invoice, each charging a billable item or a product. Archivable
 * and legacy-deletable (with the old docs' `/deleted` feed). Prices include tax, as in Cliniko's
 * example: `total_including_tax` = quantity × unit price − discount; `net_price` is that without tax.
 */
import type { Body, Json } from '../store.js';
import {
  formatMoney,
  link,
  linkedId,
  type ResourceModel,
  selfLinks,
  type ValidationErrors,
  type WriteContext,
} from './model.js';
import { taxRate } from './taxes.js';

export const invoiceItems: ResourceModel = {
  name: 'invoice_items',
  filters: {
    archived_at: 'datetime',
    created_at: 'datetime',
    deleted_at: 'datetime',
    id: 'integer',
    invoice_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: { invoice_id: 'invoice' },
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { deleted: true },
  writable: {
    invoice_id: { kind: 'link', resource: 'invoices', as: 'invoice' },
    billable_item_id: { kind: 'link', resource: 'billable_items', as: 'billable_item' },
    product_id: { kind: 'link', resource: 'products', as: 'product' },
    name: { kind: 'string', nullable: true },
    code: { kind: 'string', nullable: true },
    quantity: { kind: 'integer' },
    unit_price: { kind: 'money' },
    discount_percentage: { kind: 'number', nullable: true },
    concession_type_name: { kind: 'string', nullable: true },
  },
  required: ['invoice_id', 'quantity', 'unit_price'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    billable_item: null,
    code: null,
    concession_type_name: null,
    discount_percentage: 0,
    discounted_amount: '0.0',
    invoice: null,
    is_monetary_discount: false,
    name: null,
    net_price: '0.0',
    product: null,
    quantity: 1,
    tax_amount: 0,
    tax_name: null,
    tax_rate: 0,
    total_including_tax: 0,
    unit_price: '0.0',
    deleted_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('invoice_items', id),
  }),
  finish(body, ctx): ValidationErrors | undefined {
    if (typeof body.quantity !== 'number' || body.quantity < 1) return { quantity: 'must be greater than 0' };
    const discount = body.discount_percentage;
    if (discount !== null && (typeof discount !== 'number' || discount < 0 || discount > 100))
      return { discount_percentage: 'must be between 0 and 100' };
    Object.assign(body, itemSource(body, ctx), amounts(body));
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const invoice = ctx.pick('invoices');
    const invoiceBody = invoice ? ctx.account.current('invoices', invoice) : undefined;
    if (!invoice || !invoiceBody) return undefined;
    const product = ctx.random.chance(0.25) ? ctx.pick('products') : undefined;
    const item = product ? undefined : ctx.pick('billable_items');
    return lineOf(id, ctx, invoiceBody, { product, item, createdAt });
  },
};

/** A line of `invoice` charging a product or a billable item (at its price unless `price` is given). */
export function lineOf(
  id: string,
  ctx: WriteContext,
  invoice: Body,
  line: {
    product?: string | undefined;
    item?: string | undefined;
    createdAt: string;
    price?: number;
    quantity?: number;
  },
): Body {
  const body: Body = {
    ...invoiceItems.blank(id, ctx),
    invoice: link('invoices', String(invoice.id)),
    product: line.product ? link('products', line.product) : null,
    billable_item: line.item ? link('billable_items', line.item) : null,
    quantity: line.quantity ?? 1,
    created_at: line.createdAt,
    updated_at: line.createdAt,
  };
  Object.assign(body, itemSource(body, ctx));
  if (line.price !== undefined) body.unit_price = formatMoney(line.price);
  return { ...body, ...amounts(body) };
}

/** Name, code, price and tax copied from the charged product or billable item where not given. */
function itemSource(body: Body, ctx: WriteContext): Body {
  const productId = linkedId(body.product);
  const itemId = linkedId(body.billable_item);
  const source = productId
    ? ctx.account.current('products', productId)
    : itemId
      ? ctx.account.current('billable_items', itemId)
      : undefined;
  if (!source) return {};
  const taxId = linkedId(source.tax);
  const tax = taxId ? ctx.account.current('taxes', taxId) : undefined;
  const price = productId ? source.price_including_tax : source.price;
  const given = (field: string, value: Json | undefined): Json =>
    body[field] !== null && body[field] !== '' && body[field] !== '0.0'
      ? (body[field] ?? null)
      : (value ?? null);
  return {
    name: given('name', source.name),
    code: given('code', source.item_code),
    unit_price: given('unit_price', price),
    tax_name: tax ? (tax.name ?? null) : null,
    tax_rate: taxRate(tax),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The amounts a line derives from its quantity, unit price, discount and tax rate. */
function amounts(body: Body): Body {
  const gross = Number(body.unit_price) * Number(body.quantity);
  const percent = typeof body.discount_percentage === 'number' ? body.discount_percentage : 0;
  const discount = round2((gross * percent) / 100);
  const total = round2(gross - discount);
  const rate = typeof body.tax_rate === 'number' ? body.tax_rate : 0;
  const net = total / (1 + rate / 100);
  return {
    discounted_amount: formatMoney(discount),
    net_price: formatMoney(net),
    tax_amount: round2(total - net),
    total_including_tax: total,
  };
}
