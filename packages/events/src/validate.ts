/**
 * A dependency-free validator of the event contract (v1), driven by the generated entity table: the
 * envelope, the detail and the JSON kind of every known field of `detail.data`. It accepts exactly
 * what the bridge's own schemas accept (a test in the bridge's repository checks both on every
 * detail-type), and like them it leaves objects open, so a newer optional field never breaks an older
 * reader. Issues name paths, never values: events carry patient data.
 */
import type { FieldKind } from './fields.js';
import { ENTITIES } from './generated/entities.js';

export interface EventIssue {
  /** Where, e.g. `detail.data.email` (empty for the event itself). */
  readonly path: string;
  readonly message: string;
}

type Json = Readonly<Record<string, unknown>>;
type EntityRow = {
  readonly resource: string;
  readonly detailTypes: readonly string[];
  readonly signals: readonly string[];
  readonly tracked: readonly string[];
  readonly related: readonly string[];
  readonly fields: Readonly<Record<string, FieldKind>>;
};

const ROWS: ReadonlyMap<string, EntityRow> = new Map(Object.entries(ENTITIES));
const ENTITY_OF_TYPE: ReadonlyMap<string, string> = new Map(
  Object.entries(ENTITIES).flatMap(([entity, row]) => row.detailTypes.map((type) => [type, entity])),
);

/** The entity of a detail-type the bridge produces, e.g. `'patient'`; `undefined` for any other string. */
export function entityOfDetailType(type: string): string | undefined {
  return ENTITY_OF_TYPE.get(type);
}

/** The detail-types of an entity; empty for an entity the bridge has no events for. */
export function detailTypesOfEntity(entity: string): readonly string[] {
  return ROWS.get(entity)?.detailTypes ?? [];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RECORD_ID = /^[0-9]{1,20}$/;
const RECORD_KEY = /^cliniko:[^:]+:[a-z_]+:[0-9]{1,20}$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d+)?Z$/;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A UTC ISO timestamp with seconds, `Z` only, on a real calendar day; `fraction` allows `.123`. */
function isTimestamp(value: unknown, fraction: boolean): boolean {
  if (typeof value !== 'string') return false;
  const match = TIMESTAMP.exec(value);
  if (match === null || (!fraction && match[7] !== undefined)) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const nonEmptyString = (value: unknown): boolean => typeof value === 'string' && value.length > 0;

const KIND_CHECKS: Readonly<Record<FieldKind, (value: unknown) => boolean>> = {
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isSafeInteger(v),
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v) => typeof v === 'boolean',
  'string[]': (v) => Array.isArray(v) && v.every((item) => typeof item === 'string'),
  'object[]': (v) => Array.isArray(v) && v.every(isObject),
  array: (v) => Array.isArray(v),
  link: (v) => isObject(v) && isObject(v.links) && typeof v.links.self === 'string',
  links: (v) => isObject(v) && typeof v.self === 'string',
  object: isObject,
};

class Issues {
  readonly list: EventIssue[] = [];
  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
  check(ok: boolean, path: string, message: string): void {
    if (!ok) this.add(path, message);
  }
}

function checkChanges(changes: unknown, issues: Issues): void {
  if (changes === null) return;
  if (!isObject(changes)) {
    issues.add('detail.changes', 'must be an object or null');
    return;
  }
  const { fields, previous } = changes;
  if (!Array.isArray(fields)) {
    issues.add('detail.changes.fields', 'must be an array');
    return;
  }
  fields.forEach((field, i) => {
    issues.check(nonEmptyString(field), `detail.changes.fields.${i}`, 'must be a non-empty string');
  });
  const names = fields.map(String);
  issues.check(
    names.every((name, i) => i === 0 || (names[i - 1] ?? '') < name),
    'detail.changes.fields',
    'must be sorted and without duplicates',
  );
  issues.check(!names.includes('updated_at'), 'detail.changes.fields', 'must not list updated_at');
  issues.check(previous === undefined || isObject(previous), 'detail.changes.previous', 'must be an object');
}

function checkSignals(signals: unknown, row: EntityRow | undefined, issues: Issues): void {
  if (!Array.isArray(signals)) {
    issues.add('detail.signals', 'must be an array');
    return;
  }
  const allowed = row?.signals ?? [];
  // By index, not forEach: a hole in a sparse array is a missing signal, not one to skip.
  for (let i = 0; i < signals.length; i++) {
    const signal: unknown = signals[i];
    issues.check(
      typeof signal === 'string' && allowed.includes(signal),
      `detail.signals.${i}`,
      "must be a signal of the detail-type's entity",
    );
  }
  issues.check(new Set(signals).size === signals.length, 'detail.signals', 'must not repeat a signal');
}

function checkRelated(related: unknown, issues: Issues): void {
  if (related === undefined) return;
  if (!isObject(related)) {
    issues.add('detail.related', 'must be an object');
    return;
  }
  for (const [key, id] of Object.entries(related)) {
    issues.check(
      typeof id === 'string' && RECORD_ID.test(id),
      `detail.related.${key}`,
      'must be a decimal string',
    );
  }
}

function checkData(data: unknown, row: EntityRow | undefined, issues: Issues): void {
  if (data === undefined) return;
  if (!isObject(data)) {
    issues.add('detail.data', 'must be an object');
    return;
  }
  issues.check(
    typeof data.id === 'string' && RECORD_ID.test(data.id),
    'detail.data.id',
    'must be a decimal string',
  );
  for (const [field, kind] of Object.entries(row?.fields ?? {})) {
    const value = data[field];
    if (value === undefined || value === null) continue;
    issues.check(
      KIND_CHECKS[kind](value),
      `detail.data.${field}`,
      `must be ${kind === 'integer' ? 'an' : 'a'} ${kind} or null`,
    );
  }
}

function checkDetail(detail: unknown, type: unknown, row: EntityRow | undefined, issues: Issues): void {
  if (!isObject(detail)) {
    issues.add('detail', 'must be an object');
    return;
  }
  issues.check(detail.schemaVersion === 1, 'detail.schemaVersion', 'must be 1');
  issues.check(
    typeof detail.eventId === 'string' && UUID.test(detail.eventId),
    'detail.eventId',
    'must be a lowercase UUID',
  );
  issues.check(detail.type === type, 'detail.type', 'must equal detail-type');
  issues.check(nonEmptyString(detail.account), 'detail.account', 'must be a non-empty string');
  issues.check(
    row !== undefined && detail.resource === row.resource,
    'detail.resource',
    "must be the stream of the detail-type's entity",
  );
  issues.check(
    typeof detail.recordId === 'string' && RECORD_ID.test(detail.recordId),
    'detail.recordId',
    'must be a decimal string',
  );
  issues.check(
    Number.isSafeInteger(detail.sequence) && Number(detail.sequence) >= 1,
    'detail.sequence',
    'must be a whole number of at least 1',
  );
  issues.check(isTimestamp(detail.occurredAt, false), 'detail.occurredAt', 'must be YYYY-MM-DDTHH:MM:SSZ');
  issues.check(isTimestamp(detail.observedAt, true), 'detail.observedAt', 'must be an ISO timestamp in UTC');
  checkSignals(detail.signals, row, issues);
  checkChanges(detail.changes, issues);
  issues.check(
    detail.previous === undefined || isObject(detail.previous),
    'detail.previous',
    'must be an object',
  );
  checkRelated(detail.related, issues);
  checkData(detail.data, row, issues);
  issues.check(
    detail.payloadOmitted === undefined || detail.payloadOmitted === 'size',
    'detail.payloadOmitted',
    "must be 'size' when present",
  );
}

/**
 * Every way `input` departs from the contract; empty when it is a valid event of a detail-type the
 * bridge produces.
 */
export function eventIssues(input: unknown): EventIssue[] {
  const issues = new Issues();
  if (!isObject(input)) {
    issues.add('', 'must be an object');
    return issues.list;
  }
  const type = input['detail-type'];
  const entity = typeof type === 'string' ? entityOfDetailType(type) : undefined;
  const row = entity === undefined ? undefined : ROWS.get(entity);
  issues.check(row !== undefined, 'detail-type', 'must be a detail-type the bridge produces');
  issues.check(input.version === '0', 'version', "must be '0'");
  issues.check(nonEmptyString(input.id), 'id', 'must be a non-empty string');
  issues.check(
    nonEmptyString(input.source) && String(input.source).length <= 256,
    'source',
    'must be a string of 1 to 256 characters',
  );
  issues.check(nonEmptyString(input.account), 'account', 'must be a non-empty string');
  issues.check(isTimestamp(input.time, false), 'time', 'must be YYYY-MM-DDTHH:MM:SSZ');
  issues.check(nonEmptyString(input.region), 'region', 'must be a non-empty string');
  issues.check(
    Array.isArray(input.resources) &&
      input.resources.length <= 1 &&
      Array.from(input.resources as unknown[]).every(
        (key) => typeof key === 'string' && RECORD_KEY.test(key),
      ),
    'resources',
    'must be empty or hold the record key',
  );
  checkDetail(input.detail, type, row, issues);
  return issues.list;
}
