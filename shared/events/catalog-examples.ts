/**
 * Synthetic example events for the event catalog: one per detail-type, built with `buildEvent`
 * from fixed, made-up records (no real people or clinics), so the docs show exactly what the
 * code emits.
 */
import { createHash } from 'node:crypto';
import { STREAMS, type StreamDefinition } from '../streams.js';
import { type BuildEventInput, buildEvent, DEFAULT_EVENT_OPTIONS, type EventOptions } from './build.js';
import type { Action, ChangeEvent } from './contract.js';
import { actionsOf } from './schema.js';

const API = 'https://api.au1.cliniko.com/v1';
const link = (path: string) => ({ links: { self: `${API}/${path}` } });

interface ExampleSeed {
  readonly fields: Readonly<Record<string, unknown>>;
  /** The fields an `updated` example changes, with their new values. */
  readonly update: Readonly<Record<string, unknown>>;
}

/** Made-up records, one per stream, in the shape Cliniko returns (ids as strings). */
const SEEDS: Readonly<Record<string, ExampleSeed>> = {
  patients: {
    fields: {
      first_name: 'Avery',
      last_name: 'Example',
      date_of_birth: '1990-01-01',
      email: 'avery@example.com',
      patient_phone_numbers: [{ number: '0400 000 000', phone_type: 'Mobile' }],
      city: 'Exampleton',
    },
    update: { email: 'avery.example@example.org', patient_phone_numbers: [] },
  },
  individual_appointments: {
    fields: {
      starts_at: '2026-12-03T01:00:00Z',
      ends_at: '2026-12-03T01:30:00Z',
      notes: null,
      cancellation_note: null,
      cancellation_reason: null,
      patient: link('patients/1390726237298631770'),
      practitioner: link('practitioners/1390726237298630001'),
    },
    update: { starts_at: '2026-12-03T02:00:00Z', ends_at: '2026-12-03T02:30:00Z' },
  },
  group_appointments: {
    fields: {
      starts_at: '2026-12-04T03:00:00Z',
      ends_at: '2026-12-04T04:00:00Z',
      max_attendees: 8,
      notes: null,
      practitioner: link('practitioners/1390726237298630001'),
    },
    update: { max_attendees: 10 },
  },
  attendees: {
    fields: {
      arrived: null,
      notes: null,
      cancellation_note: null,
      cancellation_reason: null,
      booking: link('group_appointments/1390726237298633002'),
      patient: link('patients/1390726237298631770'),
    },
    update: { arrived: true },
  },
  practitioners: {
    fields: { title: 'Dr', first_name: 'Sam', last_name: 'Placeholder', designation: 'Physiotherapist' },
    update: { designation: 'Senior Physiotherapist' },
  },
  businesses: {
    fields: { business_name: 'Example Health Clinic', city: 'Exampleton', country_code: 'AU' },
    update: { business_name: 'Example Health & Movement' },
  },
  appointment_types: {
    fields: { name: 'Initial Consultation', duration_in_minutes: 45, max_attendees: 1 },
    update: { duration_in_minutes: 60 },
  },
  invoices: {
    fields: {
      number: 1042,
      issue_date: '2026-11-29',
      total_amount: '120.0',
      status_description: 'Awaiting payment',
      patient: link('patients/1390726237298631770'),
    },
    update: { status_description: 'Paid' },
  },
  treatment_notes: {
    fields: {
      title: 'Standard consultation',
      draft: true,
      content: {
        sections: [{ name: 'Assessment', questions: [{ name: 'Notes', type: 'text', answer: '' }] }],
      },
      patient: link('patients/1390726237298631770'),
    },
    update: { draft: false },
  },
  medical_alerts: {
    fields: { name: 'Example alert', patient: link('patients/1390726237298631770') },
    update: { name: 'Example alert (reviewed)' },
  },
  contacts: {
    fields: { first_name: 'Jordan', last_name: 'Sample', company_name: 'Example Imaging', phone_numbers: [] },
    update: { company_name: 'Example Imaging Group' },
  },
};

const CREATED_AT = '2026-11-20T09:00:00Z';
const UPDATED_AT = '2026-11-29T10:15:00Z';
const LATER = '2026-11-29T10:20:07Z';

/** A stable made-up 19-digit id per stream. */
function exampleId(stream: StreamDefinition): string {
  const digits = BigInt(`0x${createHash('sha256').update(stream.name).digest('hex').slice(0, 15)}`);
  return (1_000_000_000_000_000_000n + (digits % 8_000_000_000_000_000_000n)).toString();
}

function baseRecord(stream: StreamDefinition): Record<string, unknown> & { id: string } {
  const seed = SEEDS[stream.name];
  const lifecycle = Object.fromEntries(stream.lifecycle.map((field) => [field, null]));
  return {
    id: exampleId(stream),
    created_at: CREATED_AT,
    updated_at: UPDATED_AT,
    ...(seed?.fields ?? {}),
    ...lifecycle,
    links: { self: `${API}/${stream.name}/${exampleId(stream)}` },
  };
}

/** The change each action stands for: the record after it and what changed. */
function exampleInput(stream: StreamDefinition, action: Action, account: string): BuildEventInput {
  const base = baseRecord(stream);
  const later = { ...base, updated_at: LATER };
  const variants: Record<
    Action,
    { record: typeof base; changedFields: string[] | null; occurredAt?: string }
  > = {
    created: { record: base, changedFields: null },
    snapshot: { record: base, changedFields: null },
    updated: {
      record: { ...later, ...SEEDS[stream.name]?.update },
      changedFields: Object.keys(SEEDS[stream.name]?.update ?? {}),
    },
    archived: { record: { ...later, archived_at: LATER }, changedFields: ['archived_at'] },
    restored: { record: later, changedFields: ['archived_at'] },
    cancelled: {
      record: {
        ...later,
        cancelled_at: LATER,
        cancellation_reason: 50,
        cancellation_note: 'Rescheduled by phone',
      },
      changedFields: ['cancellation_note', 'cancellation_reason', 'cancelled_at'],
    },
    // Seen in the /deleted feed (or, for streams without one, missing from a reconciliation pass).
    deleted: stream.lifecycle.includes('deleted_at')
      ? { record: { ...later, deleted_at: LATER }, changedFields: null, occurredAt: LATER }
      : { record: base, changedFields: null },
  };
  const variant = variants[action];
  const updatedAt = typeof variant.record.updated_at === 'string' ? variant.record.updated_at : null;
  const occurredAt = variant.occurredAt ?? updatedAt ?? UPDATED_AT;
  return {
    stream,
    account,
    action,
    record: variant.record,
    fingerprint: createHash('sha256')
      .update(JSON.stringify({ ...variant.record, updated_at: null }))
      .digest('hex'),
    updatedAt,
    occurredAt,
    observedAt: new Date(Date.parse(occurredAt) + 31_204),
    changedFields: variant.changedFields,
  };
}

/** One example event per detail-type, keyed by detail-type. */
export function exampleEvents(options: EventOptions = DEFAULT_EVENT_OPTIONS): Map<string, ChangeEvent> {
  const events = new Map<string, ChangeEvent>();
  for (const stream of STREAMS) {
    for (const action of actionsOf(stream)) {
      const event = buildEvent(exampleInput(stream, action, 'main-clinic'), options);
      events.set(event['detail-type'], event);
    }
  }
  return new Map([...events].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The input behind the `patient.updated` example, for showing payload modes side by side. */
export function examplePatientUpdate(): BuildEventInput {
  const patients = STREAMS.find((stream) => stream.name === 'patients');
  if (patients === undefined) throw new Error('the patients stream is missing from the registry');
  return exampleInput(patients, 'updated', 'main-clinic');
}
