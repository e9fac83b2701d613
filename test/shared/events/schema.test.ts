import { describe, expect, it } from 'vitest';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { InvalidEventError } from '../../../shared/events/invalid-event-error.js';
import {
  DETAIL_TYPES,
  detailTypesOf,
  eventSchemaFor,
  isChangeEvent,
  parseChangeEvent,
} from '../../../shared/events/schema.js';
import { STREAMS } from '../../../shared/streams.js';
import { patientInput, streamNamed } from './fixtures.js';

const validEvent = (): ChangeEvent => buildEvent(patientInput(), DEFAULT_EVENT_OPTIONS);

/** A deep, mutable copy to break on purpose. */
const mutableCopy = (event: ChangeEvent): { detail: Record<string, unknown>; [key: string]: unknown } =>
  JSON.parse(JSON.stringify(event));

describe('detail-types', () => {
  it('gives every stream created, updated, snapshot and deleted', () => {
    for (const stream of STREAMS) {
      for (const action of ['created', 'updated', 'snapshot', 'deleted']) {
        expect(DETAIL_TYPES).toContain(`${stream.entity}.${action}`);
      }
    }
  });

  it('gives archived and restored only to streams whose records carry archived_at', () => {
    expect(detailTypesOf(streamNamed('patients'))).toContain('patient.archived');
    expect(detailTypesOf(streamNamed('patients'))).toContain('patient.restored');
    expect(detailTypesOf(streamNamed('practitioners'))).toEqual([
      'practitioner.created',
      'practitioner.deleted',
      'practitioner.snapshot',
      'practitioner.updated',
    ]);
  });

  it('gives cancelled only to streams whose records carry cancelled_at', () => {
    const cancellable = DETAIL_TYPES.filter((type) => type.endsWith('.cancelled'));

    expect(cancellable).toEqual(['attendee.cancelled', 'individual_appointment.cancelled']);
  });

  it('lists the detail-types sorted and without duplicates', () => {
    expect([...DETAIL_TYPES]).toEqual([...new Set(DETAIL_TYPES)].sort());
  });

  it('has no schema for a detail-type the registry does not produce', () => {
    expect(eventSchemaFor('practitioner.cancelled')).toBeUndefined();
    expect(eventSchemaFor('patient.archived')).toBeDefined();
  });
});

describe('validation', () => {
  it('accepts the example event built for every detail-type', () => {
    const examples = exampleEvents();

    expect([...examples.keys()]).toEqual([...DETAIL_TYPES]);
    for (const event of examples.values()) expect(parseChangeEvent(event)).toEqual(event);
  });

  it('rejects an event without eventId', () => {
    const event = mutableCopy(validEvent());
    delete event.detail.eventId;

    expect(isChangeEvent(event)).toBe(false);
  });

  it('rejects an event whose resources are not empty', () => {
    const event = { ...validEvent(), resources: ['arn:aws:events:::patient/1'] };

    expect(isChangeEvent(event)).toBe(false);
  });

  it('rejects a detail-type the registry does not produce', () => {
    const event = { ...validEvent(), 'detail-type': 'patient.cancelled' };

    expect(isChangeEvent(event)).toBe(false);
  });

  it('rejects a detail type that differs from the envelope detail-type', () => {
    const event = mutableCopy(validEvent());
    event.detail.type = 'patient.created';

    expect(isChangeEvent(event)).toBe(false);
  });

  it('rejects a numeric recordId', () => {
    const event = mutableCopy(validEvent());
    event.detail.recordId = 1390726237;

    expect(isChangeEvent(event)).toBe(false);
  });

  it('rejects a time with milliseconds', () => {
    const event = { ...validEvent(), time: '2026-11-29T10:15:00.000Z' };

    expect(isChangeEvent(event)).toBe(false);
  });

  it('rejects changed fields that are unsorted or list updated_at', () => {
    const unsorted = mutableCopy(validEvent());
    unsorted.detail.changes = { fields: ['email', 'city'] };
    const withUpdatedAt = mutableCopy(validEvent());
    withUpdatedAt.detail.changes = { fields: ['city', 'updated_at'] };

    expect(isChangeEvent(unsorted)).toBe(false);
    expect(isChangeEvent(withUpdatedAt)).toBe(false);
  });

  it('rejects data whose id is missing', () => {
    const event = mutableCopy(validEvent());
    event.detail.data = { first_name: 'Avery' };

    expect(isChangeEvent(event)).toBe(false);
  });

  it('ignores unknown fields so newer optional fields do not break older readers', () => {
    const event = { ...validEvent(), futureField: true };

    expect(isChangeEvent(event)).toBe(true);
  });

  it('names the failing paths in the error but never the values', () => {
    const event = mutableCopy(validEvent());
    event.detail.recordId = 'SENTINEL-PHI-Avery';

    const error = (() => {
      try {
        parseChangeEvent(event);
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).message).toContain('detail.recordId');
    expect((error as InvalidEventError).message).not.toContain('SENTINEL');
  });
});
