/** Decimal filters (money, e.g. a concession price): numeric comparisons on values sent as strings. */
import { describe, expect, it } from 'vitest';
import { parseFilters, parseSort, QueryError } from '../../../simulator/query/index.js';
import { record } from './records.js';

const FIELDS = { id: 'integer', price: 'decimal' } as const;

const keeps = (filter: string, price: string | number | null) =>
  parseFilters([filter], FIELDS).matches(record({ price }));

describe('decimal filters', () => {
  it('compares by numeric value, not as text', () => {
    expect(keeps('price:>=9.5', '10.0')).toBe(true);
    expect(keeps('price:<9.5', '10.0')).toBe(false);
    expect(keeps('price:=55', '55.0')).toBe(true);
    expect(keeps('price:!=55', '55.00')).toBe(false);
    expect(keeps('price:>100', 120)).toBe(true);
  });

  it('treats a missing price as no value: only ? and !? see it', () => {
    expect(keeps('price:!?', null)).toBe(true);
    expect(keeps('price:?', '1.0')).toBe(true);
    expect(keeps('price:>=0', null)).toBe(false);
  });

  it.each(['price:~5', 'price:*', 'price:>=abc', 'price:=1,2', 'price:>=1e3'])(
    'rejects %s with a 400',
    (filter) => {
      expect(() => parseFilters([filter], FIELDS)).toThrow(QueryError);
    },
  );

  it('sorts numerically', () => {
    const prices = ['100.0', '9.5', '20'].map((price, i) => record({ id: String(i), price }));
    const sorted = [...prices].sort(parseSort('price', FIELDS)).map((get) => get('price'));

    expect(sorted).toEqual(['9.5', '20', '100.0']);
  });
});
