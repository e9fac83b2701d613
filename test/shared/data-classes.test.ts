import { describe, expect, it } from 'vitest';
import {
  DATA_CLASSES,
  type DataClass,
  defaultPayloadModeFor,
  fieldClassOf,
  moreProtective,
  parseAllowedClasses,
  STREAM_DATA_CLASSES,
  streamClassOf,
} from '../../shared/data-classes.js';
import { STREAM_NAMES } from '../../shared/streams.js';
import { SPEC } from '../simulator/spec-resources.js';
import { UNION_FIELDS } from '../simulator/union-fields.js';

/**
 * Fields Cliniko's current reference documents beyond the 2023 spec (see the examples' README):
 * classified ahead of their arrival, so they are not withheld as unknown.
 */
const NEWER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  appointment_types: ['appointment_type_billable_items', 'appointment_type_products'],
  attendees: ['sent_email_reminders_count', 'sent_sms_reminders_count'],
};

/** The fields a stream's records are known to have: the spec's, or for `oneOf` items the reference's. */
function knownFields(stream: string): string[] {
  const spec = Object.keys(SPEC[stream]?.fields ?? {});
  return spec.length > 0 ? spec : Object.keys(UNION_FIELDS[stream] ?? {});
}

function classified(stream: string): string[] {
  const entry = STREAM_DATA_CLASSES[stream];
  return entry ? DATA_CLASSES.flatMap((dataClass) => entry.fields[dataClass]) : [];
}

describe('the data classes of every stream and field', () => {
  it('give every stream of the registry a class, and no stream the registry lacks', () => {
    expect(STREAM_NAMES.filter((name) => STREAM_DATA_CLASSES[name] === undefined)).toEqual([]);
    expect(Object.keys(STREAM_DATA_CLASSES).filter((name) => !STREAM_NAMES.includes(name))).toEqual([]);
  });

  it.each(STREAM_NAMES)('classify every field of %s that the 2023 spec lists', (stream) => {
    const fields = knownFields(stream);
    const listed = new Set(classified(stream));

    expect(fields.length).toBeGreaterThan(4);
    expect(fields.filter((field) => !listed.has(field))).toEqual([]);
  });

  it.each(STREAM_NAMES)('list each field of %s once, and only fields its records have', (stream) => {
    const fields = classified(stream);
    const known = new Set([...knownFields(stream), ...(NEWER_FIELDS[stream] ?? [])]);

    expect(fields.filter((field, index) => fields.indexOf(field) !== index)).toEqual([]);
    expect(fields.filter((field) => !known.has(field))).toEqual([]);
  });

  it.each(STREAM_NAMES)('give %s the most protective class of its fields', (stream) => {
    const entry = STREAM_DATA_CLASSES[stream];
    const classes = DATA_CLASSES.filter((dataClass) => (entry?.fields[dataClass].length ?? 0) > 0);

    expect(entry?.stream).toBe(classes.reduce<DataClass>(moreProtective, 'operational'));
  });

  it('class every stream the issue names as clinical or personal above operational, with changes as its default mode', () => {
    const patientData = [
      'patient_forms',
      'patient_attachments',
      'communications',
      'treatment_notes',
      'medical_alerts',
      'patients',
      'contacts',
      'patient_cases',
    ];

    expect(patientData.filter((stream) => streamClassOf(stream) === 'operational')).toEqual([]);
    expect(patientData.map(defaultPayloadModeFor)).toEqual(patientData.map(() => 'changes'));
    expect(defaultPayloadModeFor('taxes')).toBe('full');
  });

  it('class what identifies a patient as personal and what describes their health as phi', () => {
    expect(
      ['first_name', 'email', 'date_of_birth', 'address_1'].map((f) => fieldClassOf('patients', f)),
    ).toEqual(['personal', 'personal', 'personal', 'personal']);
    expect(fieldClassOf('patients', 'notes')).toBe('phi');
    expect(fieldClassOf('treatment_notes', 'content')).toBe('phi');
    expect(fieldClassOf('medical_alerts', 'name')).toBe('phi');
    expect(fieldClassOf('individual_appointments', 'starts_at')).toBe('operational');
    expect(fieldClassOf('invoices', 'patient')).toBe('operational');
  });

  it('treats a field no stream lists, and any field of a stream it does not know, as phi; id is operational', () => {
    expect(fieldClassOf('taxes', 'a_field_cliniko_added_later')).toBe('phi');
    expect(fieldClassOf('no_such_stream', 'name')).toBe('phi');
    expect(streamClassOf('no_such_stream')).toBe('phi');
    expect(fieldClassOf('no_such_stream', 'id')).toBe('operational');
  });
});

describe('parseAllowedClasses', () => {
  const example = 'e.g. operational,personal';

  it('returns the classes in class order', () => {
    expect(parseAllowedClasses(['phi', 'operational'], example)).toEqual(['operational', 'phi']);
  });

  it('refuses a name that is not a class, naming it and the classes', () => {
    expect(parseAllowedClasses(['operational', 'pii'], example)).toBe(
      '"pii" is not a data class: the classes are operational, personal, phi; e.g. operational,personal',
    );
  });

  it('does not echo an entry that does not look like a name', () => {
    expect(parseAllowedClasses(['operational', 'sk_live 1234/abcd'], example)).toMatch(/^an entry is not/);
  });

  it('refuses a list without operational or with a class twice', () => {
    expect(parseAllowedClasses(['personal'], example)).toMatch(/^must include operational/);
    expect(parseAllowedClasses(['operational', 'operational'], example)).toMatch(/twice/);
  });
});
