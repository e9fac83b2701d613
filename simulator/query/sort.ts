/**
 * Cliniko's `sort=col1,col2:desc` ordering. Default `created_at` ascending. Every order ends with
 * `id` ascending so equal keys still come back in one fixed order and pages never overlap or skip.
 */
import {
  type FieldGetter,
  type FieldType,
  type FieldTypes,
  type FieldValue,
  fieldType,
  readArray,
  readBoolean,
  readDate,
  readDecimal,
  readInstant,
  readInteger,
  readString,
} from './fields.js';
import { INVALID_SORT_COLUMN, QueryError } from './query-error.js';

export type RecordComparator = (a: FieldGetter, b: FieldGetter) => number;

interface SortKey {
  readonly field: string;
  readonly type: FieldType;
  readonly descending: boolean;
}

const DEFAULT_SORT: readonly SortKey[] = [{ field: 'created_at', type: 'datetime', descending: false }];

/** Comparator for `sort`; throws QueryError (400) on an unknown column or direction. */
export function parseSort(raw: string | null | undefined, fields: FieldTypes): RecordComparator {
  const keys = raw ? raw.split(',').map((part) => parseSortKey(part, fields)) : DEFAULT_SORT;
  return (a, b) => {
    for (const key of keys) {
      const order = compareValues(key.field, key.type, a(key.field), b(key.field));
      if (order !== 0) return key.descending ? -order : order;
    }
    return compareIdentifiers(a('id'), b('id'));
  };
}

function parseSortKey(part: string, fields: FieldTypes): SortKey {
  const colon = part.indexOf(':');
  const field = colon === -1 ? part : part.slice(0, colon);
  const direction = colon === -1 ? 'asc' : part.slice(colon + 1);
  const type = fieldType(fields, field);
  if (type === undefined) throw new QueryError(INVALID_SORT_COLUMN);
  if (direction !== 'asc' && direction !== 'desc') {
    throw new QueryError(`Sort direction must be asc or desc, e.g. sort=${field}:desc`);
  }
  return { field, type, descending: direction === 'desc' };
}

/**
 * Orders two values of one field; a value that is missing or does not parse as the field's type
 * sorts first (ascending), so the order is total whatever a record holds.
 */
export function compareValues(field: string, type: FieldType, a: FieldValue, b: FieldValue): number {
  // Ids are numeric even where Cliniko documents them as strings.
  if (field === 'id' || type === 'integer') return compareIdentifiers(a, b);
  switch (type) {
    case 'datetime':
      return compareKeys(readInstant(a), readInstant(b));
    case 'date':
      return compareKeys(readDate(a), readDate(b));
    case 'decimal':
      return compareKeys(readDecimal(a), readDecimal(b));
    case 'string':
      return compareKeys(readString(a), readString(b));
    case 'boolean':
      return compareKeys(booleanKey(a), booleanKey(b));
    case 'array':
      return compareArrays(readArray(a), readArray(b));
  }
}

/** Missing first, then integers by numeric value (BigInt), then any non-numeric text by code unit. */
export function compareIdentifiers(a: FieldValue, b: FieldValue): number {
  const rank = (value: FieldValue) =>
    readInteger(value) !== undefined ? 1 : readString(value) !== undefined ? 2 : 0;
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return Math.sign(byRank);
  const numbers = compareKeys(readInteger(a), readInteger(b));
  return numbers !== 0 ? numbers : compareKeys(readString(a), readString(b));
}

function booleanKey(value: FieldValue): number | undefined {
  const flag = readBoolean(value);
  return flag === undefined ? undefined : Number(flag);
}

function compareKeys<T extends number | bigint | string>(a: T | undefined, b: T | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareArrays(a: readonly string[] | undefined, b: readonly string[] | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareKeys(a[i], b[i]);
    if (order !== 0) return order;
  }
  return Math.sign(a.length - b.length);
}
