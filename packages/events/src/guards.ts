/**
 * Type guards and parsing for consumers. Each validates the whole event (envelope, detail and the
 * known fields of `detail.data`) and narrows its type. Detail-types and entities given as literals are
 * checked at compile time (`isEventOfType(event, 'patinet.updated')` does not compile); a string known
 * only at run time (from configuration, say) is checked at run time.
 */
import type { ChangeEvent, DetailType, Entity, EntityEventOf, Signal, SignalOf } from './contract.js';
import { InvalidEventError } from './invalid-event-error.js';
import { detailTypesOfEntity, type EventIssue, eventIssues } from './validate.js';

/**
 * `T` itself when it is a detail-type the bridge produces (or a union of them), or a type known only
 * at run time (`string`); otherwise every detail-type, so a misspelt literal fails to compile.
 */
export type CheckedDetailType<T extends string> = [T] extends [DetailType]
  ? T
  : [DetailType] extends [T]
    ? T
    : DetailType;

/** As `CheckedDetailType`, for entity names. */
export type CheckedEntity<E extends string> = [E] extends [Entity] ? E : [Entity] extends [E] ? E : Entity;

/** True when `input` is a valid event of any detail-type the bridge produces. */
export function isChangeEvent(input: unknown): input is ChangeEvent {
  return eventIssues(input).length === 0;
}

/**
 * True when `input` is a valid event of exactly this detail-type; false for a detail-type the bridge
 * does not produce.
 */
export function isEventOfType<T extends string>(
  input: unknown,
  type: CheckedDetailType<T>,
): input is ChangeEvent<T & DetailType> {
  return (
    (input as { readonly 'detail-type'?: unknown } | null)?.['detail-type'] === type && isChangeEvent(input)
  );
}

/**
 * True when `input` is a valid event of any detail-type of this entity (`isEventOfEntity(event,
 * 'patient')` for `patient.created`, `patient.updated`, …); false for an entity the bridge lacks.
 */
export function isEventOfEntity<E extends string>(
  input: unknown,
  entity: CheckedEntity<E>,
): input is E extends Entity ? EntityEventOf<E> : ChangeEvent {
  const type = (input as { readonly 'detail-type'?: unknown } | null)?.['detail-type'];
  return typeof type === 'string' && detailTypesOfEntity(entity).includes(type) && isChangeEvent(input);
}

/** The entities whose events can carry `S`, e.g. `'invoice'` for `'paid'`. */
export type EntityWithSignal<S extends Signal> = {
  [E in Entity]: S extends SignalOf<E> ? E : never;
}[Entity];

/**
 * True when the event's change means `signal` (`detail.signals` holds it), e.g.
 * `hasSignal(event, 'rescheduled')`; narrows the event to the entities that can carry it. A misspelt
 * signal does not compile. Takes an event already validated (`isChangeEvent`, `parseChangeEvent`).
 */
export function hasSignal<S extends Signal>(
  event: ChangeEvent,
  signal: S,
): event is EntityEventOf<EntityWithSignal<S>> {
  const signals: readonly string[] | undefined = event.detail.signals;
  return Array.isArray(signals) && signals.includes(signal);
}

/** The outcome of `validateChangeEvent`: the typed event, or every issue found (paths, never values). */
export type ValidationResult =
  | { readonly ok: true; readonly event: ChangeEvent; readonly issues: readonly [] }
  | { readonly ok: false; readonly issues: readonly EventIssue[] };

/** Validates without throwing. */
export function validateChangeEvent(input: unknown): ValidationResult {
  const issues = eventIssues(input);
  return issues.length === 0 ? { ok: true, event: input as ChangeEvent, issues: [] } : { ok: false, issues };
}

/** Returns `input` typed as a change event; throws `InvalidEventError` naming what is wrong. */
export function parseChangeEvent(input: unknown): ChangeEvent {
  const issues = eventIssues(input);
  if (issues.length > 0) throw new InvalidEventError(issues);
  return input as ChangeEvent;
}
