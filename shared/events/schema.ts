/**
 * The zod schemas of the event contract (v1): the runtime source of truth for validation, the JSON
 * Schemas in `schemas/` and the event catalog. One schema per detail-type `<entity>.<action>`, and
 * one per entity covering all its detail-types (the Schema Registry's unit), both derived from the
 * stream registry so a new stream gets its event types without code here.
 */
import { z } from 'zod';
import { signalRulesOf, signalsOf } from '../signals.js';
import { type LifecycleField, STREAMS, type StreamDefinition } from '../streams.js';
import { trackedFieldsOf } from '../tracked-fields.js';
import type { Action, ChangeEvent, DetailType, EventDetail } from './contract.js';
import { InvalidEventError } from './invalid-event-error.js';
import { dataFieldsShapeOf } from './record-fields.js';
import { RECORD_KEY_PREFIX } from './record-key.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const eventIdSchema = z
  .string()
  .regex(UUID_PATTERN, 'must be a lowercase UUID')
  .describe('Deterministic event id (UUID format); consumers deduplicate on it.');

/** Cliniko ids are 64-bit integers sent as strings; a JS number would lose digits. */
export const recordIdSchema = z
  .string()
  .regex(/^[0-9]{1,20}$/, 'must be a decimal string')
  .describe('Cliniko record id: a 64-bit integer as a decimal string.');

/** `YYYY-MM-DDTHH:MM:SSZ`: Cliniko's own precision, and what EventBridge accepts as `Time`. */
const secondTimestamp = z.iso.datetime({ precision: 0 });

/** Every action in catalog order: those any stream can have first, lifecycle ones after. */
const CATALOG_ORDER: readonly Action[] = [
  'created',
  'updated',
  'snapshot',
  'deleted',
  'archived',
  'restored',
  'cancelled',
];

/**
 * Whether a stream has an action: every stream can be created, changed, backfilled and vanish;
 * archiving and restoring need `archived_at`, cancelling needs `cancelled_at`.
 */
export function hasAction(stream: StreamDefinition, action: Action): boolean {
  switch (action) {
    case 'archived':
    case 'restored':
      return stream.lifecycle.includes('archived_at');
    case 'cancelled':
      return stream.lifecycle.includes('cancelled_at');
    default:
      return true;
  }
}

/** Applicable actions of a stream, in catalog order. */
export function actionsOf(stream: StreamDefinition): readonly Action[] {
  return CATALOG_ORDER.filter((action) => hasAction(stream, action));
}

/** The detail-types a stream produces, sorted. */
export function detailTypesOf(stream: StreamDefinition): readonly DetailType[] {
  return actionsOf(stream)
    .map((action): DetailType => `${stream.entity}.${action}`)
    .sort();
}

const changesSchema = z
  .object({
    fields: z
      .array(z.string().min(1))
      .refine((fields) => fields.every((f, i) => i === 0 || (fields[i - 1] ?? '') < f), {
        message: 'must be sorted and without duplicates',
      })
      .refine((fields) => !fields.includes('updated_at'), { message: 'must not list updated_at' })
      .describe('Changed top-level field names, sorted; never updated_at.'),
    previous: z
      .record(z.string(), z.unknown())
      .exactOptional()
      .describe('Old values of the changed fields; present only when snapshots are stored.'),
  })
  .nullable()
  .describe('null for snapshots, creations and first sightings of records that predate the origin.');

const withheldSchema = z
  .object({
    classes: z
      .array(z.enum(['personal', 'phi']))
      .min(1)
      .describe('Data classes whose fields were left out for this destination, sorted.'),
    changedFields: z
      .number()
      .int()
      .min(0)
      .describe('Changed fields left out of changes.fields (their names are withheld too).'),
  })
  .exactOptional()
  .describe(
    'Set when fields of a data class the destination does not take were left out of data, changes.previous and changes.fields. Absent when nothing was withheld.',
  );

/** `cliniko:<account>:<resource>:<recordId>`. */
export const recordKeySchema = z
  .string()
  .regex(new RegExp(`^${RECORD_KEY_PREFIX}[^:]+:[a-z_]+:[0-9]{1,20}$`), 'must be a record key')
  .describe('The record key cliniko:<account>:<resource>:<recordId>: group by it to order per record.');

const sequenceSchema = z
  .number()
  .int()
  .min(1)
  .describe(
    'Per record, increases by at least one with every version the bridge reports; a re-publish repeats it with the same eventId. Drop a version whose sequence is not above the last one applied for the record.',
  );

/** The signals a stream's events can carry; an always-empty array for a stream without any. */
function signalsSchemaOf(stream: StreamDefinition) {
  const [first, ...others] = signalsOf(stream.name);
  const description =
    'Named meanings of the change, in catalog order; empty when none. Match with {"detail":{"signals":["<signal>"]}}.';
  if (first === undefined) return z.array(z.never()).max(0).describe(description);
  return z
    .array(z.enum([first, ...others]))
    .refine((signals) => signals.every((s, i) => i === 0 || (signals[i - 1] ?? '') !== s), {
      message: 'must not repeat a signal',
    })
    .describe(description);
}

/** `detail.previous`: old values of the stream's tracked fields (none for most streams). */
function previousSchemaOf(stream: StreamDefinition) {
  const tracked = trackedFieldsOf(stream.name);
  const description =
    tracked.length === 0
      ? 'Old values of tracked fields; this stream tracks none, so it is absent.'
      : `Old values of the tracked fields this change changed (${tracked.join(', ')}), where known; absent when none and in payload mode ids.`;
  const shape: Record<string, z.ZodOptional<z.ZodUnknown>> = {};
  for (const field of tracked) shape[field] = z.unknown().exactOptional();
  return z.looseObject(shape).exactOptional().describe(description);
}

/** `detail.related`: ids of the records the stream's signals name. */
function relatedSchemaOf(stream: StreamDefinition) {
  const keys = signalRulesOf(stream.name).flatMap((rule) => (rule.names ? [rule.names.key] : []));
  return z
    .record(z.string(), recordIdSchema)
    .exactOptional()
    .describe(
      keys.length === 0
        ? 'Ids of records a signal names; this stream has none, so it is absent.'
        : `Ids of records a signal names (${keys.join(', ')}); absent when none.`,
    );
}

const lifecycleTimestamp = z.string().nullable().exactOptional();
const everyLifecycleShape = {
  archived_at: lifecycleTimestamp,
  cancelled_at: lifecycleTimestamp,
  deleted_at: lifecycleTimestamp,
} satisfies Record<LifecycleField, unknown>;

function dataSchemaOf(stream: StreamDefinition) {
  const lifecycle: Partial<typeof everyLifecycleShape> = {};
  for (const field of stream.lifecycle) lifecycle[field] = lifecycleTimestamp;
  // The static type names every lifecycle field as optional; at runtime (and in the JSON Schema)
  // only the stream's own appear, with the stream's typed fields (record-fields.ts), every one
  // optional and nullable. Both agree on what parses: an absent optional key is allowed.
  return z
    .looseObject({
      id: recordIdSchema,
      ...(dataFieldsShapeOf(stream.name) as Record<never, z.ZodType>),
      ...(lifecycle as typeof everyLifecycleShape),
    })
    .describe(
      'The record as Cliniko returned it (payload mode full), or its id, lifecycle timestamps and changed fields (mode changes). Absent in mode ids and when payloadOmitted is set.',
    );
}

/** `z.literal(type)` for one detail-type, `z.enum(types)` for every detail-type of an entity. */
type TypeSchema = z.ZodLiteral<DetailType> | z.ZodEnum<{ [type: DetailType]: DetailType }>;

function detailSchemaOf(stream: StreamDefinition, type: TypeSchema) {
  return z.object({
    schemaVersion: z.literal(1),
    eventId: eventIdSchema,
    type,
    account: z.string().min(1).describe('The configured Cliniko account id, e.g. main-clinic.'),
    resource: z.literal(stream.name),
    recordId: recordIdSchema,
    sequence: sequenceSchema,
    occurredAt: secondTimestamp.describe(
      "The record's updated_at (for a delete seen in a /deleted feed: its deleted_at).",
    ),
    observedAt: z.iso.datetime().describe('When the bridge observed the change (ISO, UTC, milliseconds).'),
    signals: signalsSchemaOf(stream),
    changes: changesSchema,
    previous: previousSchemaOf(stream),
    related: relatedSchemaOf(stream),
    data: dataSchemaOf(stream).exactOptional(),
    payloadOmitted: z
      .literal('size')
      .exactOptional()
      .describe('Set when data was left out because the entry would exceed the size limit.'),
    withheld: withheldSchema,
  });
}

function envelopeSchemaOf(stream: StreamDefinition, type: TypeSchema) {
  return z.object({
    version: z.literal('0'),
    id: z.string().min(1).describe('Envelope id: the eventId as published; EventBridge assigns its own.'),
    'detail-type': type,
    source: z.string().min(1).max(256),
    account: z.string().min(1).describe("AWS account id, or 'local' outside AWS."),
    time: secondTimestamp.describe(
      'When the bridge detected the change: detail.observedAt to the second (EventBridge archives replay by it). The change itself happened at detail.occurredAt.',
    ),
    region: z.string().min(1).describe("AWS region, or 'local' outside AWS."),
    resources: z
      .array(recordKeySchema)
      .max(1)
      .describe(
        'The record key (cliniko:<account>:<resource>:<recordId>), for routes that group by record; empty in events published before it was added.',
      ),
    detail: detailSchemaOf(stream, type),
  });
}

function eventSchemaOf(stream: StreamDefinition, type: DetailType) {
  return envelopeSchemaOf(stream, z.literal(type)).meta({
    title: type,
    description: `Cliniko change event ${type} (stream ${stream.name}), contract v1.`,
  });
}

/**
 * One schema for every detail-type of an entity (`patient.created`, `patient.updated`, …): the
 * Schema Registry's unit (see infra/event-schemas.ts). It accepts exactly the events the entity's
 * detail-type schemas accept, except that it cannot tie `detail.type` to the envelope's
 * `detail-type` (JSON Schema has no way to say two values are equal); the per-type schemas do.
 */
function entitySchemaOf(stream: StreamDefinition) {
  const [first, ...others] = detailTypesOf(stream);
  if (first === undefined) throw new Error(`stream ${stream.name} has no detail-types`);
  return envelopeSchemaOf(stream, z.enum([first, ...others])).meta({
    title: stream.entity,
    description: `Cliniko change events of ${stream.entity} (stream ${stream.name}): ${[first, ...others].join(', ')}; contract v1.`,
  });
}

export type EventSchema = ReturnType<typeof eventSchemaOf>;
export type EntityEventSchema = ReturnType<typeof entitySchemaOf>;

const schemasByType = new Map<string, EventSchema>();
const schemasByEntity = new Map<string, EntityEventSchema>();
for (const stream of STREAMS) {
  for (const type of detailTypesOf(stream)) schemasByType.set(type, eventSchemaOf(stream, type));
  schemasByEntity.set(stream.entity, entitySchemaOf(stream));
}

/** Every entity the registry produces events for, in registry order. */
export const ENTITY_NAMES: readonly string[] = STREAMS.map((s) => s.entity);

/** The schema of every event of one entity; `undefined` for an entity the registry lacks. */
export function entityEventSchemaFor(entity: string): EntityEventSchema | undefined {
  return schemasByEntity.get(entity);
}

/** Every detail-type the registry produces, sorted. */
export const DETAIL_TYPES: readonly DetailType[] = STREAMS.flatMap((s) => detailTypesOf(s)).sort();

/** The schema of one detail-type; `undefined` for a type the registry does not produce. */
export function eventSchemaFor(detailType: string): EventSchema | undefined {
  return schemasByType.get(detailType);
}

const [firstSchema, ...otherSchemas] = [...schemasByType.values()];
if (firstSchema === undefined) throw new Error('the stream registry is empty');

/** Any event the registry produces, chosen by its `detail-type`. */
export const changeEventSchema = z.discriminatedUnion('detail-type', [firstSchema, ...otherSchemas]);

/** Validates without throwing; the zod result says what is wrong. */
export function safeParseChangeEvent(input: unknown) {
  return changeEventSchema.safeParse(input);
}

/**
 * Validates an event and returns it typed; throws `InvalidEventError` naming the failing paths
 * (never values). Unknown keys are dropped, so newer optional fields do not break older readers.
 */
export function parseChangeEvent(input: unknown): ChangeEvent {
  const result = changeEventSchema.safeParse(input);
  if (!result.success) throw InvalidEventError.fromZod('not a valid Cliniko change event', result.error);
  return result.data;
}

export function isChangeEvent(input: unknown): input is ChangeEvent {
  return changeEventSchema.safeParse(input).success;
}

// Compile-time proof that the schemas and the hand-written contract types describe the same shape.
type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
type Inferred = z.infer<typeof changeEventSchema>;
type Assert<T extends true> = T;
export type SchemaMatchesContract = [
  Assert<Inferred extends ChangeEvent ? true : false>,
  Assert<ChangeEvent extends DeepReadonly<Omit<Inferred, 'detail-type' | 'detail'>> ? true : false>,
  Assert<EventDetail extends DeepReadonly<Omit<Inferred['detail'], 'type'>> ? true : false>,
];
