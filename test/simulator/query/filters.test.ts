import { describe, expect, it } from 'vitest';
import { parseFilters, QueryError, readFilterParams } from '../../../simulator/query/index.js';
import { FIELDS, keeps, record } from './records.js';

function rejection(raw: readonly string[]): QueryError {
  try {
    parseFilters(raw, FIELDS);
  } catch (error) {
    if (error instanceof QueryError) return error;
    throw error;
  }
  throw new Error('expected a QueryError');
}

describe('readFilterParams', () => {
  it('returns every q and q[] value in the order they appear', () => {
    const params = new URLSearchParams('q=id:=1&page=2&q%5B%5D=first_name:~an&q[]=updated_at:?&qq=x');

    expect(readFilterParams(params)).toEqual(['id:=1', 'first_name:~an', 'updated_at:?']);
  });

  it('decodes %25 to the % wildcard', () => {
    expect(readFilterParams(new URLSearchParams('q[]=first_name:~~J%25n'))).toEqual(['first_name:~~J%n']);
  });
});

describe('parseFilters rejections', () => {
  it('answers an unknown column with Cliniko’s 400 body', () => {
    const error = rejection(['deleted_at:>2026-01-01T00:00:00Z']);

    expect(error.status).toBe(400);
    expect(error.body).toEqual({ message: 'This column is not searchable.' });
  });

  it('does not treat inherited object keys as columns', () => {
    expect(rejection(['constructor:=1']).body.message).toBe('This column is not searchable.');
  });

  it.each([
    ['updated_at:=2026-01-01T00:00:00Z', 'datetime has no ='],
    ['date_of_birth:*', 'date has no *'],
    ['date_of_birth:!=2000-01-01', 'date has no !='],
    ['id:~1', 'integer has no ~'],
    ['first_name:>A', 'string has no >'],
    ['show_in_online_bookings:?', 'boolean has no ?'],
    ['patient_ids:=1', 'array has no ='],
    ['first_name', 'no operator at all'],
    ['first_name:', 'empty operator'],
  ])('rejects %s (%s) with a 400 naming no value', (filter) => {
    const error = rejection([filter]);

    expect(error.status).toBe(400);
    expect(error.body.message).toMatch(/^Invalid filter on /);
  });

  it.each([
    'updated_at:>2026-01-01',
    'updated_at:>2026-02-30T00:00:00Z',
    'updated_at:>2026-01-01T24:00:00Z',
    'updated_at:>2026-01-01T10:00:00+00:00',
    'updated_at:>=',
    'archived_at:*yes',
    'date_of_birth:>2001-02-29',
    'date_of_birth:>****-05-**',
    'date_of_birth:=1990-5-01',
    'id:=1,,2',
    'id:=1.5',
    'id:>abc',
    'id:!=1,2',
    'first_name:=',
    'show_in_online_bookings:=yes',
    'patient_ids:~',
  ])('rejects the malformed value in %s without echoing it', (filter) => {
    const value = filter.slice(filter.indexOf(':') + 1).replace(/^[<>=!?~*]+/, '');
    const error = rejection([filter]);

    expect(error.body.message).toMatch(/^Invalid filter on /);
    if (value.length > 2) expect(error.body.message).not.toContain(value);
  });

  it('fails the whole query when any one filter is bad', () => {
    expect(() => parseFilters(['id:=1', 'nope:=2'], FIELDS)).toThrow(QueryError);
  });
});

describe('datetime filters', () => {
  const at = '2026-11-29T10:00:00Z';

  it.each([
    ['>', '2026-11-29T09:59:59Z', true],
    ['>', at, false],
    ['>=', at, true],
    ['>=', '2026-11-29T10:00:01Z', false],
    ['<', '2026-11-29T10:00:01Z', true],
    ['<', at, false],
    ['<=', at, true],
    ['<=', '2026-11-29T09:59:59Z', false],
  ])('updated_at:%s%s on a record at that instant → %s', (operator, bound, expected) => {
    expect(keeps(`updated_at:${operator}${bound}`, 'updated_at', at)).toBe(expected);
  });

  it('orders years before 100 correctly', () => {
    expect(keeps('updated_at:<2026-01-01T00:00:00Z', 'updated_at', '0099-12-31T23:59:59Z')).toBe(true);
    expect(keeps('updated_at:>0099-12-31T23:59:59Z', 'updated_at', '1999-01-01T00:00:00Z')).toBe(true);
  });

  it('matches no comparison when the record holds something that is not a UTC time', () => {
    expect(keeps('updated_at:<2999-01-01T00:00:00Z', 'updated_at', 'yesterday')).toBe(false);
  });

  it('accepts fractional seconds and compares at whole-second precision', () => {
    expect(keeps('updated_at:>=2026-11-29T10:00:00.900Z', 'updated_at', at)).toBe(true);
    expect(keeps('updated_at:>2026-11-29T10:00:00.100Z', 'updated_at', at)).toBe(false);
  });

  it('never matches a record without a value in a comparison', () => {
    expect(keeps('archived_at:<2999-01-01T00:00:00Z', 'archived_at', null)).toBe(false);
  });
});

describe('presence operators', () => {
  it.each([
    ['archived_at:?', '2026-01-01T00:00:00Z', true],
    ['archived_at:?', null, false],
    ['archived_at:!?', null, true],
    ['archived_at:!?', '2026-01-01T00:00:00Z', false],
    ['first_name:?', '', false],
    ['first_name:!?', '', true],
    ['id:?', '1', true],
    ['id:!?', null, true],
    ['date_of_birth:?', '1990-05-01', true],
    ['date_of_birth:!?', '1990-05-01', false],
  ])('%s on %j → %s', (filter, value, expected) => {
    const field = filter.slice(0, filter.indexOf(':'));

    expect(keeps(filter, field, value)).toBe(expected);
  });

  it('* matches a record with a value and one without', () => {
    const any = parseFilters(['archived_at:*'], FIELDS);

    expect(any.matches(record({ archived_at: '2026-01-01T00:00:00Z' }))).toBe(true);
    expect(any.matches(record({ archived_at: null }))).toBe(true);
  });

  it('reports the fields filtered on, whatever the operator', () => {
    const parsed = parseFilters(['archived_at:*', 'id:?', 'id:>1'], FIELDS);

    expect([...parsed.fields].sort()).toEqual(['archived_at', 'id']);
  });
});

describe('date filters', () => {
  it.each([
    ['=1990-05-01', true],
    ['=1990-05-02', false],
    ['>1990-04-30', true],
    ['>1990-05-01', false],
    ['>=1990-05-01', true],
    ['<1990-05-02', true],
    ['<1990-05-01', false],
    ['<=1990-05-01', true],
    ['<=1990-04-30', false],
    ['=****-05-**', true],
    ['=****-06-**', false],
    ['=19**-**-01', true],
    ['=198*-**-**', false],
  ])('date_of_birth:%s on 1990-05-01 → %s', (condition, expected) => {
    expect(keeps(`date_of_birth:${condition}`, 'date_of_birth', '1990-05-01')).toBe(expected);
  });

  it('wildcards never match a record without a date', () => {
    expect(keeps('date_of_birth:=****-**-**', 'date_of_birth', null)).toBe(false);
  });
});

describe('integer filters', () => {
  it.each([
    ['=7', true],
    ['=8', false],
    ['=1,7,9', true],
    ['=1,2,3', false],
    ['!=8', true],
    ['!=7', false],
    ['>6', true],
    ['>7', false],
    ['>=7', true],
    ['<8', true],
    ['<7', false],
    ['<=7', true],
    ['<=6', false],
  ])('id:%s on 7 → %s', (condition, expected) => {
    expect(keeps(`id:${condition}`, 'id', '7')).toBe(expected);
  });

  it('compares 19-digit ids exactly, as BigInt', () => {
    const id = '1390726237298631770';

    expect(keeps('id:>999999999999999999', 'id', id)).toBe(true);
    expect(keeps('id:<999999999999999999', 'id', id)).toBe(false);
    // Both round to the same double; only exact comparison tells them apart.
    expect(keeps('id:=1390726237298631771', 'id', id)).toBe(false);
    expect(keeps('id:>1390726237298631769', 'id', id)).toBe(true);
  });

  it('reads ids that records hold as numbers', () => {
    expect(keeps('patient_id:=1,42', 'patient_id', 42)).toBe(true);
  });

  it('follows SQL: != never matches a record without a value', () => {
    expect(keeps('patient_id:!=1', 'patient_id', null)).toBe(false);
  });
});

describe('string filters', () => {
  it.each([
    ['=Jonathan', true],
    ['=jonathan', false],
    ['!=Jon', true],
    ['!=Jonathan', false],
    ['~NAT', true],
    ['~nab', false],
    ['~~j%n', true],
    ['~~J%', true],
    ['~~%THAN', true],
    ['~~%o%a%', true],
    ['~~jonathan', true],
    ['~~j%x', false],
    ['~~jon', false],
    ['~~%a%a%a%', false],
    ['~~j_nathan', false],
  ])('first_name:%s on Jonathan → %s', (condition, expected) => {
    expect(keeps(`first_name:${condition}`, 'first_name', 'Jonathan')).toBe(expected);
  });

  it('treats % in a contains filter as a literal character', () => {
    expect(keeps('first_name:~50%', 'first_name', '50% off')).toBe(true);
    expect(keeps('first_name:~5%f', 'first_name', '50% off')).toBe(false);
  });

  it('does not let overlapping LIKE segments share characters', () => {
    expect(keeps('first_name:~~ab%ba', 'first_name', 'aba')).toBe(false);
    expect(keeps('first_name:~~ab%ba', 'first_name', 'abba')).toBe(true);
  });

  it('never matches null or the empty string with a comparison, != included', () => {
    for (const value of [null, '']) {
      expect(keeps('last_name:!=Smith', 'last_name', value)).toBe(false);
      expect(keeps('last_name:~~%', 'last_name', value)).toBe(false);
    }
  });
});

describe('boolean and array filters', () => {
  it.each([
    ['=true', true, true],
    ['=true', false, false],
    ['=false', false, true],
    ['!=true', false, true],
    ['!=false', false, false],
    ['=false', null, false],
    ['!=true', null, false],
  ])('show_in_online_bookings:%s on %j → %s', (condition, value, expected) => {
    expect(keeps(`show_in_online_bookings:${condition}`, 'show_in_online_bookings', value)).toBe(expected);
  });

  it('~ keeps records whose array holds the value exactly', () => {
    const ids = ['1390726237298631770', '12'];

    expect(keeps('patient_ids:~12', 'patient_ids', ids)).toBe(true);
    expect(keeps('patient_ids:~1', 'patient_ids', ids)).toBe(false);
    expect(keeps('patient_ids:~12', 'patient_ids', null)).toBe(false);
  });
});

describe('several filters', () => {
  const jane = record({ id: '5', first_name: 'Jane', updated_at: '2026-03-01T00:00:00Z' });

  it('keeps a record only when every filter matches (AND)', () => {
    const both = parseFilters(['first_name:~~ja%', 'updated_at:>=2026-03-01T00:00:00Z'], FIELDS);
    const oneFails = parseFilters(['first_name:~~ja%', 'updated_at:>2026-03-01T00:00:00Z'], FIELDS);

    expect(both.matches(jane)).toBe(true);
    expect(oneFails.matches(jane)).toBe(false);
  });

  it('combines two bounds on one field into a range', () => {
    const range = parseFilters(['id:>4', 'id:<6'], FIELDS);

    expect(range.matches(jane)).toBe(true);
    expect(range.matches(record({ id: '6' }))).toBe(false);
  });

  it('keeps everything when there are no filters', () => {
    const none = parseFilters([], FIELDS);

    expect(none.matches(record({}))).toBe(true);
    expect(none.fields.size).toBe(0);
  });
});
