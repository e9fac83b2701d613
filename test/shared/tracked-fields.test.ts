import { describe, expect, it } from 'vitest';
import { fieldClassOf } from '../../shared/data-classes.js';
import { STREAM_NAMES } from '../../shared/streams.js';
import { TRACKED_FIELDS, trackedValuesOf } from '../../shared/tracked-fields.js';
import { SPEC } from '../simulator/spec-resources.js';

describe('tracked fields', () => {
  it('are all operational: no patient-identifying value is ever kept in the clear or sent as previous', () => {
    const notOperational = Object.entries(TRACKED_FIELDS).flatMap(([stream, fields]) =>
      fields
        .filter((field) => fieldClassOf(stream, field) !== 'operational')
        .map((field) => `${stream}.${field}`),
    );

    expect(notOperational).toEqual([]);
  });

  it('are fields the stream’s records are known to have, on streams of the registry', () => {
    const unknown = Object.entries(TRACKED_FIELDS).flatMap(([stream, fields]) =>
      !STREAM_NAMES.includes(stream)
        ? [stream]
        : fields
            .filter((field) => !(field in (SPEC[stream]?.fields ?? {})))
            .map((field) => `${stream}.${field}`),
    );

    expect(unknown).toEqual([]);
  });

  it('cover what consumers need to say from when to when, and which status an invoice left', () => {
    expect(TRACKED_FIELDS.individual_appointments).toEqual(
      expect.arrayContaining(['starts_at', 'ends_at', 'practitioner', 'appointment_type', 'business']),
    );
    expect(TRACKED_FIELDS.invoices).toEqual(['status']);
  });

  it('pick the tracked values a record has, and nothing for a stream that tracks none', () => {
    expect(trackedValuesOf('invoices', { id: '1', status: 20, notes: 'Synthetic note' })).toEqual({
      status: 20,
    });
    expect(trackedValuesOf('treatment_notes', { id: '1' })).toEqual({});
    expect(trackedValuesOf('patients', { id: '1', first_name: 'Synthetic' })).toBeUndefined();
  });
});
