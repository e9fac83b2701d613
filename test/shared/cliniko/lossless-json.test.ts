import { describe, expect, it } from 'vitest';
import { parseLosslessJson, quoteUnsafeIntegers } from '../../../shared/cliniko/lossless-json.js';
import { normaliseIds } from '../../../shared/cliniko/record-ids.js';

describe('parseLosslessJson', () => {
  it.each(['1390726237298631770', '9223372036854775807', '-9223372036854775808'])(
    'keeps the integer %s exact as a decimal string',
    (literal) => {
      const parsed = parseLosslessJson(`{"id":${literal},"n":[${literal}]}`);

      expect(parsed).toEqual({ id: literal, n: [literal] });
    },
  );

  it('leaves safe integers, decimals and exponents as numbers', () => {
    const parsed = parseLosslessJson('{"a":9007199254740991,"b":12345678901234567.5,"c":1e300,"d":-3}');

    expect(parsed).toEqual({ a: 9007199254740991, b: Number('12345678901234567.5'), c: 1e300, d: -3 });
  });

  it('does not touch digits inside strings, including after escaped quotes', () => {
    const text =
      '{"note":"call 12345678901234567890 \\"9223372036854775807\\" back\\\\","id":9223372036854775807}';

    const parsed = parseLosslessJson(text);

    expect(parsed).toEqual({
      note: 'call 12345678901234567890 "9223372036854775807" back\\',
      id: '9223372036854775807',
    });
  });

  it('returns text without unsafe integers unchanged', () => {
    const text = '{"id":"1390726237298631770","count":12}';

    expect(quoteUnsafeIntegers(text)).toBe(text);
  });

  it('still rejects truncated JSON', () => {
    expect(() => parseLosslessJson('{"patients":[{"id":1390726237298631770')).toThrow(SyntaxError);
  });
});

describe('normaliseIds', () => {
  it('turns numeric id, *_id and *_ids values into strings at any depth', () => {
    const record = { id: 42, patient_id: 7, patient_ids: [1, 2], nested: { business_id: 3 }, age: 40 };

    expect(normaliseIds(record)).toEqual({
      id: '42',
      patient_id: '7',
      patient_ids: ['1', '2'],
      nested: { business_id: '3' },
      age: 40,
    });
  });

  it('leaves string ids and null foreign keys alone', () => {
    expect(normaliseIds({ id: '1390726237298631770', practitioner_id: null })).toEqual({
      id: '1390726237298631770',
      practitioner_id: null,
    });
  });
});
