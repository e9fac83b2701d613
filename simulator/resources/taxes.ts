/** Taxes (GST, VAT …): reference data, created and updated through the API, never archived or deleted. */
import { nextEntry } from './catalogue.js';
import { type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

const TAXES: readonly { name: string; rate: number }[] = [
  { name: 'GST', rate: 10 },
  { name: 'GST free', rate: 0 },
  { name: 'VAT', rate: 20 },
];

export const taxes: ResourceModel = {
  name: 'taxes',
  filters: { created_at: 'datetime', id: 'integer', updated_at: 'datetime' },
  foreignKeys: {},
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: { name: { kind: 'string' }, rate: { kind: 'number' } },
  required: ['name', 'rate'],
  blank: (id, ctx) => ({
    id,
    name: '',
    rate: 0,
    amount: 0,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('taxes', id),
  }),
  finish(body) {
    const rate = body.rate;
    if (typeof rate !== 'number' || rate < 0 || rate > 100) return { rate: 'must be between 0 and 100' };
    // `amount` is the deprecated twin of `rate`.
    body.amount = rate;
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const tax = nextEntry(ctx, 'taxes', TAXES);
    return {
      ...taxes.blank(id, ctx),
      ...tax,
      amount: tax.rate,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};

/** The rate of a tax record, or 0 when there is none. */
export function taxRate(tax: { readonly rate?: unknown } | undefined): number {
  return typeof tax?.rate === 'number' ? tax.rate : 0;
}
