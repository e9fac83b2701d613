/**
 * Cliniko's `q[]` filters: `FIELD:OPERATOR VALUE` strings, ANDed together. Deliberately no kinder
 * than the real API: unknown fields, operators a type does not support and malformed values are
 * rejected with a 400 instead of being ignored, so a client that works here works against Cliniko.
 *
 * Null semantics follow SQL: only `?`, `!?` and `*` ever match a record without a value (null or
 * empty string); every comparison, including `!=`, is false for it.
 */
import {
  type FieldGetter,
  type FieldType,
  type FieldTypes,
  fieldType,
  isAbsent,
  parseDate,
  parseDatetime,
  parseDecimal,
  parseInteger,
  readArray,
  readBoolean,
  readDate,
  readDatetime,
  readDecimal,
  readInteger,
  readString,
} from './fields.js';
import { NOT_SEARCHABLE, QueryError } from './query-error.js';

export interface ParsedFilters {
  matches(get: FieldGetter): boolean;
  /** Fields the query filtered on (any operator) — used to lift default hiding of archived/cancelled records. */
  readonly fields: ReadonlySet<string>;
  /** Fields the query filtered on with `*` (any value, null included), the documented way to reveal them. */
  readonly starred: ReadonlySet<string>;
}

type Operator = '>=' | '<=' | '!?' | '!=' | '~~' | '>' | '<' | '?' | '~' | '=' | '*';
type Comparison = '>=' | '<=' | '>' | '<' | '=' | '!=';
type Predicate = (get: FieldGetter) => boolean;

/** Longest first, so the parse is greedy: `>=` before `>`, `!?` before `!=`, `~~` before `~`. */
const OPERATORS: readonly Operator[] = ['>=', '<=', '!?', '!=', '~~', '>', '<', '?', '~', '=', '*'];

const ALLOWED: Readonly<Record<FieldType, ReadonlySet<Operator>>> = {
  datetime: new Set(['>', '>=', '<', '<=', '?', '!?', '*']),
  date: new Set(['=', '>', '>=', '<', '<=', '?', '!?']),
  integer: new Set(['=', '!=', '>', '>=', '<', '<=', '?', '!?']),
  decimal: new Set(['=', '!=', '>', '>=', '<', '<=', '?', '!?']),
  string: new Set(['=', '!=', '~', '~~', '?', '!?']),
  boolean: new Set(['=', '!=']),
  array: new Set(['~']),
};

const VALUE_HINT: Readonly<Record<FieldType, string>> = {
  datetime: 'a UTC time like 2026-01-31T10:00:00Z',
  date: 'a date like 2026-01-31 (with = a digit may be *, e.g. ****-12-25)',
  integer: 'a whole number (with = a comma-separated list, e.g. 10,20)',
  decimal: 'a decimal number like 12.50',
  string: 'non-empty text',
  boolean: 'true or false',
  array: 'a single non-empty value',
};

/** All `q` and `q[]` values of a query string, in order. */
export function readFilterParams(params: URLSearchParams): string[] {
  const filters: string[] = [];
  for (const [key, value] of params) {
    if (key === 'q' || key === 'q[]') filters.push(value);
  }
  return filters;
}

/** Parses every filter up front so a bad one fails the whole request, as Cliniko does. */
export function parseFilters(raw: readonly string[], fields: FieldTypes): ParsedFilters {
  const predicates: Predicate[] = [];
  const names = new Set<string>();
  const starred = new Set<string>();
  for (const filter of raw) {
    const colon = filter.indexOf(':');
    const field = colon === -1 ? filter : filter.slice(0, colon);
    const type = fieldType(fields, field);
    if (type === undefined) throw new QueryError(NOT_SEARCHABLE);
    if (colon === -1) {
      throw new QueryError(
        `Invalid filter on ${field}: write it as field:operator value, e.g. updated_at:>=2026-01-31T10:00:00Z`,
      );
    }
    const rest = filter.slice(colon + 1);
    predicates.push(parsePredicate(field, type, rest));
    names.add(field);
    if (rest === '*') starred.add(field);
  }
  return { fields: names, starred, matches: (get) => predicates.every((predicate) => predicate(get)) };
}

function parsePredicate(field: string, type: FieldType, rest: string): Predicate {
  const operator = OPERATORS.find((candidate) => rest.startsWith(candidate));
  if (operator === undefined || !ALLOWED[type].has(operator)) {
    const allowed = [...ALLOWED[type]].join(' ');
    throw new QueryError(`Invalid filter on ${field}: ${type} fields take the operators ${allowed}`);
  }
  const value = rest.slice(operator.length);
  const badValue = () => new QueryError(`Invalid filter on ${field}: the value must be ${VALUE_HINT[type]}`);
  if (operator === '?' || operator === '!?' || operator === '*') {
    if (value !== '')
      throw new QueryError(`Invalid filter on ${field}: the ${operator} operator takes no value`);
    if (operator === '*') return () => true;
    const wantPresent = operator === '?';
    return (get) => isAbsent(get(field)) !== wantPresent;
  }
  if (value === '') throw badValue();
  const predicate = valuePredicate(field, type, operator, value);
  if (predicate === undefined) throw badValue();
  return predicate;
}

/** The predicate for a value-taking operator, or undefined when the value does not parse. */
function valuePredicate(
  field: string,
  type: FieldType,
  operator: Operator,
  value: string,
): Predicate | undefined {
  switch (type) {
    case 'datetime': {
      const bound = parseDatetime(value);
      if (bound === undefined || !isComparison(operator)) return undefined;
      return (get) => {
        const actual = readDatetime(get(field));
        return actual !== undefined && compare(actual, operator, bound);
      };
    }
    case 'date':
      return datePredicate(field, operator, value);
    case 'integer':
      return integerPredicate(field, operator, value);
    case 'decimal': {
      const bound = parseDecimal(value);
      if (bound === undefined || !isComparison(operator)) return undefined;
      return (get) => {
        const actual = readDecimal(get(field));
        return actual !== undefined && compare(actual, operator, bound);
      };
    }
    case 'string':
      return stringPredicate(field, operator, value);
    case 'boolean': {
      if (value !== 'true' && value !== 'false') return undefined;
      const wanted = value === 'true';
      return (get) => {
        const actual = readBoolean(get(field));
        return actual !== undefined && (operator === '=' ? actual === wanted : actual !== wanted);
      };
    }
    case 'array':
      return (get) => readArray(get(field))?.includes(value) ?? false;
  }
}

function datePredicate(field: string, operator: Operator, value: string): Predicate | undefined {
  if (operator === '=' && value.includes('*')) {
    // A digit wildcard: compare position by position against the record's YYYY-MM-DD.
    if (!/^[\d*]{4}-[\d*]{2}-[\d*]{2}$/.test(value)) return undefined;
    return (get) => {
      const actual = readDate(get(field));
      return actual !== undefined && [...value].every((char, i) => char === '*' || char === actual[i]);
    };
  }
  const bound = parseDate(value);
  if (bound === undefined || !isComparison(operator)) return undefined;
  return (get) => {
    const actual = readDate(get(field));
    // Zero-padded YYYY-MM-DD strings sort chronologically.
    return actual !== undefined && compare(actual, operator, bound);
  };
}

function integerPredicate(field: string, operator: Operator, value: string): Predicate | undefined {
  if (operator === '=') {
    const wanted = value.split(',').map(parseInteger);
    const list = wanted.filter((item) => item !== undefined);
    if (list.length !== wanted.length) return undefined;
    return (get) => {
      const actual = readInteger(get(field));
      return actual !== undefined && list.includes(actual);
    };
  }
  const bound = parseInteger(value);
  if (bound === undefined || !isComparison(operator)) return undefined;
  return (get) => {
    const actual = readInteger(get(field));
    return actual !== undefined && compare(actual, operator, bound);
  };
}

function stringPredicate(field: string, operator: Operator, value: string): Predicate | undefined {
  let test: (actual: string) => boolean;
  switch (operator) {
    case '=':
      test = (actual) => actual === value;
      break;
    case '!=':
      test = (actual) => actual !== value;
      break;
    case '~': {
      const needle = value.toLowerCase();
      test = (actual) => actual.toLowerCase().includes(needle);
      break;
    }
    case '~~':
      test = likeMatcher(value);
      break;
    default:
      return undefined;
  }
  return (get) => {
    const actual = readString(get(field));
    return actual !== undefined && test(actual);
  };
}

/**
 * Case-insensitive SQL LIKE where `%` matches any run of characters and the pattern must cover the
 * whole value. Only `%` is a wildcard (the only one Cliniko documents); `_` is literal. Matched by
 * segments rather than a RegExp so hostile patterns like `%%%%…a` cannot backtrack exponentially.
 */
export function likeMatcher(pattern: string): (text: string) => boolean {
  const parts = pattern.toLowerCase().split('%');
  const first = parts[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
  const middles = parts.slice(1, -1);
  return (raw) => {
    const text = raw.toLowerCase();
    if (parts.length === 1) return text === first;
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) {
      return false;
    }
    // Leftmost placement of each middle segment leaves the most room for the rest.
    const end = text.length - last.length;
    let position = first.length;
    for (const middle of middles) {
      const at = text.indexOf(middle, position);
      if (at === -1 || at + middle.length > end) return false;
      position = at + middle.length;
    }
    return true;
  };
}

function isComparison(operator: Operator): operator is Comparison {
  return ['>=', '<=', '>', '<', '=', '!='].includes(operator);
}

function compare<T extends number | bigint | string>(actual: T, operator: Comparison, bound: T): boolean {
  switch (operator) {
    case '>':
      return actual > bound;
    case '>=':
      return actual >= bound;
    case '<':
      return actual < bound;
    case '<=':
      return actual <= bound;
    case '=':
      return actual === bound;
    case '!=':
      return actual !== bound;
  }
}
