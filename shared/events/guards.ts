/**
 * Type guards for consumers: `isEventOfType` (one detail-type) and `isEventOfEntity` (every
 * detail-type of an entity), table-driven from the stream registry, so every stream's events have
 * them without a function of their own. Literal detail-types and entities are checked at compile
 * time against the generated literal types (`known-types.ts`); strings known only at run time are
 * checked at run time.
 */
import type { Signal } from '../signals.js';
import { STREAMS } from '../streams.js';
import type { ChangeEvent, DetailType, EventDetail } from './contract.js';
import type { DetailTypeOfEntity, KnownDetailType, KnownEntity, ResourceOfEntity } from './known-types.js';
import { detailTypesOf, eventSchemaFor } from './schema.js';

/** The stream of a known detail-type (`'patients'` for `'patient.updated'`); `never` for any other. */
type ResourceOfType<T> = {
  [E in KnownEntity]: T extends DetailTypeOfEntity<E> ? ResourceOfEntity<E> : never;
}[KnownEntity];

/**
 * A change event of one detail-type, e.g. `ChangeEventOf<'patient.updated'>`; for a known
 * detail-type `detail.resource` is narrowed to its stream too.
 */
export type ChangeEventOf<T extends DetailType> = ChangeEvent & {
  readonly 'detail-type': T;
  readonly detail: EventDetail & { readonly type: T } & ([ResourceOfType<T>] extends [never]
      ? unknown
      : { readonly resource: ResourceOfType<T> });
};

/** Every event of an entity, e.g. `EntityEventOf<'patient'>`; any change event for an entity not known at compile time. */
export type EntityEventOf<E extends string> = E extends KnownEntity
  ? ChangeEventOf<DetailTypeOfEntity<E>>
  : ChangeEvent;

/**
 * `T` itself when it is a detail-type of the registry (or a union of them), or a type known only at
 * run time (`string`, `DetailType`); otherwise every known detail-type, so a misspelt literal fails
 * to compile (`'patinet.updated'` is not assignable to `KnownDetailType`).
 */
export type CheckedDetailType<T extends string> = [T] extends [KnownDetailType]
  ? T
  : [KnownDetailType] extends [T]
    ? T
    : KnownDetailType;

/** As `CheckedDetailType`, for entity names. */
export type CheckedEntity<E extends string> = [E] extends [KnownEntity]
  ? E
  : [KnownEntity] extends [E]
    ? E
    : KnownEntity;

/**
 * True when `input` is a valid event of exactly this detail-type (false for types the registry
 * lacks, e.g. a string from configuration). A literal detail-type is checked at compile time.
 */
export function isEventOfType<T extends string>(
  input: unknown,
  type: CheckedDetailType<T>,
): input is ChangeEventOf<T & DetailType> {
  return eventSchemaFor(type)?.safeParse(input).success ?? false;
}

const detailTypesByEntity = new Map<string, readonly string[]>(
  STREAMS.map((stream) => [stream.entity, detailTypesOf(stream)]),
);

/**
 * True when `input` is a valid event of any detail-type of this entity (`isEventOfEntity(event,
 * 'patient')` for `patient.created`, `patient.updated`, …); false for an entity the registry lacks.
 */
export function isEventOfEntity<E extends string>(
  input: unknown,
  entity: CheckedEntity<E>,
): input is EntityEventOf<E> {
  const type = (input as { readonly 'detail-type'?: unknown } | null)?.['detail-type'];
  if (typeof type !== 'string' || !detailTypesByEntity.get(entity)?.includes(type)) return false;
  return eventSchemaFor(type)?.safeParse(input).success ?? false;
}

/**
 * True when the event's change means `signal` (`detail.signals` holds it), e.g.
 * `hasSignal(event, 'rescheduled')`. A misspelt signal does not compile.
 */
export function hasSignal(event: ChangeEvent, signal: Signal): boolean {
  const signals: readonly string[] | undefined = event.detail.signals;
  return Array.isArray(signals) && signals.includes(signal);
}
