/**
 * Field types of a resource and how a record's raw field values are read as each type. Filtering
 * and sorting share these readers so a value that fails to parse behaves the same in both: as absent.
 */
export type FieldType = 'integer' | 'decimal' | 'string' | 'datetime' | 'date' | 'boolean' | 'array';
export type FieldValue = string | number | boolean | null | readonly string[];
export type FieldTypes = Readonly<Record<string, FieldType>>;
/** Reads a field of a record (the model maps e.g. patient_id to the id in patient.links.self). */
export type FieldGetter = (field: string) => FieldValue;

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

/** The type of `field`, or undefined when the resource does not list it (own keys only, no prototype). */
export function fieldType(fields: FieldTypes, field: string): FieldType | undefined {
  return Object.hasOwn(fields, field) ? fields[field] : undefined;
}

/** Null, undefined and the empty string all count as "no value" (`?` / `!?`). */
export function isAbsent(value: FieldValue | undefined): boolean {
  return value === null || value === undefined || value === '';
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const days = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}

/**
 * Seconds since the epoch of a UTC timestamp `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`, or undefined.
 * Fractions are dropped: Cliniko keeps one-second precision, so comparisons happen in whole seconds.
 */
export function parseDatetime(text: string): number | undefined {
  const match = DATETIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  if (hour === undefined || minute === undefined || second === undefined) return undefined;
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  // setUTCFullYear rather than Date.UTC, which maps years 0–99 to 1900–1999.
  const instant = new Date(0);
  instant.setUTCFullYear(year, month - 1, day);
  instant.setUTCHours(hour, minute, second, 0);
  return instant.getTime() / 1000;
}

/** The same date back when `text` is a real calendar date `YYYY-MM-DD`, else undefined. */
export function parseDate(text: string): string | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = match.slice(1, 4).map(Number);
  if (year === undefined || month === undefined || day === undefined) return undefined;
  return isCalendarDate(year, month, day) ? text : undefined;
}

/** A decimal integer of any length as a BigInt: ids have 18–19 digits, beyond Number's precision. */
export function parseInteger(text: string): bigint | undefined {
  return INTEGER.test(text) ? BigInt(text) : undefined;
}

export function readInteger(value: FieldValue): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : undefined;
  return typeof value === 'string' ? parseInteger(value) : undefined;
}

/** A decimal number written plainly (`12`, `12.50`; no exponent), as money is; undefined otherwise. */
export function parseDecimal(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/** A decimal field's value: Cliniko sends money as a string, some amounts as a JSON number. */
export function readDecimal(value: FieldValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' ? parseDecimal(value) : undefined;
}

export function readDatetime(value: FieldValue): number | undefined {
  return typeof value === 'string' ? parseDatetime(value) : undefined;
}

/**
 * Microseconds since the epoch, fraction included: how sorting reads a timestamp, so a value that
 * carries a sub-second instant (the `subsecond-order` quirk) orders by it. Cliniko's own
 * timestamps have whole seconds, which read the same as with `readDatetime`.
 */
export function readInstant(value: FieldValue): number | undefined {
  if (typeof value !== 'string') return undefined;
  const seconds = parseDatetime(value);
  if (seconds === undefined) return undefined;
  const fraction = DATETIME.exec(value)?.[7] ?? '';
  return seconds * 1_000_000 + Number(fraction.padEnd(6, '0'));
}

/** A date field's value; a full timestamp is read as its UTC date. */
export function readDate(value: FieldValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (parseDatetime(value) !== undefined) return value.slice(0, 10);
  return parseDate(value);
}

export function readString(value: FieldValue): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export function readBoolean(value: FieldValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export function readArray(value: FieldValue): readonly string[] | undefined {
  return Array.isArray(value) ? value : undefined;
}
