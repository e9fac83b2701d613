/**
 * A product's `stock_level`, which Cliniko derives from the product's stock adjustments: each
 * adjustment type adds or takes away its quantity. Read by a table scan (a clinic's stock ledger is
 * small next to its bookings).
 */
import { linkedId } from './resources/model.js';
import type { Account } from './store.js';

/** Adjustment types and whether they add to (1) or take from (-1) the stock. */
export const ADJUSTMENT_SIGNS: Readonly<Record<string, 1 | -1>> = {
  'Stock purchase': 1,
  Returned: 1,
  Damaged: -1,
  'Out of date': -1,
  'Internal use': -1,
};

export function stockLevelOf(account: Account, productId: string): number {
  let level = 0;
  for (const record of account.table('stock_adjustments').records.values()) {
    const latest = record.latest();
    if (!latest || latest.deleted || linkedId(latest.body.product) !== productId) continue;
    const { adjustment_type: type, quantity } = latest.body;
    const sign = typeof type === 'string' ? (ADJUSTMENT_SIGNS[type] ?? 1) : 1;
    if (typeof quantity === 'number') level += sign * quantity;
  }
  return level;
}
