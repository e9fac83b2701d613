import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keeps } from './records.js';

describe('filter properties', () => {
  const anyValue = fc.oneof(
    fc.constant(null),
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string(), { maxLength: 3 }),
  );

  it('* matches every record, whatever the field holds', () => {
    fc.assert(fc.property(anyValue, (value) => keeps('archived_at:*', 'archived_at', value)));
  });

  it('? and !? split records into two complementary sets', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ maxLength: 2 }), { nil: null }), (value) => {
        expect(keeps('first_name:?', 'first_name', value)).toBe(!keeps('first_name:!?', 'first_name', value));
      }),
    );
  });

  it('an integer list keeps exactly the ids it names, compared as BigInt', () => {
    const id = fc.bigInt({ min: 0n, max: 10n ** 19n });
    fc.assert(
      fc.property(fc.array(id, { minLength: 1, maxLength: 5 }), id, (list, actual) => {
        expect(keeps(`id:=${list.join(',')}`, 'id', String(actual))).toBe(list.includes(actual));
      }),
    );
  });

  it('~~ agrees with a case-insensitive anchored regular expression where % is .*', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', 'b', '_', '.'), maxLength: 6 });
    const pattern = fc.string({
      unit: fc.constantFrom('a', 'b', 'B', '%', '_', '.'),
      minLength: 1,
      maxLength: 5,
    });
    fc.assert(
      fc.property(pattern, text, (like, value) => {
        const source = [...like].map((char) => (char === '%' ? '.*' : char.replace('.', '\\.'))).join('');
        const expected = value !== '' && new RegExp(`^${source}$`, 'is').test(value);

        expect(keeps(`first_name:~~${like}`, 'first_name', value)).toBe(expected);
      }),
    );
  });
});
