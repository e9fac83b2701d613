/**
 * The event contract (v1) as precise types: `DetailType` is the union of every detail-type the bridge
 * produces (a misspelt one does not compile), and `ChangeEvent` is a union discriminated by
 * `detail-type`, whose `detail.resource` and `detail.data` follow from it.
 *
 * ```ts
 * function onEvent(event: ChangeEvent) {
 *   switch (event['detail-type']) {
 *     case 'patient.updated':
 *       console.info(event.detail.changes?.fields, event.detail.data?.email); // data: PatientData
 *   }
 * }
 * ```
 */
import type { EntityData } from './generated/data.js';
import type { ACTIONS, ENTITIES, SIGNALS } from './generated/entities.js';

export type Action = (typeof ACTIONS)[number];

/** A named meaning of a change, e.g. `'rescheduled'` (see the catalog's Signals section). */
export type Signal = (typeof SIGNALS)[number];

/** An entity the bridge produces events for, e.g. `'patient'`. */
export type Entity = keyof typeof ENTITIES;

/** The detail-types of one entity, e.g. `'patient.created' | 'patient.updated' | …`. */
export type DetailTypeOf<E extends Entity> = (typeof ENTITIES)[E]['detailTypes'][number];

/** Every detail-type the bridge produces, `<entity>.<action>`. */
export type DetailType = DetailTypeOf<Entity>;

/** The entity of a detail-type: `EntityOf<'patient.updated'>` is `'patient'`. */
export type EntityOf<T extends DetailType> = {
  [E in Entity]: T extends DetailTypeOf<E> ? E : never;
}[Entity];

/** The stream of an entity (`detail.resource`), e.g. `'patients'`. */
export type ResourceOf<E extends Entity> = (typeof ENTITIES)[E]['resource'];

/** The signals an entity's events can carry, e.g. `SignalOf<'invoice'>` is `'paid' | 'closed' | 'reopened'`. */
export type SignalOf<E extends Entity> = (typeof ENTITIES)[E]['signals'][number];

/** The tracked fields whose old values an entity's events carry in `detail.previous`. */
export type TrackedFieldOf<E extends Entity> = (typeof ENTITIES)[E]['tracked'][number];

/** The record an entity's events carry in `detail.data`, e.g. `DataOf<'patient'>` is `PatientData`. */
export type DataOf<E extends Entity> = EntityData[E];

export type PayloadMode = 'full' | 'changes' | 'ids';

export interface EventChanges {
  /** Changed top-level field names, sorted, never `updated_at`. */
  readonly fields: readonly string[];
  /** Old values of the changed fields; present only when the operator opted in to snapshots. */
  readonly previous?: Readonly<Record<string, unknown>>;
}

/** The `detail` of one detail-type. */
export interface EventDetailOf<T extends DetailType> {
  readonly schemaVersion: 1;
  /** Deterministic (a lowercase UUID): the same observation always gets the same id; deduplicate on it. */
  readonly eventId: string;
  /** `<entity>.<action>`, equal to the envelope's `detail-type`. */
  readonly type: T;
  /** The configured Cliniko account id, e.g. `main-clinic`. */
  readonly account: string;
  /** The stream, e.g. `patients`. */
  readonly resource: ResourceOf<EntityOf<T>>;
  /** The Cliniko record id: a 64-bit integer as a decimal string. */
  readonly recordId: string;
  /**
   * Per record, increases by at least one with every version the bridge reports; a re-publish repeats
   * it with the same `eventId`. Drop a version whose sequence is not above the last one you applied.
   */
  readonly sequence: number;
  /** The record's `updated_at` (for a delete seen in a `/deleted` feed: its `deleted_at`). */
  readonly occurredAt: string;
  /** When the bridge observed the change (ISO, UTC, milliseconds). */
  readonly observedAt: string;
  /** Named meanings of the change, in catalog order; empty when none. Test with `hasSignal`. */
  readonly signals: readonly SignalOf<EntityOf<T>>[];
  /** `null` for snapshots, creations and first sightings of records that predate the origin. */
  readonly changes: EventChanges | null;
  /**
   * Old values of the entity's tracked fields this change changed (a rescheduled appointment's
   * `starts_at`), where known; absent when none and in payload mode `ids`.
   */
  readonly previous?: { readonly [F in TrackedFieldOf<EntityOf<T>>]?: unknown };
  /** Ids of records the signals name, e.g. `mergedIntoPatientId`; absent when none. */
  readonly related?: Readonly<Record<string, string>>;
  /**
   * The record (payload mode `full`), or its id, lifecycle timestamps and changed fields (mode
   * `changes`). Absent in mode `ids` and when `payloadOmitted` is set.
   */
  readonly data?: DataOf<EntityOf<T>>;
  /** Set when `data` was left out because the entry would exceed the size limit. */
  readonly payloadOmitted?: 'size';
}

/** The envelope EventBridge delivers for one detail-type; every sink of the bridge carries this shape. */
export interface ChangeEventOf<T extends DetailType> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': T;
  readonly source: string;
  /** The AWS account id, or `'local'` outside AWS. */
  readonly account: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`: when the change was detected (`detail.observedAt` to the second); archives replay by it. */
  readonly time: string;
  /** The AWS region, or `'local'` outside AWS. */
  readonly region: string;
  /**
   * The record key `cliniko:<account>:<resource>:<recordId>`, to group by record (an SQS FIFO
   * message group); empty in events published before it was added.
   */
  readonly resources: readonly string[];
  readonly detail: EventDetailOf<T>;
}

/**
 * A change event: `ChangeEvent` alone is any of them (narrow it on `detail-type`),
 * `ChangeEvent<'patient.updated' | 'patient.created'>` one of those.
 */
export type ChangeEvent<T extends DetailType = DetailType> = T extends DetailType ? ChangeEventOf<T> : never;

/** Every event of an entity, e.g. `EntityEventOf<'patient'>`. */
export type EntityEventOf<E extends Entity> = ChangeEvent<DetailTypeOf<E>>;

/** The `detail` of any event of these detail-types. */
export type EventDetail<T extends DetailType = DetailType> = T extends DetailType ? EventDetailOf<T> : never;
