import { describe, expect, it } from 'vitest';
import { ControllableClock, startSimulator } from '../../simulator/index.js';
import { api, items, q } from './sim-client.js';

async function churnLog(seed: number) {
  const clock = new ControllableClock();
  clock.set(Date.parse('2026-06-01T09:00:00Z'));
  const sim = await startSimulator({ seed, patients: 40, appointments: 60, accounts: 2, clock });
  try {
    sim.churn(300);
    return sim.changes().map(({ account, resource, id, action, updated_at }) => ({
      account,
      resource,
      id,
      action,
      updated_at,
    }));
  } finally {
    await sim.close();
  }
}

describe('churn', () => {
  it('produces the same changes for the same seed and clock', async () => {
    expect(await churnLog(12)).toEqual(await churnLog(12));
  });

  it('mixes creations, edits, cancellations, archives and deletes across resources', async () => {
    const log = await churnLog(13);
    const actions = new Set(log.map((c) => c.action));
    const resources = new Set(log.map((c) => c.resource));
    for (const action of ['created', 'updated', 'cancelled', 'archived', 'deleted'])
      expect(actions).toContain(action);
    for (const resource of ['patients', 'individual_appointments', 'invoices', 'treatment_notes']) {
      expect(resources).toContain(resource);
    }
    expect(log.every((c) => c.updated_at === '2026-06-01T09:00:00Z')).toBe(true);
  });

  it('stamps updated_at on changed records so an updated_at filter finds them', async () => {
    const clock = new ControllableClock();
    clock.set(Date.parse('2026-06-01T09:00:00Z'));
    const sim = await startSimulator({ seed: 14, patients: 30, appointments: 30, clock });
    try {
      sim.churn(100);
      const changedPatients = new Set(
        sim
          .changes()
          .filter((c) => c.resource === 'patients' && c.action !== 'deleted')
          .map((c) => c.id),
      );
      const reply = await api(
        sim,
        'GET',
        `/patients?${q('updated_at:>=2026-06-01T09:00:00Z', 'archived_at:*')}&per_page=100`,
      );
      expect(new Set(items(reply, 'patients').map((p) => String(p.id)))).toEqual(changedPatients);
    } finally {
      await sim.close();
    }
  });
});
