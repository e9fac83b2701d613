import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FieldGetter, type FieldValue, parseSort, QueryError } from '../../../simulator/query/index.js';
import { FIELDS, record } from './records.js';

function idsInOrder(sort: string | null, records: readonly FieldGetter[]): FieldValue[] {
  return [...records].sort(parseSort(sort, FIELDS)).map((get) => get('id'));
}

describe('parseSort', () => {
  const early = record({ id: '30', created_at: '2026-01-01T00:00:00Z', last_name: 'B' });
  const late = record({ id: '10', created_at: '2026-01-03T00:00:00Z', last_name: 'A' });
  const middle = record({ id: '20', created_at: '2026-01-02T00:00:00Z', last_name: 'B' });

  it('orders by created_at ascending when sort is absent or empty', () => {
    expect(idsInOrder(null, [late, middle, early])).toEqual(['30', '20', '10']);
    expect(idsInOrder('', [late, middle, early])).toEqual(['30', '20', '10']);
  });

  it('sorts by several columns with per-column direction', () => {
    expect(idsInOrder('last_name:desc,created_at', [late, early, middle])).toEqual(['30', '20', '10']);
    expect(idsInOrder('last_name:asc,created_at:desc', [early, middle, late])).toEqual(['10', '20', '30']);
  });

  it('breaks ties by id ascending, numerically', () => {
    const same = '2026-01-01T00:00:00Z';
    const records = ['1390726237298631770', '999999999999999999', '2'].map((id) =>
      record({ id, updated_at: same }),
    );

    expect(idsInOrder('updated_at:desc', records)).toEqual([
      '2',
      '999999999999999999',
      '1390726237298631770',
    ]);
  });

  it('orders timestamps that carry a sub-second fraction by it, before falling back to id', () => {
    const records = [
      record({ id: '1', updated_at: '2026-01-01T00:00:00.000900Z' }),
      record({ id: '2', updated_at: '2026-01-01T00:00:00.000100Z' }),
      record({ id: '3', updated_at: '2026-01-01T00:00:00Z' }),
    ];

    expect(idsInOrder('updated_at', records)).toEqual(['3', '2', '1']);
  });

  it('orders 19-digit ids by value, not by text', () => {
    const records = ['1390726237298631771', '999999999999999999', '1390726237298631770'].map((id) =>
      record({ id }),
    );

    expect(idsInOrder('id:desc', records)).toEqual([
      '1390726237298631771',
      '1390726237298631770',
      '999999999999999999',
    ]);
  });

  it('puts records without a value first ascending and last descending', () => {
    const archived = record({ id: '1', archived_at: '2026-01-01T00:00:00Z' });
    const active = record({ id: '2', archived_at: null });

    expect(idsInOrder('archived_at', [archived, active])).toEqual(['2', '1']);
    expect(idsInOrder('archived_at:desc', [active, archived])).toEqual(['1', '2']);
  });

  it('compares datetimes as instants', () => {
    const fraction = record({ id: '1', updated_at: '2026-01-01T00:00:01.000Z' });
    const whole = record({ id: '2', updated_at: '2026-01-01T00:00:00Z' });

    expect(idsInOrder('updated_at', [fraction, whole])).toEqual(['2', '1']);
  });

  it('sorts booleans false first and dates chronologically', () => {
    const yes = record({ id: '1', show_in_online_bookings: true, date_of_birth: '1980-01-01' });
    const no = record({ id: '2', show_in_online_bookings: false, date_of_birth: '1990-01-01' });

    expect(idsInOrder('show_in_online_bookings', [yes, no])).toEqual(['2', '1']);
    expect(idsInOrder('date_of_birth:desc', [yes, no])).toEqual(['2', '1']);
  });

  it.each(['nope', 'created_at,nope:desc', 'created_at,', ' id'])(
    'rejects the unknown column in %j with Cliniko’s 400 body',
    (sort) => {
      const act = () => parseSort(sort, FIELDS);

      expect(act).toThrow(QueryError);
      expect(act).toThrow('Sort parameter must be a valid column name');
    },
  );

  it('rejects a direction other than asc or desc', () => {
    expect(() => parseSort('id:up', FIELDS)).toThrow(/asc or desc/);
  });
});

describe('parseSort properties', () => {
  const integerText = fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String);
  const sortRecord = fc
    .record({
      id: integerText,
      patient_id: fc.option(integerText, { nil: null }),
      last_name: fc.option(fc.string({ maxLength: 3 }), { nil: null }),
    })
    .map((values) => ({ values, get: record(values) }));

  it('is a total order consistent with BigInt order on integer columns', () => {
    fc.assert(
      fc.property(sortRecord, sortRecord, sortRecord, (a, b, c) => {
        const compare = parseSort('patient_id,last_name:desc', FIELDS);
        // Antisymmetric, reflexive and transitive.
        expect(Math.sign(compare(a.get, b.get))).toBe(-Math.sign(compare(b.get, a.get)) || 0);
        expect(compare(a.get, a.get)).toBe(0);
        if (compare(a.get, b.get) <= 0 && compare(b.get, c.get) <= 0) {
          expect(compare(a.get, c.get)).toBeLessThanOrEqual(0);
        }
        const x = a.values.patient_id;
        const y = b.values.patient_id;
        if (x !== null && y !== null && BigInt(x) !== BigInt(y)) {
          expect(Math.sign(compare(a.get, b.get))).toBe(BigInt(x) < BigInt(y) ? -1 : 1);
        }
      }),
    );
  });

  it('returns 0 only for records with the same sort keys and id', () => {
    fc.assert(
      fc.property(sortRecord, sortRecord, (a, b) => {
        const compare = parseSort('last_name', FIELDS);
        // The empty string and null both count as no value.
        const same =
          (a.values.last_name || null) === (b.values.last_name || null) &&
          BigInt(a.values.id) === BigInt(b.values.id);

        expect(compare(a.get, b.get) === 0).toBe(same);
      }),
    );
  });
});
