/**
 * Synthetic example events for the event catalog: one per detail-type, built with `buildEvent`
 * from fixed, made-up records (no real people or clinics), so the docs show exactly what the
 * code emits.
 */
import { createHash } from 'node:crypto';
import { STREAMS, type StreamDefinition } from '../streams.js';
import { trackedValuesOf } from '../tracked-fields.js';
import { type BuildEventInput, buildEvent, DEFAULT_EVENT_OPTIONS, type EventOptions } from './build.js';
import { EXAMPLE_API, EXAMPLE_SEEDS, type ExampleSeed } from './catalog-example-records.js';
import type { Action, ChangeEvent } from './contract.js';
import { actionsOf } from './schema.js';

const CREATED_AT = '2026-11-20T09:00:00Z';
const UPDATED_AT = '2026-11-29T10:15:00Z';
const LATER = '2026-11-29T10:20:07Z';

/** A stable made-up 19-digit id per stream. */
function exampleId(stream: StreamDefinition): string {
  const digits = BigInt(`0x${createHash('sha256').update(stream.name).digest('hex').slice(0, 15)}`);
  return (1_000_000_000_000_000_000n + (digits % 8_000_000_000_000_000_000n)).toString();
}

/** The made-up record of a stream; every stream of the registry has one (a test checks). */
function seedOf(stream: StreamDefinition): ExampleSeed {
  const seed = EXAMPLE_SEEDS[stream.name];
  if (seed === undefined) throw new Error(`no example record for stream ${stream.name}`);
  return seed;
}

function baseRecord(stream: StreamDefinition): Record<string, unknown> & { id: string } {
  const seed = seedOf(stream);
  const lifecycle = Object.fromEntries(stream.lifecycle.map((field) => [field, null]));
  return {
    id: exampleId(stream),
    created_at: CREATED_AT,
    updated_at: UPDATED_AT,
    ...seed.fields,
    ...lifecycle,
    links: { self: `${EXAMPLE_API}/${stream.name}/${exampleId(stream)}` },
  };
}

/** The change each action stands for: the record after it and what changed. */
function exampleInput(stream: StreamDefinition, action: Action, account: string): BuildEventInput {
  const base = baseRecord(stream);
  const later = { ...base, updated_at: LATER };
  const variants: Record<
    Action,
    { record: typeof base; changedFields: string[] | null; occurredAt?: string }
  > = {
    created: { record: base, changedFields: null },
    snapshot: { record: base, changedFields: null },
    updated: {
      record: { ...later, ...seedOf(stream).update },
      changedFields: Object.keys(seedOf(stream).update),
    },
    archived: { record: { ...later, archived_at: LATER }, changedFields: ['archived_at'] },
    restored: { record: later, changedFields: ['archived_at'] },
    cancelled: {
      record: {
        ...later,
        cancelled_at: LATER,
        cancellation_reason: 50,
        cancellation_note: 'Rescheduled by phone',
      },
      changedFields: ['cancellation_note', 'cancellation_reason', 'cancelled_at'],
    },
    // Seen in the /deleted feed (or, for streams without one, missing from a reconciliation pass).
    deleted: stream.lifecycle.includes('deleted_at')
      ? { record: { ...later, deleted_at: LATER }, changedFields: null, occurredAt: LATER }
      : { record: base, changedFields: null },
  };
  const variant = variants[action];
  const tracked = trackedValuesOf(stream.name, base);
  const updatedAt = typeof variant.record.updated_at === 'string' ? variant.record.updated_at : null;
  const occurredAt = variant.occurredAt ?? updatedAt ?? UPDATED_AT;
  return {
    stream,
    account,
    action,
    record: variant.record,
    fingerprint: createHash('sha256')
      .update(JSON.stringify({ ...variant.record, updated_at: null }))
      .digest('hex'),
    updatedAt,
    occurredAt,
    observedAt: new Date(Date.parse(occurredAt) + 31_204),
    changedFields: variant.changedFields,
    // The record as first published: its tracked values are the old ones, and this is its second event.
    ...(tracked === undefined || variant.changedFields === null ? {} : { trackedPrevious: tracked }),
    sequence: variant.changedFields === null && action !== 'deleted' ? 1 : 2,
  };
}

/** One example event per detail-type, keyed by detail-type. */
export function exampleEvents(options: EventOptions = DEFAULT_EVENT_OPTIONS): Map<string, ChangeEvent> {
  const events = new Map<string, ChangeEvent>();
  for (const stream of STREAMS) {
    for (const action of actionsOf(stream)) {
      const event = buildEvent(exampleInput(stream, action, 'main-clinic'), options);
      events.set(event['detail-type'], event);
    }
  }
  return new Map([...events].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The input behind the `patient.updated` example, for showing payload modes side by side. */
export function examplePatientUpdate(): BuildEventInput {
  const patients = STREAMS.find((stream) => stream.name === 'patients');
  if (patients === undefined) throw new Error('the patients stream is missing from the registry');
  return exampleInput(patients, 'updated', 'main-clinic');
}
