/**
 * The JSON text every file and HTTP sink writes for one event: exactly the v1 envelope, keys in
 * contract order. Only contract keys are copied, so a property some caller attached to an event
 * object at runtime (TypeScript types do not forbid extra keys) never leaks into a sink.
 */
import type { ChangeEvent, EventChanges, EventDetail } from '../events/contract.js';

type KeyList<T> = readonly (keyof T)[];
/** Resolves to `true` only when `List` names every key of `T`: a new contract field breaks the build here. */
type Covers<T, List extends KeyList<T>> = Exclude<keyof T, List[number]> extends never ? true : false;

const ENVELOPE_KEYS = [
  'version',
  'id',
  'detail-type',
  'source',
  'account',
  'time',
  'region',
  'resources',
  'detail',
] as const satisfies KeyList<ChangeEvent>;

const DETAIL_KEYS = [
  'schemaVersion',
  'eventId',
  'type',
  'account',
  'resource',
  'recordId',
  'sequence',
  'occurredAt',
  'observedAt',
  'signals',
  'changes',
  'previous',
  'related',
  'data',
  'payloadOmitted',
  'withheld',
] as const satisfies KeyList<EventDetail>;

const CHANGES_KEYS = ['fields', 'previous'] as const satisfies KeyList<EventChanges>;

const complete: [
  Covers<ChangeEvent, typeof ENVELOPE_KEYS>,
  Covers<EventDetail, typeof DETAIL_KEYS>,
  Covers<EventChanges, typeof CHANGES_KEYS>,
] = [true, true, true];
void complete;

function pick<T extends object>(source: T, keys: KeyList<T>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    // Optional keys stay absent rather than becoming `null`: the contract distinguishes the two.
    if (source[key] !== undefined) out[key as string] = source[key];
  }
  return out;
}

/** The contract envelope of `event` as plain data (contract keys only). */
export function toEnvelope(event: ChangeEvent): Record<string, unknown> {
  const detail = pick(event.detail, DETAIL_KEYS);
  if (event.detail.changes !== null) detail.changes = pick(event.detail.changes, CHANGES_KEYS);
  return { ...pick(event, ENVELOPE_KEYS), detail };
}

/** One event as single-line JSON (JSON.stringify escapes newlines inside strings). */
export function eventToJson(event: ChangeEvent): string {
  return JSON.stringify(toEnvelope(event));
}
