/**
 * The consumer entry point of the event contract: types, type guards and schemas for services
 * that subscribe to Cliniko change events.
 *
 * ```ts
 * import { isEventOfType, parseChangeEvent } from 'cliniko-change-bridge/events';
 * if (isEventOfType(event, 'patient.updated')) console.info(event.detail.changes?.fields);
 * ```
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
  WithheldClass,
} from './contract.js';
export { ACTIONS } from './contract.js';
export { type EventIdInput, eventIdFor } from './event-id.js';
export { type EventIssue, InvalidEventError } from './invalid-event-error.js';
export { eventJsonSchemas, JSON_SCHEMA_TARGET, writeJsonSchemas } from './json-schema.js';
export {
  actionsOf,
  type ChangeEventOf,
  changeEventSchema,
  DETAIL_TYPES,
  detailTypesOf,
  type EventSchema,
  eventIdSchema,
  eventSchemaFor,
  isChangeEvent,
  isEventOfType,
  parseChangeEvent,
  recordIdSchema,
  safeParseChangeEvent,
} from './schema.js';
