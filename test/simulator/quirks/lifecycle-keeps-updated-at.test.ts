import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { api, q } from '../sim-client.js';
import { advance, bookAppointment, createPatient, quirkSimulator, setQuirks, T0 } from './quirk-sim.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const reveal = q('archived_at:*');

describe('lifecycle-keeps-updated-at', () => {
  it('archives and unarchives a patient without moving its updated_at', async () => {
    sim = await quirkSimulator(31, ['lifecycle-keeps-updated-at']);
    const id = await createPatient(sim);
    const archivedAt = await advance(sim, 60);

    await api(sim, 'POST', `/patients/${id}/archive`);
    const archived = (await api(sim, 'GET', `/patients/${id}?${reveal}`)).body;
    await advance(sim, 60);
    await api(sim, 'POST', `/patients/${id}/unarchive`);
    const restored = (await api(sim, 'GET', `/patients/${id}`)).body;

    expect(archived.archived_at).toBe(archivedAt);
    expect(archived.updated_at).toBe(T0);
    expect(restored.archived_at).toBeNull();
    expect(restored.updated_at).toBe(T0);
  });

  it('cancels and deletes an appointment without moving its updated_at', async () => {
    sim = await quirkSimulator(32, ['lifecycle-keeps-updated-at']);
    const cancelledId = await bookAppointment(sim, await createPatient(sim));
    const deletedId = await bookAppointment(sim, await createPatient(sim));
    const later = await advance(sim, 90);

    await api(sim, 'PATCH', `/individual_appointments/${cancelledId}/cancel`, { cancellation_reason: 40 });
    await api(sim, 'DELETE', `/individual_appointments/${deletedId}`);
    const cancelled = (
      await api(sim, 'GET', `/individual_appointments/${cancelledId}?${q('cancelled_at:*')}`)
    ).body;
    const deleted = (await api(sim, 'GET', `/individual_appointments/${deletedId}?${q('deleted_at:*')}`))
      .body;

    expect(cancelled.cancelled_at).toBe(later);
    expect(cancelled.updated_at).toBe(T0);
    expect(deleted.deleted_at).toBe(later);
    expect(deleted.updated_at).toBe(T0);
  });

  it('logs the lifecycle change with the record updated_at and the time it was committed', async () => {
    sim = await quirkSimulator(33, ['lifecycle-keeps-updated-at']);
    const id = await createPatient(sim);
    const later = await advance(sim, 30);
    const seq = sim.changes().length;

    await api(sim, 'POST', `/patients/${id}/archive`);
    await api(sim, 'DELETE', `/patients/${id}`);

    expect(sim.changes(seq).map(({ action, updated_at, at }) => ({ action, updated_at, at }))).toEqual([
      { action: 'archived', updated_at: T0, at: later },
      { action: 'deleted', updated_at: later, at: later },
    ]);
  });

  it('moves updated_at on every lifecycle change while the quirk is off', async () => {
    sim = await quirkSimulator(34);
    const id = await createPatient(sim);
    const later = await advance(sim, 60);

    await api(sim, 'POST', `/patients/${id}/archive`);
    const archived = (await api(sim, 'GET', `/patients/${id}?${reveal}`)).body;

    expect(archived.updated_at).toBe(later);
  });

  it('applies from the next write once switched on at runtime', async () => {
    sim = await quirkSimulator(35);
    const id = await createPatient(sim);
    await advance(sim, 60);

    await setQuirks(sim, { enable: ['lifecycle-keeps-updated-at'] });
    await api(sim, 'POST', `/patients/${id}/archive`);
    const archived = (await api(sim, 'GET', `/patients/${id}?${reveal}`)).body;

    expect(archived.updated_at).toBe(T0);
  });
});
