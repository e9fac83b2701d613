import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { api, items, q } from '../sim-client.js';
import { advance, bookAppointment, createPatient, quirkSimulator } from './quirk-sim.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A patient archived, an appointment cancelled and one deleted at the returned instant. */
async function lifecycleWorld(quirky: boolean) {
  const world = await quirkSimulator(51, quirky ? ['range-filter-keeps-hidden'] : []);
  sim = world;
  const patient = await createPatient(world);
  const cancelled = await bookAppointment(world, patient);
  const deleted = await bookAppointment(world, patient);
  const at = await advance(world, 60);
  await api(world, 'POST', `/patients/${patient}/archive`);
  await api(world, 'PATCH', `/individual_appointments/${cancelled}/cancel`, { cancellation_reason: 50 });
  await api(world, 'DELETE', `/individual_appointments/${deleted}`);
  return { world, at, patient, cancelled, deleted };
}

async function listed(world: RunningSimulator, resource: string, ...filters: string[]): Promise<string[]> {
  const reply = await api(world, 'GET', `/${resource}?${q(...filters)}&per_page=100`);
  expect(reply.status).toBe(200);
  return items(reply, resource).map((r) => String(r.id));
}

describe('range-filter-keeps-hidden', () => {
  it('keeps archived, cancelled and deleted records hidden from a range filter on their own timestamp', async () => {
    const { world, at } = await lifecycleWorld(true);

    expect(await listed(world, 'patients', `archived_at:>=${at}`)).toEqual([]);
    expect(await listed(world, 'individual_appointments', `cancelled_at:>=${at}`)).toEqual([]);
    expect(await listed(world, 'individual_appointments', `deleted_at:>=${at}`)).toEqual([]);
    expect(await listed(world, 'individual_appointments', 'deleted_at:?')).toEqual([]);
  });

  it('still reveals them when the range filter comes with * on the same field', async () => {
    const { world, at, patient, cancelled, deleted } = await lifecycleWorld(true);

    expect(await listed(world, 'patients', 'archived_at:*', `archived_at:>=${at}`)).toEqual([patient]);
    expect(await listed(world, 'individual_appointments', 'cancelled_at:*', `cancelled_at:>=${at}`)).toEqual([
      cancelled,
    ]);
    expect(await listed(world, 'individual_appointments', 'deleted_at:*', `deleted_at:>=${at}`)).toEqual([
      deleted,
    ]);
  });

  it('lets a range filter reveal them while the quirk is off', async () => {
    const { world, at, patient, cancelled, deleted } = await lifecycleWorld(false);

    expect(await listed(world, 'patients', `archived_at:>=${at}`)).toEqual([patient]);
    expect(await listed(world, 'individual_appointments', `cancelled_at:>=${at}`)).toEqual([cancelled]);
    expect(await listed(world, 'individual_appointments', `deleted_at:>=${at}`)).toEqual([deleted]);
  });
});
