/** Practitioners carry `active`; the ordinary list shows active ones, `/practitioners/inactive` the others. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items } from './sim-client.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 19, patients: 200, appointments: 20 });
});
afterAll(() => sim.close());

describe('active and inactive practitioners', () => {
  it('lists only active practitioners by default', async () => {
    const listed = items(await api(sim, 'GET', '/practitioners?per_page=100'), 'practitioners');

    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((p) => p.active === true)).toBe(true);
  });

  it('lists the inactive ones at /practitioners/inactive, with the same filters', async () => {
    const inactive = items(await api(sim, 'GET', '/practitioners/inactive?per_page=100'), 'practitioners');
    const byId = await api(sim, 'GET', `/practitioners/inactive?q[]=id:=${String(inactive[0]?.id)}`);

    expect(inactive.length).toBeGreaterThan(0);
    expect(inactive.every((p) => p.active === false)).toBe(true);
    expect(items(byId, 'practitioners')).toHaveLength(1);
  });

  it('still answers an inactive practitioner by id, as links to it must resolve', async () => {
    const inactive = items(await api(sim, 'GET', '/practitioners/inactive'), 'practitioners');

    const reply = await api(sim, 'GET', `/practitioners/${String(inactive[0]?.id)}`);

    expect(reply.status).toBe(200);
    expect(reply.body.active).toBe(false);
  });
});
