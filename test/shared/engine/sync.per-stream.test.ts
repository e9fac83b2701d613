import { describe, expect, it } from 'vitest';
import type { RecordState } from '../../../shared/engine/ports.js';
import { DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { ACCOUNT, Harness, streams, type TestSyncOverrides } from './sync-harness.js';

async function storedStates(h: Harness, stream: string): Promise<RecordState[]> {
  const states: RecordState[] = [];
  for await (const page of h.state.listRecordStates(ACCOUNT, stream)) states.push(...page);
  return states;
}

describe('syncAccount: per-stream event settings', () => {
  // Contacts: full payloads with snapshots; patients: ids without snapshots.
  const [patients, contacts] = streams('patients', 'contacts');
  const options: TestSyncOverrides = {
    settings: [
      ...(patients
        ? [
            {
              definition: patients,
              event: { ...DEFAULT_EVENT_OPTIONS, payload: 'ids' as const },
              storeSnapshots: false,
            },
          ]
        : []),
      ...(contacts ? [{ definition: contacts, event: DEFAULT_EVENT_OPTIONS, storeSnapshots: true }] : []),
    ],
  };

  it('builds each stream’s events with its own payload mode within one run', async () => {
    const h = new Harness(options);
    const patient = h.cliniko.create('patients', { first_name: 'Synthetic' });
    const contact = h.cliniko.create('contacts', { first_name: 'Synthetic' });
    h.cliniko.advance(60);

    const report = await h.poll();

    expect(report.streams.map((s) => s.stream)).toEqual(['patients', 'contacts']);
    const [patientEvent] = h.events({ recordId: patient });
    const [contactEvent] = h.events({ recordId: contact });
    expect(patientEvent?.detail.recordId).toBe(patient);
    expect(patientEvent?.detail.data).toBeUndefined();
    expect(contactEvent?.detail.data).toMatchObject({ id: contact, first_name: 'Synthetic' });
  });

  it('keeps snapshots, and so offers the previous version, only for streams that store them', async () => {
    const h = new Harness(options);
    const patient = h.cliniko.create('patients', { first_name: 'Before' });
    const contact = h.cliniko.create('contacts', { first_name: 'Before' });
    h.cliniko.advance(60);
    await h.poll();
    h.cliniko.update('patients', patient, { first_name: 'After' });
    h.cliniko.update('contacts', contact, { first_name: 'After' });
    h.cliniko.advance(60);

    await h.poll();

    expect((await storedStates(h, 'patients')).map((s) => s.snapshot)).toEqual([undefined]);
    expect((await storedStates(h, 'contacts')).map((s) => s.snapshot?.first_name)).toEqual(['After']);
    const [patientUpdate] = h.events({ recordId: patient, action: 'updated' });
    const [contactUpdate] = h.events({ recordId: contact, action: 'updated' });
    expect(patientUpdate?.detail.changes?.previous).toBeUndefined();
    expect(contactUpdate?.detail.changes?.previous).toMatchObject({ first_name: 'Before' });
  });
});
