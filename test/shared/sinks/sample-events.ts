/** Synthetic events for the sink tests. `SENTINEL` stands in for patient data that must never reach a console. */
import type { Action, ChangeEvent } from '../../../shared/events/contract.js';

export const SENTINEL = 'SENTINEL-Zebediah-Quux-0412';

export function sampleEvent(
  overrides: {
    readonly entity?: string;
    readonly resource?: string;
    readonly action?: Action;
    readonly recordId?: string;
    readonly eventId?: string;
    readonly fields?: readonly string[] | null;
    readonly occurredAt?: string;
  } = {},
): ChangeEvent {
  const entity = overrides.entity ?? 'patient';
  const action = overrides.action ?? 'updated';
  const type = `${entity}.${action}`;
  const recordId = overrides.recordId ?? '1390726237298631770';
  const occurredAt = overrides.occurredAt ?? '2026-11-29T10:15:00Z';
  const fields = overrides.fields === undefined ? ['email', 'patient_phone_numbers'] : overrides.fields;
  return {
    version: '0',
    id: overrides.eventId ?? `evt-${recordId}-${action}`,
    'detail-type': type,
    source: 'cliniko',
    account: 'local',
    // The envelope time is when the change was detected: observedAt to the second.
    time: '2026-11-29T10:15:31Z',
    region: 'local',
    resources: [],
    detail: {
      schemaVersion: 1,
      eventId: overrides.eventId ?? `evt-${recordId}-${action}`,
      type,
      account: 'main-clinic',
      resource: overrides.resource ?? 'patients',
      recordId,
      sequence: 1,
      occurredAt,
      observedAt: '2026-11-29T10:15:31.204Z',
      signals: [],
      changes: fields === null ? null : { fields },
      data: {
        id: recordId,
        first_name: SENTINEL,
        email: `${SENTINEL}@example.test`,
        notes: 'line one\nline two with "quotes" and ünïcode',
      },
    },
  };
}

/** `count` distinct updated events with ascending record ids. */
export function sampleEvents(count: number): ChangeEvent[] {
  return Array.from({ length: count }, (_, index) =>
    sampleEvent({ recordId: String(1390726237298631770n + BigInt(index)), eventId: `evt-${index}` }),
  );
}
