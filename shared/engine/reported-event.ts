/**
 * The event a confirmed record state stands for (`RecordState.reported`): its id, action,
 * `occurredAt` and signals, taken from the event as published, so `resync` can send the same event again.
 */
import { ACTIONS, type ChangeEvent } from '../events/contract.js';
import { InvalidEventError } from '../events/invalid-event-error.js';
import type { ReportedEvent } from './ports.js';

export function reportedEventOf(event: ChangeEvent): ReportedEvent {
  const { type, eventId, occurredAt, signals } = event.detail;
  // `<entity>.<action>`; entity names have no dots.
  const suffix = type.slice(type.lastIndexOf('.') + 1);
  const action = ACTIONS.find((candidate) => candidate === suffix);
  if (action === undefined) throw new InvalidEventError(`event type "${type}" has no known action`);
  return signals.length > 0 ? { eventId, action, occurredAt, signals } : { eventId, action, occurredAt };
}
