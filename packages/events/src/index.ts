/**
 * Types, type guards and a validator for the change events Cliniko Change Bridge publishes, with no
 * runtime dependencies.
 *
 * ```ts
 * import { isEventOfEntity, isEventOfType, parseChangeEvent } from '@cliniko-change-bridge/events';
 *
 * if (isEventOfType(event, 'patient.updated')) console.info(event.detail.data?.email); // string | null | undefined
 * if (isEventOfEntity(event, 'invoice')) console.info(event.detail.type); // 'invoice.created' | …
 * if (hasSignal(event, 'rescheduled')) console.info(event.detail.previous?.starts_at); // from when
 * ```
 */
export type {
  Action,
  ChangeEvent,
  ChangeEventOf,
  DataOf,
  DetailType,
  DetailTypeOf,
  Entity,
  EntityEventOf,
  EntityOf,
  EventChanges,
  EventDetail,
  EventDetailOf,
  PayloadMode,
  ResourceOf,
  Signal,
  SignalOf,
  TrackedFieldOf,
} from './contract.js';
export type { ClinikoLink, ClinikoObject, ClinikoSelfLinks, FieldKind } from './fields.js';
export type * from './generated/data.js';
export { ACTIONS, ENTITIES, SIGNALS } from './generated/entities.js';
export {
  type CheckedDetailType,
  type CheckedEntity,
  type EntityWithSignal,
  hasSignal,
  isChangeEvent,
  isEventOfEntity,
  isEventOfType,
  parseChangeEvent,
  type ValidationResult,
  validateChangeEvent,
} from './guards.js';
export { InvalidEventError } from './invalid-event-error.js';
export { detailTypesOfEntity, type EventIssue, entityOfDetailType } from './validate.js';
