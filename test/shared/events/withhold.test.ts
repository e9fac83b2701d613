import { describe, expect, it } from 'vitest';
import type { DataClass } from '../../../shared/data-classes.js';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { isEventOfType } from '../../../shared/events/index.js';
import { withholdFields } from '../../../shared/events/withhold.js';
import { PATIENT, patientInput, streamNamed } from './fixtures.js';

const allowing = (...classes: DataClass[]) => new Set<DataClass>(classes);
const CLINICAL = { ...PATIENT, notes: 'Synthetic clinical note', medicare: '0000000000' };

describe('withholdFields', () => {
  it('leaves personal and phi fields out of data for an operational destination, keeping id and lifecycle', () => {
    const event = buildEvent(patientInput({ record: CLINICAL, changedFields: null }), DEFAULT_EVENT_OPTIONS);

    const withheld = withholdFields(event, allowing('operational'));

    expect(withheld.detail.data).toEqual({
      id: PATIENT.id,
      archived_at: null,
      deleted_at: null,
      created_at: PATIENT.created_at,
      updated_at: PATIENT.updated_at,
    });
    expect(withheld.detail.withheld).toEqual({ classes: ['personal', 'phi'], changedFields: 0 });
  });

  it('keeps the classes a destination takes and withholds only the others', () => {
    const event = buildEvent(patientInput({ record: CLINICAL, changedFields: null }), DEFAULT_EVENT_OPTIONS);

    const personal = withholdFields(event, allowing('operational', 'personal'));
    const clinical = withholdFields(event, allowing('operational', 'phi'));

    expect(personal.detail.data).toMatchObject({ first_name: 'Avery', email: 'avery@example.com' });
    expect(personal.detail.data).not.toHaveProperty('notes');
    expect(personal.detail.withheld).toEqual({ classes: ['phi'], changedFields: 0 });
    expect(clinical.detail.data).toMatchObject({ notes: 'Synthetic clinical note', medicare: '0000000000' });
    expect(clinical.detail.data).not.toHaveProperty('first_name');
    expect(clinical.detail.withheld).toEqual({ classes: ['personal'], changedFields: 0 });
  });

  it('withholds the names of changed fields of a withheld class, and their old values, counting them', () => {
    const input = patientInput({
      record: { ...CLINICAL, archived_at: '2026-11-29T10:15:00Z' },
      changedFields: ['archived_at', 'email', 'notes'],
      previous: { ...CLINICAL, email: 'old@example.com', notes: 'Old synthetic note' },
    });
    const event = buildEvent(input, { ...DEFAULT_EVENT_OPTIONS, payload: 'changes' });

    const withheld = withholdFields(event, allowing('operational', 'personal'));

    expect(withheld.detail.changes).toEqual({
      fields: ['archived_at', 'email'],
      previous: { archived_at: null, email: 'old@example.com' },
    });
    expect(withheld.detail.withheld).toEqual({ classes: ['phi'], changedFields: 1 });
    expect(JSON.stringify(withheld)).not.toContain('notes');
  });

  it('treats a field the class table does not know as phi', () => {
    const record = { ...PATIENT, a_field_cliniko_added_later: 'Synthetic value' };
    const event = buildEvent(patientInput({ record, changedFields: ['a_field_cliniko_added_later'] }), {
      ...DEFAULT_EVENT_OPTIONS,
      payload: 'changes',
    });

    const personal = withholdFields(event, allowing('operational', 'personal'));
    const everything = withholdFields(event, allowing('operational', 'personal', 'phi'));

    expect(personal.detail.data).not.toHaveProperty('a_field_cliniko_added_later');
    expect(personal.detail.changes?.fields).toEqual([]);
    expect(personal.detail.withheld).toEqual({ classes: ['phi'], changedFields: 1 });
    expect(everything.detail.data).toHaveProperty('a_field_cliniko_added_later', 'Synthetic value');
  });

  it('returns the event itself when the destination takes every class, or nothing was withheld', () => {
    const event = buildEvent(patientInput(), { ...DEFAULT_EVENT_OPTIONS, payload: 'ids' });
    const taxes = buildEvent(
      {
        ...patientInput({ changedFields: null }),
        stream: streamNamed('taxes'),
        record: { id: '1390726237298630099', name: 'GST', rate: 10, updated_at: PATIENT.updated_at },
      },
      DEFAULT_EVENT_OPTIONS,
    );

    expect(withholdFields(event, allowing('operational', 'personal', 'phi'))).toBe(event);
    expect(withholdFields(taxes, allowing('operational'))).toBe(taxes);
  });

  it('withholds changed field names in mode ids, where there is no data', () => {
    const event = buildEvent(patientInput(), { ...DEFAULT_EVENT_OPTIONS, payload: 'ids' });

    const withheld = withholdFields(event, allowing('operational'));

    expect(withheld.detail).not.toHaveProperty('data');
    expect(withheld.detail.changes).toEqual({ fields: [] });
    expect(withheld.detail.withheld).toEqual({ classes: ['personal'], changedFields: 2 });
  });

  it('keeps the event id, type, record id and times, and yields a valid event of its detail-type', () => {
    const event = buildEvent(patientInput({ record: CLINICAL }), DEFAULT_EVENT_OPTIONS);

    const withheld = withholdFields(event, allowing('operational'));
    const { data: _a, changes: _b, withheld: _c, ...kept } = withheld.detail;
    const { data: _d, changes: _e, ...original } = event.detail;

    expect(kept).toEqual(original);
    expect(withheld.id).toBe(event.id);
    expect(isEventOfType(withheld, 'patient.updated')).toBe(true);
  });

  it('adds to the marker of an earlier gate rather than replacing it', () => {
    const event = buildEvent(patientInput({ record: CLINICAL }), DEFAULT_EVENT_OPTIONS);

    const twice = withholdFields(
      withholdFields(event, allowing('operational', 'personal')),
      allowing('operational'),
    );

    expect(twice.detail.withheld).toEqual({ classes: ['personal', 'phi'], changedFields: 2 });
  });
});

describe('withholdFields and the tracked previous values', () => {
  it('keeps signals, sequence and the old values of tracked (operational) fields for an operational destination', () => {
    const appointment = {
      id: '1390726237298631801',
      starts_at: '2026-12-03T02:00:00Z',
      ends_at: '2026-12-03T02:30:00Z',
      notes: 'Synthetic clinical note',
      booking_ip_address: '203.0.113.9',
      cancelled_at: null,
      archived_at: null,
      deleted_at: null,
      updated_at: '2026-11-29T10:15:00Z',
    };
    const event = buildEvent(
      patientInput({
        stream: streamNamed('individual_appointments'),
        record: appointment,
        changedFields: ['notes', 'starts_at'],
        trackedPrevious: { starts_at: '2026-12-01T09:00:00Z', ends_at: '2026-12-03T02:30:00Z' },
        sequence: 3,
      }),
      DEFAULT_EVENT_OPTIONS,
    );

    const withheld = withholdFields(event, allowing('operational'));

    expect(withheld.detail.signals).toEqual(['rescheduled']);
    expect(withheld.detail.sequence).toBe(3);
    expect(withheld.detail.previous).toEqual({ starts_at: '2026-12-01T09:00:00Z' });
    expect(withheld.detail.changes?.fields).toEqual(['starts_at']);
    expect(withheld.detail.data).not.toHaveProperty('notes');
    expect(withheld.detail.data).not.toHaveProperty('booking_ip_address');
    expect(withheld.resources).toEqual(event.resources);
  });
});
