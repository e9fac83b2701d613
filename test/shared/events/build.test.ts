import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildEvent,
  DEFAULT_EVENT_OPTIONS,
  type EventOptions,
  entrySize,
} from '../../../shared/events/build.js';
import { eventIdFor } from '../../../shared/events/event-id.js';
import { InvalidEventError } from '../../../shared/events/invalid-event-error.js';
import { isChangeEvent, parseChangeEvent } from '../../../shared/events/schema.js';
import { PATIENT, patientInput, streamNamed } from './fixtures.js';

const options = (overrides: Partial<EventOptions> = {}): EventOptions => ({
  ...DEFAULT_EVENT_OPTIONS,
  ...overrides,
});

describe('buildEvent envelope', () => {
  it('builds the contract envelope around the detail', () => {
    const event = buildEvent(
      patientInput(),
      options({ awsAccount: '123456789012', region: 'ap-southeast-2' }),
    );

    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'patient.updated',
      source: 'cliniko',
      account: '123456789012',
      time: '2026-11-29T10:15:31Z',
      region: 'ap-southeast-2',
      resources: [`cliniko:main-clinic:patients:${PATIENT.id}`],
      detail: {
        schemaVersion: 1,
        type: 'patient.updated',
        account: 'main-clinic',
        resource: 'patients',
        recordId: PATIENT.id,
        occurredAt: '2026-11-29T10:15:00Z',
        observedAt: '2026-11-29T10:15:31.204Z',
        changes: { fields: ['city', 'email'] },
      },
    });
    expect(event.id).toBe(event.detail.eventId);
    expect(parseChangeEvent(event)).toEqual(event);
  });

  it('derives the event id from account, resource, record, action, fingerprint and updated_at', () => {
    const event = buildEvent(patientInput(), options());

    expect(event.detail.eventId).toBe(
      eventIdFor({
        account: 'main-clinic',
        resource: 'patients',
        recordId: PATIENT.id,
        action: 'updated',
        fingerprint: 'f1f1f1f1',
        updatedAt: PATIENT.updated_at,
      }),
    );
  });

  it('uses the configured source', () => {
    const event = buildEvent(patientInput(), options({ source: 'clinic.cliniko' }));

    expect(event.source).toBe('clinic.cliniko');
  });

  it('sets occurredAt to whole seconds in UTC whatever precision and offset came in', () => {
    const event = buildEvent(patientInput({ occurredAt: '2026-11-29T20:15:00.750+10:00' }), options());

    expect(event.detail.occurredAt).toBe('2026-11-29T10:15:00Z');
  });

  it('sets time to when the change was detected (observedAt, to the second), which archives replay by', () => {
    const event = buildEvent(
      patientInput({
        occurredAt: '2026-11-26T09:00:00Z',
        observedAt: new Date('2026-11-29T10:15:31.999Z'),
      }),
      options(),
    );

    expect(event.time).toBe('2026-11-29T10:15:31Z');
    expect(event.detail.observedAt).toBe('2026-11-29T10:15:31.999Z');
    expect(event.detail.occurredAt).toBe('2026-11-26T09:00:00Z');
    expect(parseChangeEvent(event)).toEqual(event);
  });

  it('gives a late-detected change a time inside a replay window of the last hours, its occurredAt outside', () => {
    const detected = new Date('2026-11-29T10:00:00.500Z');
    const window = { since: Date.parse('2026-11-29T04:00:00Z'), until: Date.parse('2026-11-29T10:00:01Z') };
    const late = buildEvent(
      patientInput({ occurredAt: '2026-11-28T23:59:59Z', observedAt: detected }),
      options(),
    );

    const time = Date.parse(late.time);

    expect(time >= window.since && time <= window.until).toBe(true);
    expect(Date.parse(late.detail.occurredAt)).toBeLessThan(window.since);
  });

  it('keeps the same time for every sink and payload mode, including an entry sent without its payload', () => {
    const input = patientInput({ observedAt: new Date('2026-11-29T10:15:31.204Z') });

    const times = [
      buildEvent(input, options({ payload: 'full' })).time,
      buildEvent(input, options({ payload: 'ids' })).time,
      buildEvent(input, options({ maxEntryBytes: 10 })).time,
    ];

    expect(times).toEqual(['2026-11-29T10:15:31Z', '2026-11-29T10:15:31Z', '2026-11-29T10:15:31Z']);
  });

  it('gives occurredAt exactly as Date reads it, impossible days rolled over as Date rolls them', () => {
    const asDateReadsIt = (at: string) =>
      new Date(Math.floor(Date.parse(at) / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const digits = (max: number, width: number) =>
      fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
    const timestamp = fc
      .tuple(digits(2100, 4), digits(12, 2), digits(31, 2), digits(23, 2), digits(59, 2), digits(59, 2))
      .map(([y, mo, d, h, mi, s]) => `${y}-${mo}-${d}T${h}:${mi}:${s}Z`)
      .filter((at) => !Number.isNaN(Date.parse(at)));
    fc.assert(
      fc.property(timestamp, (at) => {
        expect(buildEvent(patientInput({ occurredAt: at }), options()).detail.occurredAt).toBe(
          asDateReadsIt(at),
        );
      }),
    );
    expect(
      buildEvent(patientInput({ occurredAt: '2026-02-30T00:00:00Z' }), options()).detail.occurredAt,
    ).toBe('2026-03-02T00:00:00Z');
  });

  it('takes occurredAt from the caller, e.g. deleted_at for a delete seen in a feed', () => {
    const deleted = { ...PATIENT, deleted_at: '2026-11-30T08:00:00Z' };

    const event = buildEvent(
      patientInput({
        action: 'deleted',
        record: deleted,
        changedFields: null,
        occurredAt: deleted.deleted_at,
      }),
      options(),
    );

    expect(event.detail.occurredAt).toBe('2026-11-30T08:00:00Z');
    expect(event['detail-type']).toBe('patient.deleted');
    expect(event.detail.changes).toBeNull();
    expect(isChangeEvent(event)).toBe(true);
  });

  it('lists changed fields sorted, once each, without updated_at', () => {
    const event = buildEvent(
      patientInput({ changedFields: ['email', 'updated_at', 'city', 'email'] }),
      options(),
    );

    expect(event.detail.changes).toEqual({ fields: ['city', 'email'] });
  });

  it('refuses an action the stream cannot have', () => {
    expect(() => buildEvent(patientInput({ action: 'cancelled' }), options())).toThrow(InvalidEventError);
  });

  it('refuses an occurredAt that is not a timestamp', () => {
    expect(() => buildEvent(patientInput({ occurredAt: 'yesterday' }), options())).toThrow(InvalidEventError);
  });
});

describe('payload modes', () => {
  it('carries the whole record in mode full', () => {
    const event = buildEvent(patientInput(), options({ payload: 'full' }));

    expect(event.detail.data).toEqual(PATIENT);
  });

  it('carries the id, lifecycle timestamps and changed fields in mode changes', () => {
    const event = buildEvent(patientInput(), options({ payload: 'changes' }));

    expect(event.detail.data).toEqual({
      id: PATIENT.id,
      archived_at: null,
      deleted_at: null,
      city: 'Exampleton',
      email: 'avery@example.com',
    });
    expect(isChangeEvent(event)).toBe(true);
  });

  it('carries the whole record in mode changes when everything is new', () => {
    const created = buildEvent(
      patientInput({ action: 'created', changedFields: null }),
      options({ payload: 'changes' }),
    );
    const snapshot = buildEvent(
      patientInput({ action: 'snapshot', changedFields: null }),
      options({ payload: 'changes' }),
    );

    expect(created.detail.data).toEqual(PATIENT);
    expect(snapshot.detail.data).toEqual(PATIENT);
  });

  it('never carries old values in mode ids, even when a previous version is given', () => {
    const previous = { ...PATIENT, email: 'old@example.com', city: 'Oldtown' };

    const event = buildEvent(patientInput({ previous }), options({ payload: 'ids' }));

    expect(event.detail.changes).toEqual({ fields: ['city', 'email'] });
    expect(JSON.stringify(event)).not.toContain('Oldtown');
  });

  it('carries no data in mode ids', () => {
    const event = buildEvent(patientInput(), options({ payload: 'ids' }));

    expect(event.detail).not.toHaveProperty('data');
    expect(event.detail.changes).toEqual({ fields: ['city', 'email'] });
    expect(isChangeEvent(event)).toBe(true);
  });

  it('keeps only included fields, and always the id', () => {
    const event = buildEvent(patientInput(), options({ include: ['city', 'archived_at'] }));

    expect(event.detail.data).toEqual({ id: PATIENT.id, city: 'Exampleton', archived_at: null });
  });

  it('drops excluded fields, but never the id', () => {
    const event = buildEvent(
      patientInput(),
      options({ exclude: ['first_name', 'last_name', 'email', 'id'] }),
    );

    expect(event.detail.data).toEqual({
      id: PATIENT.id,
      city: 'Exampleton',
      archived_at: null,
      deleted_at: null,
      created_at: PATIENT.created_at,
      updated_at: PATIENT.updated_at,
    });
  });

  it('applies include and exclude in mode changes too, while still naming every changed field', () => {
    const event = buildEvent(patientInput(), options({ payload: 'changes', exclude: ['email'] }));

    expect(event.detail.data).toEqual({
      id: PATIENT.id,
      archived_at: null,
      deleted_at: null,
      city: 'Exampleton',
    });
    expect(event.detail.changes?.fields).toEqual(['city', 'email']);
  });

  it('emits previous values of the changed fields only when a previous version is given', () => {
    const previous = { ...PATIENT, email: 'old@example.com', city: 'Oldtown' };

    const withPrevious = buildEvent(patientInput({ previous }), options({ exclude: ['email'] }));
    const without = buildEvent(patientInput(), options());

    expect(withPrevious.detail.changes).toEqual({ fields: ['city', 'email'], previous: { city: 'Oldtown' } });
    expect(without.detail.changes).not.toHaveProperty('previous');
    expect(isChangeEvent(withPrevious)).toBe(true);
  });

  it('validates in every mode for every action of a stream with every lifecycle', () => {
    const stream = streamNamed('individual_appointments');
    const record = { id: '1390726237298639999', starts_at: '2026-12-03T01:00:00Z', cancelled_at: null };
    for (const payload of ['full', 'changes', 'ids'] as const) {
      for (const action of [
        'created',
        'updated',
        'snapshot',
        'deleted',
        'archived',
        'restored',
        'cancelled',
      ] as const) {
        const event = buildEvent(
          patientInput({
            stream,
            record,
            action,
            changedFields: action === 'created' ? null : ['starts_at'],
          }),
          options({ payload }),
        );

        expect(isChangeEvent(event), `${payload} ${action}`).toBe(true);
      }
    }
  });
});

describe('size guard', () => {
  // Over the default limit (EventBridge's 1 MB) on its own.
  const bigNotes = 'x'.repeat(1100 * 1024);
  const bigRecord = { ...PATIENT, notes: bigNotes };

  it('sends an oversized event without data and marks it payloadOmitted size', () => {
    const event = buildEvent(
      patientInput({ record: bigRecord, changedFields: ['notes'], previous: { notes: bigNotes } }),
      options(),
    );

    expect(event.detail.payloadOmitted).toBe('size');
    expect(event.detail).not.toHaveProperty('data');
    expect(event.detail.changes).toEqual({ fields: ['notes'] });
    expect(entrySize(event)).toBeLessThanOrEqual(DEFAULT_EVENT_OPTIONS.maxEntryBytes);
    expect(parseChangeEvent(event)).toEqual(event);
  });

  it('keeps the same event id when the payload is omitted', () => {
    const input = patientInput({ record: bigRecord, changedFields: ['notes'] });

    const omitted = buildEvent(input, options());
    const whole = buildEvent(input, options({ maxEntryBytes: 2 * 1024 * 1024 }));

    expect(omitted.detail.eventId).toBe(whole.detail.eventId);
    expect(whole.detail.data).toEqual(bigRecord);
    expect(whole.detail).not.toHaveProperty('payloadOmitted');
  });

  it('keeps the payload of an event exactly at the limit', () => {
    const event = buildEvent(patientInput(), options());

    const atLimit = buildEvent(patientInput(), options({ maxEntryBytes: entrySize(event) }));
    const belowLimit = buildEvent(patientInput(), options({ maxEntryBytes: entrySize(event) - 1 }));

    expect(atLimit.detail.data).toEqual(PATIENT);
    expect(belowLimit.detail.payloadOmitted).toBe('size');
  });

  it('measures entries in UTF-8 bytes of source, detail-type and detail plus 14 for the time', () => {
    const event = buildEvent(patientInput({ record: { ...PATIENT, city: 'Zürich' } }), options());
    const recordKey = `cliniko:main-clinic:patients:${PATIENT.id}`;
    const expected =
      'cliniko'.length +
      'patient.updated'.length +
      Buffer.byteLength(JSON.stringify(event.detail)) +
      14 +
      recordKey.length;

    expect(entrySize(event)).toBe(expected);
    expect(event.resources).toEqual([recordKey]);
    expect(entrySize(event)).toBeGreaterThan(
      'cliniko'.length +
        'patient.updated'.length +
        JSON.stringify(event.detail).length +
        14 +
        recordKey.length,
    );
  });
});

describe('signals, tracked previous values, sequence and record key', () => {
  const APPOINTMENT = Object.freeze({
    id: '1390726237298631801',
    starts_at: '2026-12-02T10:00:00Z',
    ends_at: '2026-12-02T10:30:00Z',
    cancelled_at: null,
    archived_at: null,
    deleted_at: null,
    notes: 'Synthetic note',
    updated_at: '2026-11-29T10:15:00Z',
  });
  const reschedule = (overrides: Partial<Parameters<typeof buildEvent>[0]> = {}) =>
    patientInput({
      stream: streamNamed('individual_appointments'),
      record: APPOINTMENT,
      changedFields: ['ends_at', 'starts_at'],
      trackedPrevious: { starts_at: '2026-12-01T09:00:00Z', ends_at: '2026-12-01T09:30:00Z', business: null },
      sequence: 4,
      ...overrides,
    });

  it('says from when to when a rescheduled appointment moved, with its sequence and record key', () => {
    const event = buildEvent(reschedule(), options({ payload: 'changes' }));

    expect(event.detail.signals).toEqual(['rescheduled']);
    expect(event.detail.previous).toEqual({
      starts_at: '2026-12-01T09:00:00Z',
      ends_at: '2026-12-01T09:30:00Z',
    });
    expect(event.detail.data).toMatchObject({
      starts_at: APPOINTMENT.starts_at,
      ends_at: APPOINTMENT.ends_at,
    });
    expect(event.detail.sequence).toBe(4);
    expect(event.resources).toEqual([`cliniko:main-clinic:individual_appointments:${APPOINTMENT.id}`]);
    expect(parseChangeEvent(event)).toEqual(event);
  });

  it('sends tracked previous values without the snapshot option, and never in mode ids', () => {
    const full = buildEvent(reschedule(), options());
    const ids = buildEvent(reschedule(), options({ payload: 'ids' }));

    expect(full.detail.changes).toEqual({ fields: ['ends_at', 'starts_at'] });
    expect(full.detail.previous).toEqual({
      starts_at: '2026-12-01T09:00:00Z',
      ends_at: '2026-12-01T09:30:00Z',
    });
    expect(ids.detail).not.toHaveProperty('previous');
    expect(ids.detail).not.toHaveProperty('data');
    expect(ids.detail.signals).toEqual(['rescheduled']);
  });

  it('leaves previous out when no tracked field changed, when old values are unknown, and for excluded fields', () => {
    expect(buildEvent(reschedule({ changedFields: ['notes'] }), options()).detail).not.toHaveProperty(
      'previous',
    );
    expect(buildEvent(reschedule({ trackedPrevious: undefined }), options()).detail).not.toHaveProperty(
      'previous',
    );
    expect(buildEvent(reschedule(), options({ exclude: ['starts_at'] })).detail.previous).toEqual({
      ends_at: '2026-12-01T09:30:00Z',
    });
  });

  it('gives every event a signals array, empty when the change means nothing more, and sequence 1 by default', () => {
    const event = buildEvent(patientInput(), options());

    expect(event.detail.signals).toEqual([]);
    expect(event.detail.sequence).toBe(1);
    expect(event.detail).not.toHaveProperty('related');
  });

  it('keeps signals, sequence and previous when the size guard leaves the payload out', () => {
    const event = buildEvent(reschedule(), options({ maxEntryBytes: 1024 }));
    const big = buildEvent(
      reschedule({ record: { ...APPOINTMENT, notes: 'x'.repeat(2000) } }),
      options({ maxEntryBytes: 1024 }),
    );

    expect(event.detail).not.toHaveProperty('payloadOmitted');
    expect(big.detail.payloadOmitted).toBe('size');
    expect(big.detail.signals).toEqual(['rescheduled']);
    expect(big.detail.sequence).toBe(4);
    expect(big.detail.previous).toEqual(event.detail.previous);
  });
});

describe('the default size guard', () => {
  it('follows EventBridge’s 1 MB entry limit: a 500 KB record keeps its data, a 1.1 MB one is sent without', () => {
    const big = (bytes: number) => patientInput({ record: { ...PATIENT, notes: 'x'.repeat(bytes) } });

    expect(DEFAULT_EVENT_OPTIONS.maxEntryBytes).toBe(1024 * 1024);
    expect(buildEvent(big(500_000), DEFAULT_EVENT_OPTIONS).detail).not.toHaveProperty('payloadOmitted');
    expect(buildEvent(big(1_100_000), DEFAULT_EVENT_OPTIONS).detail.payloadOmitted).toBe('size');
  });
});
