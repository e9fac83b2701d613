/**
 * A delete leaves the record in place with its `deleted_at` set: hidden from the default list, shown
 * where `deleted_at` is filterable and the query filters on it, and in the legacy `/deleted` feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { advance, bookAppointment, createPatient, quirkSimulator } from './quirks/quirk-sim.js';
import { api, items, q } from './sim-client.js';

let sim: RunningSimulator;
let appointmentId: string;
let patientId: string;
let deletedAt: string;

beforeAll(async () => {
  sim = await quirkSimulator(41);
  patientId = await createPatient(sim);
  appointmentId = await bookAppointment(sim, patientId);
  deletedAt = await advance(sim, 60);
  await api(sim, 'DELETE', `/individual_appointments/${appointmentId}`);
  await api(sim, 'DELETE', `/patients/${patientId}`);
});
afterAll(() => sim.close());

const ids = (reply: Awaited<ReturnType<typeof api>>, key: string) =>
  items(reply, key).map((r) => String(r.id));

describe('deleted records', () => {
  it('are hidden from the default list', async () => {
    const reply = await api(sim, 'GET', `/individual_appointments?${q(`id:=${appointmentId}`)}`);

    expect(ids(reply, 'individual_appointments')).toEqual([]);
  });

  it('are listed, with their deleted_at, when the query filters on deleted_at:*', async () => {
    const reply = await api(
      sim,
      'GET',
      `/individual_appointments?${q(`id:=${appointmentId}`, 'deleted_at:*')}`,
    );

    expect(items(reply, 'individual_appointments').map((r) => r.deleted_at)).toEqual([deletedAt]);
  });

  it('are listed by a range filter on deleted_at (the contract reading)', async () => {
    const reply = await api(sim, 'GET', `/individual_appointments?${q(`deleted_at:>=${deletedAt}`)}`);

    expect(ids(reply, 'individual_appointments')).toEqual([appointmentId]);
  });

  it('stay in the legacy /deleted feed', async () => {
    const reply = await api(sim, 'GET', `/individual_appointments/deleted?${q(`id:=${appointmentId}`)}`);

    expect(ids(reply, 'individual_appointments')).toEqual([appointmentId]);
  });

  it('answer 404 by id unless the query filters on deleted_at:*', async () => {
    const plain = await api(sim, 'GET', `/individual_appointments/${appointmentId}`);
    const revealed = await api(sim, 'GET', `/individual_appointments/${appointmentId}?${q('deleted_at:*')}`);

    expect(plain.status).toBe(404);
    expect(revealed.status).toBe(200);
  });

  it('are never listed where deleted_at is not filterable (patients)', async () => {
    const listed = await api(sim, 'GET', `/patients?${q(`id:=${patientId}`, 'archived_at:*')}`);
    const filtered = await api(sim, 'GET', `/patients?${q('deleted_at:*')}`);

    expect(ids(listed, 'patients')).toEqual([]);
    expect(filtered.status).toBe(400);
  });
});
