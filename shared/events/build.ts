/**
 * Builds the one event a classified change produces, in the exact shape EventBridge delivers
 * (contract v1), applying the payload mode, field filters and the size guard.
 */
import type { Signal } from '../signals.js';
import type { StreamDefinition } from '../streams.js';
import type { Action, ChangeEvent, EventChanges, EventDetail, PayloadMode } from './contract.js';
import { eventIdFor } from './event-id.js';
import { InvalidEventError } from './invalid-event-error.js';
import { dataFor, type FieldFilter, filterFields, normalizeChangedFields, previousFor } from './payload.js';
import { recordKeyOf } from './record-key.js';
import { hasAction } from './schema.js';
import { signalsFor } from './signals.js';
import { EVENTBRIDGE_MAX_ENTRY_BYTES } from './size-limits.js';

export interface EventOptions {
  /** Envelope `source`. @default 'cliniko' */
  readonly source: string;
  /** Envelope `account`: the AWS account id, `'local'` outside AWS. */
  readonly awsAccount: string;
  /** Envelope `region`: the AWS region, `'local'` outside AWS. */
  readonly region: string;
  /** @default 'full' */
  readonly payload: PayloadMode;
  /** Keep only these top-level fields in `data` and `previous` (`id` is always kept). */
  readonly include?: readonly string[];
  /** Drop these top-level fields from `data` and `previous` (never `id`). */
  readonly exclude?: readonly string[];
  /**
   * Largest entry to send with its payload. @default 1048576 (1 MB, the EventBridge entry limit; see
   * `size-limits.ts`)
   */
  readonly maxEntryBytes: number;
}

export const DEFAULT_EVENT_OPTIONS: EventOptions = Object.freeze({
  source: 'cliniko',
  awsAccount: 'local',
  region: 'local',
  payload: 'full',
  maxEntryBytes: EVENTBRIDGE_MAX_ENTRY_BYTES,
});

export interface BuildEventInput {
  readonly stream: StreamDefinition;
  /** The configured Cliniko account id. */
  readonly account: string;
  readonly action: Action;
  readonly record: Readonly<Record<string, unknown>> & { id: string };
  /** Content fingerprint of this version (`updated_at` excluded); part of the event id. */
  readonly fingerprint: string;
  /** The version's `updated_at`; part of the event id. */
  readonly updatedAt: string | null;
  /** The record's `updated_at`, or `deleted_at` for a delete seen in a `/deleted` feed. */
  readonly occurredAt: string;
  readonly observedAt: Date;
  /** Changed top-level fields, or `null` when there is no earlier version to compare with. */
  readonly changedFields: readonly string[] | null;
  /** The previously published version; given only when the operator opted in to snapshots. */
  readonly previous?: Readonly<Record<string, unknown>>;
  /** The id of an event already published, sent again by `resync`; absent: derived from the inputs. */
  readonly eventId?: string;
  /**
   * The stream's tracked fields (`tracked-fields.ts`) as the record state last held them: their old
   * values, where known. Feeds `detail.previous` and the signals that look at an old value.
   */
  readonly trackedPrevious?: Readonly<Record<string, unknown>> | undefined;
  /** The record's sequence number for this version (see `EventDetail.sequence`). @default 1 */
  readonly sequence?: number;
  /** The signals of an event already published, sent again by `resync`; absent: derived here. */
  readonly signals?: readonly Signal[];
}

/**
 * Builds the event. Never drops it: an entry over `maxEntryBytes` is sent without `data` and
 * `changes.previous`, marked `payloadOmitted: 'size'`. Throws `InvalidEventError` only for
 * programming errors (an action the stream cannot have, an unparseable `occurredAt`).
 */
export function buildEvent(input: BuildEventInput, options: EventOptions): ChangeEvent {
  const { stream, action, record } = input;
  if (!hasAction(stream, action)) {
    throw new InvalidEventError(`action "${action}" does not apply to stream ${stream.name}`);
  }
  const type = `${stream.entity}.${action}`;
  const occurredAt = toSecondPrecision(input.occurredAt);
  const filter = { include: options.include, exclude: options.exclude };
  const recordId = String(record.id);
  const fields = input.changedFields === null ? null : normalizeChangedFields(input.changedFields);
  // Mode ids carries no record data, so no old values either, whatever was stored.
  const previous = options.payload === 'ids' ? undefined : input.previous;
  const changes: EventChanges | null =
    fields === null
      ? null
      : previous === undefined
        ? { fields }
        : { fields, previous: previousFor(previous, fields, filter) };
  // `id` is a string by type; the copy only guards a caller that passed another type.
  const eventRecord = record.id === recordId ? record : { ...record, id: recordId };
  const data = dataFor(options.payload, action, eventRecord, fields, filter);
  const derived = signalsFor({
    stream: stream.name,
    action,
    record: eventRecord,
    changedFields: fields,
    trackedPrevious: input.trackedPrevious,
  });
  const signals = input.signals ?? derived.signals;
  // The linked ids belong to the signals that name them: none when a resent event had no signals.
  const related = signals.length > 0 ? derived.related : undefined;
  const trackedPrevious =
    options.payload === 'ids' ? undefined : trackedPreviousFor(input.trackedPrevious, fields, filter);

  const detail: EventDetail = {
    schemaVersion: 1,
    eventId:
      input.eventId ??
      eventIdFor({
        account: input.account,
        resource: stream.name,
        recordId,
        action,
        fingerprint: input.fingerprint,
        updatedAt: input.updatedAt,
        sequence: input.sequence ?? 1,
      }),
    type,
    account: input.account,
    resource: stream.name,
    recordId,
    sequence: input.sequence ?? 1,
    occurredAt,
    observedAt: input.observedAt.toISOString(),
    signals,
    changes,
    ...(trackedPrevious === undefined ? {} : { previous: trackedPrevious }),
    ...(related === undefined ? {} : { related }),
    ...(data === undefined ? {} : { data }),
  };
  const event = envelope(detail, options);
  // The cheap bound settles almost every event; the exact size is computed only near the limit.
  if (entrySizeBound(event) <= options.maxEntryBytes || entrySize(event) <= options.maxEntryBytes) {
    return event;
  }
  return envelope(withoutPayload(detail), options);
}

/**
 * `time` is when the bridge detected the change (`observedAt` to the second), not `occurredAt`:
 * EventBridge archives replay by `time`, so a backfilled or late-detected change must fall inside a
 * replay of the hours in which it was published. `detail.occurredAt` keeps the record's change time.
 */
function envelope(detail: EventDetail, options: EventOptions): ChangeEvent {
  return {
    version: '0',
    id: detail.eventId,
    'detail-type': detail.type,
    source: options.source,
    account: options.awsAccount,
    time: toSecondPrecision(detail.observedAt),
    region: options.region,
    resources: [recordKeyOf(detail.account, detail.resource, detail.recordId)],
    detail,
  };
}

/**
 * `detail.previous`: the old values of the tracked fields this change changed, where the state knew
 * them, after the same include/exclude lists as `data`; `undefined` when there are none.
 */
function trackedPreviousFor(
  tracked: Readonly<Record<string, unknown>> | undefined,
  changedFields: readonly string[] | null,
  filter: FieldFilter,
): Record<string, unknown> | undefined {
  if (tracked === undefined || changedFields === null) return undefined;
  const changed: Record<string, unknown> = {};
  for (const field of changedFields) if (Object.hasOwn(tracked, field)) changed[field] = tracked[field];
  const kept = filterFields(changed, filter);
  return Object.keys(kept).length > 0 ? kept : undefined;
}

function withoutPayload(detail: EventDetail): EventDetail {
  const { data: _data, changes, ...rest } = detail;
  return {
    ...rest,
    changes: changes === null ? null : { fields: changes.fields },
    payloadOmitted: 'size',
  };
}

/**
 * The size of the PutEvents entry as EventBridge counts it: UTF-8 bytes of Source, DetailType and
 * Detail (as serialized by `JSON.stringify`), 14 bytes for Time, plus each resource ARN.
 */
export function entrySize(event: ChangeEvent): number {
  const resources = (event.resources as readonly string[]).reduce(
    (sum, arn) => sum + Buffer.byteLength(arn, 'utf8'),
    0,
  );
  return (
    Buffer.byteLength(event.source, 'utf8') +
    Buffer.byteLength(event['detail-type'], 'utf8') +
    Buffer.byteLength(JSON.stringify(event.detail), 'utf8') +
    14 +
    resources
  );
}

/**
 * An upper bound of `entrySize` without serialising: every UTF-16 unit of a string takes at most
 * six UTF-8 bytes in JSON (a `\uXXXX` escape), a number at most 25. Values JSON would transform
 * (`toJSON`) or that are not JSON at all give `Infinity`, so the exact size decides.
 */
function entrySizeBound(event: ChangeEvent): number {
  return (
    Buffer.byteLength(event.source, 'utf8') +
    Buffer.byteLength(event['detail-type'], 'utf8') +
    jsonBytesBound(event.detail) +
    14 +
    (event.resources as readonly string[]).reduce((sum, arn) => sum + 6 * arn.length, 0)
  );
}

function jsonBytesBound(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 6 * value.length + 2;
    case 'number':
      return 25;
    case 'boolean':
      return 5;
    case 'object':
      break;
    default:
      return Number.POSITIVE_INFINITY;
  }
  if (value === null) return 4;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return Number.POSITIVE_INFINITY;
  let bytes = 2;
  if (Array.isArray(value)) {
    for (const item of value as readonly unknown[])
      bytes += (item === undefined ? 4 : jsonBytesBound(item)) + 1;
    return bytes;
  }
  const object = value as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(object)) {
    const member = object[key];
    if (member !== undefined) bytes += 6 * key.length + 4 + jsonBytesBound(member);
  }
  return bytes;
}

/**
 * Already `YYYY-MM-DDTHH:MM:SSZ` with a day every month has: Cliniko's own form, returned as is.
 * Days 29 to 31 take the general path, which rolls an impossible date over as `Date` does.
 */
const SECOND_PRECISION = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/;

/** `YYYY-MM-DDTHH:MM:SSZ` in UTC: Cliniko's precision and the form EventBridge takes as `Time`. */
function toSecondPrecision(timestamp: string): string {
  if (SECOND_PRECISION.test(timestamp)) return timestamp;
  const millis = Date.parse(timestamp);
  if (Number.isNaN(millis)) throw new InvalidEventError('occurredAt is not an ISO timestamp');
  return new Date(millis - (((millis % 1000) + 1000) % 1000)).toISOString().replace('.000Z', 'Z');
}
