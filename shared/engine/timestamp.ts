/**
 * Cliniko timestamps: UTC, one-second precision, `YYYY-MM-DDTHH:MM:SSZ`. Cursor values are kept in
 * exactly that form so they compare correctly as strings (DynamoDB's conditional cursor write does).
 */

export const EPOCH = '1970-01-01T00:00:00Z';

/** Epoch milliseconds of an ISO timestamp; `undefined` for null, `""`, non-strings and garbage. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis;
}

/** `YYYY-MM-DDTHH:MM:SSZ`, rounded down to the second. */
export function toIsoSecond(millis: number): string {
  const floored = Math.floor(millis / 1000) * 1000;
  return new Date(floored).toISOString().replace('.000Z', 'Z');
}

/** Normalises any parseable ISO timestamp to the cursor form; throws on garbage (a programming error). */
export function isoSecond(value: string): string {
  const millis = parseTimestamp(value);
  if (millis === undefined) throw new RangeError('not an ISO timestamp');
  return toIsoSecond(millis);
}

/** `iso` moved by `seconds` (negative for earlier), never before the epoch. */
export function shiftSeconds(iso: string, seconds: number): string {
  return toIsoSecond(Math.max(0, (parseTimestamp(iso) ?? 0) + seconds * 1000));
}

/** Whether a lifecycle timestamp is set: Cliniko sends `""` or null when it is not. */
export function isSet(value: unknown): boolean {
  return parseTimestamp(value) !== undefined;
}

export function earliest(a: string, b: string): string {
  return (parseTimestamp(a) ?? 0) <= (parseTimestamp(b) ?? 0) ? a : b;
}

export function latest(a: string, b: string): string {
  return (parseTimestamp(a) ?? 0) >= (parseTimestamp(b) ?? 0) ? a : b;
}

/** Whole seconds from `from` to `to` (negative when `to` is earlier). */
export function secondsBetween(from: string, to: string): number {
  return Math.round(((parseTimestamp(to) ?? 0) - (parseTimestamp(from) ?? 0)) / 1000);
}
