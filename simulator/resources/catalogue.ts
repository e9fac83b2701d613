/**
 * Reference data a clinic sets up once (taxes, billable items, products, templates …) comes from
 * fixed lists: the n-th record generated for a table takes the n-th entry, so a small table holds
 * distinct, plausible entries and the same seed gives the same ones.
 */
import type { WriteContext } from './model.js';

export function nextEntry<T>(ctx: WriteContext, resource: string, entries: readonly T[]): T {
  const entry = entries[ctx.account.table(resource).records.size % entries.length];
  if (entry === undefined) throw new RangeError(`no entries for ${resource}`);
  return entry;
}
