/**
 * Component test of signals, tracked previous values and sequence numbers: the engine over the real
 * Cliniko client and the simulator (real HTTP), with record state in DynamoDB on dynalite. Each
 * scenario changes records through the API (or the test backdoor, for what Cliniko's API cannot do
 * on demand), polls, then polls again: a signal must come exactly once, and never from an unrelated
 * edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClinikoClient } from '../../../shared/cliniko/client.js';
import { TokenBucket } from '../../../shared/cliniko/token-bucket.js';
import { syncAccount } from '../../../shared/engine/sync.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { hasSignal } from '../../../shared/events/guards.js';
import { parseChangeEvent } from '../../../shared/events/schema.js';
import type { Signal } from '../../../shared/signals.js';
import { DynamoDbStateStore } from '../../../shared/state/dynamodb-state-store.js';
import { ControllableClock, type RunningSimulator, startSimulator } from '../../../simulator/index.js';
import { api, control, items, linkId } from '../../simulator/sim-client.js';
import { TEST_KEYS } from '../../support/content-keys.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';
import { USER_AGENT } from '../cliniko/fake-cliniko.js';
import { CapturingLogger, streams, syncOptions } from './sync-harness.js';

const STREAMS = streams(
  'patients',
  'individual_appointments',
  'attendees',
  'practitioners',
  'invoices',
  'treatment_notes',
);

let sim: RunningSimulator;
let client: ClinikoClient;
let table: LocalStateTable;
let state: DynamoDbStateStore;
const clock = new ControllableClock();
const publisher = new RecordingPublisher();

async function poll(): Promise<void> {
  clock.advance(5);
  const report = await syncAccount(
    {
      cliniko: client,
      keys: TEST_KEYS,
      state,
      publisher,
      logger: new CapturingLogger(),
      now: () => clock.now(),
    },
    syncOptions({ streams: STREAMS, startFrom: 'beginning', reconcileIntervalSeconds: null }),
  );
  if (!report.ok) throw new Error('a poll failed');
}

/** Polls until caught up, then twice more: what a signal test counts must not repeat. */
async function pollRepeatedly(): Promise<void> {
  for (let i = 0; i < 3; i++) await poll();
}

const eventsOf = (recordId: string): ChangeEvent[] =>
  publisher.events.filter((e) => e.detail.recordId === recordId);
const withSignal = (recordId: string, signal: Signal): ChangeEvent[] =>
  eventsOf(recordId).filter((e) => hasSignal(e, signal));

async function write(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  clock.advance(2);
  const reply = await api(sim, method, path, body);
  if (reply.status >= 300) throw new Error(`${method} ${path.split('?')[0]} answered ${reply.status}`);
  return reply.body;
}

async function backdoor(method: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  clock.advance(2);
  const reply = await control(sim, method, `records/${path}`, body);
  if (reply.status >= 300) throw new Error(`${method} /__sim/records/${path} answered ${reply.status}`);
  return reply.body;
}

const firstId = async (resource: string) =>
  String(items(await api(sim, 'GET', `/${resource}`), resource)[0]?.id);

async function newPatient(): Promise<string> {
  return String((await write('POST', '/patients', { first_name: 'Synthetic', last_name: 'Patient' })).id);
}

async function newAppointment(
  patient: string,
  startsAt = '2026-12-01T01:00:00Z',
): Promise<Record<string, unknown>> {
  return write('POST', '/individual_appointments', {
    patient_id: patient,
    practitioner_id: await firstId('practitioners'),
    appointment_type_id: await firstId('appointment_types'),
    business_id: await firstId('businesses'),
    starts_at: startsAt,
  });
}

beforeAll(async () => {
  clock.set(Date.parse('2026-06-01T09:00:00Z'));
  sim = await startSimulator({
    seed: 16,
    patients: 15,
    appointments: 20,
    rateLimitPerMinute: 100_000,
    clock,
  });
  client = new ClinikoClient({
    apiKey: sim.apiKeys[0] ?? '',
    userAgent: USER_AGENT,
    baseUrl: sim.baseUrl,
    bucket: new TokenBucket({ ratePerMinute: 100_000, capacity: 1000 }),
    now: () => clock.now(),
  });
  table = await startLocalStateTable();
  state = new DynamoDbStateStore({ client: table.client, tableName: table.tableName });
  await poll();
});

afterAll(async () => {
  await client?.close();
  await sim?.close();
  await table?.close();
});

describe('signals through the simulator', () => {
  it('reports a reschedule once as rescheduled, with the old and new starts_at, and an unrelated edit without it', async () => {
    const appointment = await newAppointment(await newPatient());
    const id = String(appointment.id);
    await poll();

    await write('PATCH', `/individual_appointments/${id}`, {
      starts_at: '2026-12-03T02:00:00Z',
      ends_at: '2026-12-03T02:30:00Z',
    });
    await pollRepeatedly();
    await write('PATCH', `/individual_appointments/${id}`, {
      notes: 'Synthetic note, unrelated to the time',
    });
    await pollRepeatedly();

    const rescheduled = withSignal(id, 'rescheduled');
    expect(rescheduled).toHaveLength(1);
    expect(rescheduled[0]?.detail.type).toBe('individual_appointment.updated');
    expect(rescheduled[0]?.detail.previous).toMatchObject({
      starts_at: appointment.starts_at,
      ends_at: appointment.ends_at,
    });
    expect(rescheduled[0]?.detail.data).toMatchObject({ starts_at: '2026-12-03T02:00:00Z' });
    const unrelated = eventsOf(id).at(-1);
    expect(unrelated?.detail.changes?.fields).toEqual(['notes']);
    expect(unrelated?.detail.signals).toEqual([]);
    expect(unrelated?.detail).not.toHaveProperty('previous');
  });

  it('reports an arrival and a did-not-arrive once each', async () => {
    const patient = await newPatient();
    const arriving = String((await newAppointment(patient)).id);
    const missing = String((await newAppointment(patient, '2026-12-02T01:00:00Z')).id);
    await poll();

    await write('PATCH', `/individual_appointments/${arriving}`, { patient_arrived: true });
    await write('PATCH', `/individual_appointments/${missing}`, { did_not_arrive: true });
    await pollRepeatedly();

    expect(withSignal(arriving, 'arrived').map((e) => e.detail.signals)).toEqual([['arrived']]);
    expect(withSignal(missing, 'did_not_arrive').map((e) => e.detail.signals)).toEqual([['did_not_arrive']]);
    expect(withSignal(arriving, 'did_not_arrive')).toEqual([]);
  });

  it('reports an online booking once, on its creation', async () => {
    const patient = await newPatient();
    const booked = await backdoor('POST', 'individual_appointments', {
      patient_id: patient,
      starts_at: '2026-12-04T01:00:00Z',
      ends_at: '2026-12-04T01:30:00Z',
      booking_ip_address: '203.0.113.16',
      online_booking_policy_accepted: true,
    });
    const inClinic = await newAppointment(patient, '2026-12-05T01:00:00Z');
    await pollRepeatedly();
    await write('PATCH', `/individual_appointments/${String(booked.id)}`, { notes: 'Synthetic note' });
    await pollRepeatedly();

    const online = withSignal(String(booked.id), 'booked_online');
    expect(online).toHaveLength(1);
    expect(online[0]?.detail.type).toBe('individual_appointment.created');
    expect(withSignal(String(inClinic.id), 'booked_online')).toEqual([]);
  });

  it('reports an invoice paid once, with the status it left', async () => {
    const patient = await newPatient();
    const invoice = await write('POST', '/invoices', {
      patient_id: patient,
      business_id: await firstId('businesses'),
    });
    const id = String(invoice.id);
    await poll();

    await write('PATCH', `/invoices/${id}`, { status: 20 });
    await pollRepeatedly();
    await write('PATCH', `/invoices/${id}`, { notes: 'Synthetic invoice note' });
    await pollRepeatedly();

    const paid = withSignal(id, 'paid');
    expect(paid).toHaveLength(1);
    expect(paid[0]?.detail.previous).toEqual({ status: 10 });
    expect(eventsOf(id).at(-1)?.detail.signals).toEqual([]);
  });

  it('reports a draft treatment note finalised once', async () => {
    const patient = await newPatient();
    const note = await write('POST', '/treatment_notes', {
      patient_id: patient,
      title: 'Synthetic note',
      draft: true,
    });
    const id = String(note.id);
    await poll();

    await write('PATCH', `/treatment_notes/${id}`, { draft: false });
    await pollRepeatedly();

    const finalised = withSignal(id, 'finalised');
    expect(finalised).toHaveLength(1);
    expect(finalised[0]?.detail.previous).toEqual({ draft: true });
  });

  it('reports a merge once, naming the surviving patient', async () => {
    const from = await newPatient();
    const into = await newPatient();
    await poll();

    const merged = await backdoor('POST', `patients/${from}/merge`, { into });
    await pollRepeatedly();

    expect(linkId(merged.merged_with_patient)).toBe(into);
    const events = withSignal(from, 'merged');
    expect(events).toHaveLength(1);
    expect(events[0]?.detail.type).toBe('patient.archived');
    expect(events[0]?.detail.related).toEqual({ mergedIntoPatientId: into });
    expect(withSignal(into, 'merged')).toEqual([]);
  });

  it('reports a practitioner deactivated and reactivated once each', async () => {
    const id = await firstId('practitioners');

    await backdoor('PATCH', `practitioners/${id}`, { set: { active: false } });
    await pollRepeatedly();
    await backdoor('PATCH', `practitioners/${id}`, { set: { active: true } });
    await pollRepeatedly();

    expect(withSignal(id, 'deactivated')).toHaveLength(1);
    expect(withSignal(id, 'reactivated')).toHaveLength(1);
    expect(withSignal(id, 'deactivated')[0]?.detail.previous).toEqual({ active: true });
  });

  it('numbers every record’s events with increasing sequences and carries its key, every event valid', () => {
    const last = new Map<string, number>();
    for (const event of publisher.events) {
      const key = `${event.detail.resource}/${event.detail.recordId}`;
      expect(event.detail.sequence, key).toBeGreaterThan(last.get(key) ?? 0);
      last.set(key, event.detail.sequence);
      expect(event.resources).toEqual([`cliniko:test-clinic:${key.replace('/', ':')}`]);
      expect(() => parseChangeEvent(event)).not.toThrow();
    }
    expect(new Set(publisher.events.map((e) => e.id)).size).toBe(publisher.events.length);
  });
});
