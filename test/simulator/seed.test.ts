import { describe, expect, it } from 'vitest';
import { startSimulator } from '../../simulator/index.js';
import { api, items, linkId } from './sim-client.js';
import { SERVED } from './spec-resources.js';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

async function snapshot(seed: number): Promise<{ keys: readonly string[]; data: Record<string, unknown[]> }> {
  const sim = await startSimulator({ seed, patients: 25, appointments: 30 });
  try {
    const data: Record<string, unknown[]> = {};
    for (const name of SERVED) {
      const reply = await api(sim, 'GET', `/${name}?per_page=100`);
      // Links carry the port, which differs between runs; compare everything else.
      data[name] = JSON.parse(JSON.stringify(items(reply, name)).replaceAll(sim.baseUrl, 'BASE'));
    }
    return { keys: sim.apiKeys, data };
  } finally {
    await sim.close();
  }
}

describe('seeded data', () => {
  it('is the same for the same seed, keys included', async () => {
    const first = await snapshot(42);
    const second = await snapshot(42);
    expect(second).toEqual(first);
  });

  it('differs for another seed', async () => {
    const first = await snapshot(42);
    const other = await snapshot(43);
    expect(other.keys).not.toEqual(first.keys);
    expect(other.data.patients).not.toEqual(first.data.patients);
  });

  it('fills every resource with 18–19 digit string ids and second-precision UTC timestamps', async () => {
    const { data } = await snapshot(9);
    for (const name of SERVED) {
      const records = (data[name] ?? []) as Record<string, unknown>[];
      expect(records.length, name).toBeGreaterThan(0);
      for (const record of records) {
        expect(record.id, name).toMatch(/^\d{18,19}$/);
        expect(record.created_at, name).toMatch(TIMESTAMP);
        expect(record.updated_at, name).toMatch(TIMESTAMP);
        expect(String(record.updated_at) >= String(record.created_at), name).toBe(true);
      }
    }
  });

  it('links only to records that exist', async () => {
    const sim = await startSimulator({ seed: 4, patients: 20, appointments: 20 });
    try {
      const appointments = items(
        await api(sim, 'GET', '/individual_appointments?per_page=20'),
        'individual_appointments',
      );
      for (const appointment of appointments.slice(0, 5)) {
        for (const [field, path] of [
          ['patient', 'patients'],
          ['practitioner', 'practitioners'],
          ['business', 'businesses'],
        ] as const) {
          const reveal = path === 'practitioners' ? '' : '?q[]=archived_at:*';
          const reply = await api(sim, 'GET', `/${path}/${linkId(appointment[field])}${reveal}`);
          expect(reply.status, field).toBe(200);
        }
      }
    } finally {
      await sim.close();
    }
  });

  it("lists the patients of each group appointment's attendees in patient_ids", async () => {
    const sim = await startSimulator({ seed: 6, patients: 20, appointments: 100 });
    try {
      const attendees = items(await api(sim, 'GET', '/attendees?per_page=100'), 'attendees');
      const groups = items(
        await api(sim, 'GET', `/group_appointments?per_page=100&q[]=archived_at:*`),
        'group_appointments',
      );
      // Attendees of individual appointments are listed too; take the first of a group appointment.
      const first = attendees.find((a) => groups.some((g) => String(g.id) === linkId(a.booking)));
      const group = groups.find((g) => String(g.id) === linkId(first?.booking));
      expect(first).toBeDefined();
      expect(group?.patient_ids).toContain(linkId(first?.patient));
    } finally {
      await sim.close();
    }
  });

  it('keeps accounts isolated: separate keys, data and writes', async () => {
    const sim = await startSimulator({ seed: 8, patients: 10, appointments: 10, accounts: 2 });
    try {
      const [keyA, keyB] = sim.apiKeys;
      const created = await api(sim, 'POST', '/patients', { first_name: 'Only', last_name: 'InA' }, keyA);
      const id = String(created.body.id);
      const idsA = items(await api(sim, 'GET', '/patients?per_page=100', undefined, keyA), 'patients').map(
        (p) => p.id,
      );
      const idsB = items(await api(sim, 'GET', '/patients?per_page=100', undefined, keyB), 'patients').map(
        (p) => p.id,
      );
      expect(keyA).not.toBe(keyB);
      expect(sim.accounts.map((a) => a.id)).toEqual(['clinic-1', 'clinic-2']);
      expect(idsA.filter((x) => idsB.includes(x))).toEqual([]);
      expect((await api(sim, 'GET', `/patients/${id}`, undefined, keyB)).status).toBe(404);
      expect(sim.changes().at(-1)?.account).toBe('clinic-1');
    } finally {
      await sim.close();
    }
  });
});
