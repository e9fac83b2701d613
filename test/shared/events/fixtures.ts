import type { BuildEventInput } from '../../../shared/events/build.js';
import { STREAMS, type StreamDefinition } from '../../../shared/streams.js';

export function streamNamed(name: string): StreamDefinition {
  const stream = STREAMS.find((s) => s.name === name);
  if (stream === undefined) throw new Error(`no stream ${name} in the registry`);
  return stream;
}

/** A synthetic patient, as Cliniko returns it (ids as strings). */
export const PATIENT = Object.freeze({
  id: '1390726237298631770',
  first_name: 'Avery',
  last_name: 'Example',
  email: 'avery@example.com',
  city: 'Exampleton',
  archived_at: null,
  deleted_at: null,
  created_at: '2026-11-20T09:00:00Z',
  updated_at: '2026-11-29T10:15:00Z',
});

export function patientInput(overrides: Partial<BuildEventInput> = {}): BuildEventInput {
  return {
    stream: streamNamed('patients'),
    account: 'main-clinic',
    action: 'updated',
    record: PATIENT,
    fingerprint: 'f1f1f1f1',
    updatedAt: PATIENT.updated_at,
    occurredAt: PATIENT.updated_at,
    observedAt: new Date('2026-11-29T10:15:31.204Z'),
    changedFields: ['email', 'city'],
    ...overrides,
  };
}
