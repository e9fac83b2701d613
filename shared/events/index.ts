/**
 * The event contract inside the bridge: types, type guards and zod schemas. Services that subscribe
 * to the events use the events package instead (`packages/events`, generated from this folder and the
 * stream registry): compiled, dependency-free, with `detail.data` typed per entity.
 *
 * ```ts
 * import { isEventOfEntity, isEventOfType, parseChangeEvent } from '../shared/events/index.js';
 * if (isEventOfType(event, 'patient.updated')) console.info(event.detail.changes?.fields);
 * if (isEventOfEntity(event, 'invoice_item')) console.info(event.detail.type); // invoice_item.created | …
 * if (hasSignal(event, 'rescheduled')) console.info(event.detail.previous?.starts_at);
 * ```
 *
 * Detail-types and entities given as literals are checked at compile time against the registry
 * (`KnownDetailType`, `KnownEntity`); a string known only at run time is checked at run time.
 */
export type {
  Action,
  ChangeEvent,
  DetailType,
  EventChanges,
  EventData,
  EventDetail,
  EventWithheld,
  PayloadMode,
  Signal,
  WithheldClass,
} from './contract.js';
export { ACTIONS } from './contract.js';
export { type EventIdInput, eventIdFor } from './event-id.js';
export {
  type ChangeEventOf,
  type CheckedDetailType,
  type CheckedEntity,
  type EntityEventOf,
  hasSignal,
  isEventOfEntity,
  isEventOfType,
} from './guards.js';
export { type EventIssue, InvalidEventError } from './invalid-event-error.js';
export { entityJsonSchemas, eventJsonSchemas, JSON_SCHEMA_TARGET, writeJsonSchemas } from './json-schema.js';
export {
  type DetailTypeOfEntity,
  KNOWN_ENTITIES,
  type KnownDetailType,
  type KnownEntity,
  type ResourceOfEntity,
} from './known-types.js';
export { RECORD_KEY_PREFIX, recordKeyOf } from './record-key.js';
export {
  actionsOf,
  changeEventSchema,
  DETAIL_TYPES,
  detailTypesOf,
  ENTITY_NAMES,
  type EntityEventSchema,
  type EventSchema,
  entityEventSchemaFor,
  eventIdSchema,
  eventSchemaFor,
  isChangeEvent,
  parseChangeEvent,
  recordIdSchema,
  safeParseChangeEvent,
} from './schema.js';
