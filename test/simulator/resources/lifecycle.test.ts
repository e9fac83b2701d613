/**
 * Lifecycle actions of the resources added in issue #13, over real HTTP: archive and unarchive
 * (hidden by default, revealed by `archived_at:*`), delete that leaves `deleted_at` (hidden,
 * revealed by `deleted_at:*`, in the legacy `/deleted` feed) or nothing, and 404 for the actions a
 * resource does not have — each change logged with its action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { advance, quirkSimulator } from '../quirks/quirk-sim.js';
import { api, control, items, q } from '../sim-client.js';
import { SERVED } from '../spec-resources.js';
import { LIFECYCLE } from './write-cases.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await quirkSimulator(132);
});
afterAll(() => sim.close());

const lastChange = () => sim.changes().at(-1);

async function plant(resource: string): Promise<string> {
  const reply = await control(sim, 'POST', `records/${resource}`, {});
  if (reply.status !== 201) throw new Error(`planting ${resource} answered ${reply.status}`);
  return String(reply.body.id);
}

async function listed(resource: string, id: string, ...filters: string[]) {
  return items(await api(sim, 'GET', `/${resource}?${q(`id:=${id}`, ...filters)}`), resource);
}

describe.each(Object.entries(LIFECYCLE))('%s', (resource, lifecycle) => {
  if (lifecycle.archive) {
    it('archives (hidden unless archived_at:*) and unarchives, logged archived then restored', async () => {
      const id = await plant(resource);
      const at = await advance(sim, 60);

      expect((await api(sim, 'POST', `/${resource}/${id}/archive`)).status).toBe(204);
      const archived = lastChange();
      const hidden = await listed(resource, id);
      const revealed = await listed(resource, id, 'archived_at:*');
      const byId = await api(sim, 'GET', `/${resource}/${id}`);
      const byIdRevealed = await api(sim, 'GET', `/${resource}/${id}?${q('archived_at:*')}`);
      expect((await api(sim, 'POST', `/${resource}/${id}/unarchive`)).status).toBe(204);

      expect(archived).toMatchObject({ resource, id, action: 'archived', at });
      expect(hidden).toEqual([]);
      expect(revealed.map((r) => r.archived_at)).toEqual([at]);
      expect(byId.status).toBe(404);
      expect(byIdRevealed.body.archived_at).toBe(at);
      expect(lastChange()).toMatchObject({ resource, id, action: 'restored' });
      expect(await listed(resource, id)).toHaveLength(1);
    });
  } else {
    it('has no archive: POST …/archive answers 404', async () => {
      const id = await plant(resource);

      expect((await api(sim, 'POST', `/${resource}/${id}/archive`)).status).toBe(404);
      expect((await api(sim, 'POST', `/${resource}/${id}/unarchive`)).status).toBe(404);
    });
  }

  if (lifecycle.delete === 'deleted_at') {
    it('deletes leaving deleted_at: hidden unless deleted_at:*, in the /deleted feed, logged deleted', async () => {
      const id = await plant(resource);
      const at = await advance(sim, 60);

      expect((await api(sim, 'DELETE', `/${resource}/${id}`)).status).toBe(204);

      expect(lastChange()).toMatchObject({ resource, id, action: 'deleted', updated_at: at });
      expect(await listed(resource, id)).toEqual([]);
      expect((await listed(resource, id, 'deleted_at:*')).map((r) => r.deleted_at)).toEqual([at]);
      expect((await api(sim, 'GET', `/${resource}/${id}`)).status).toBe(404);
      expect((await api(sim, 'GET', `/${resource}/${id}?${q('deleted_at:*')}`)).status).toBe(200);
      const feed = items(await api(sim, 'GET', `/${resource}/deleted?${q(`id:=${id}`)}`), resource);
      expect(feed.map((r) => r.id)).toEqual([id]);
    });
  } else if (lifecycle.delete === 'nothing') {
    it('deletes leaving no trace: gone from every list and read, logged deleted', async () => {
      const id = await plant(resource);
      const at = await advance(sim, 60);
      const reveal = lifecycle.archive ? ['archived_at:*'] : [];

      expect((await api(sim, 'DELETE', `/${resource}/${id}`)).status).toBe(204);

      expect(lastChange()).toMatchObject({ resource, id, action: 'deleted', updated_at: at });
      expect(await listed(resource, id, ...reveal)).toEqual([]);
      expect((await api(sim, 'GET', `/${resource}/${id}`)).status).toBe(404);
      expect((await api(sim, 'PATCH', `/${resource}/${id}`, {})).status).toBe(404);
      const traced = await control(
        sim,
        'DELETE',
        `records/${resource}/${await plant(resource)}?trace=deleted_at`,
      );
      expect(traced.status).toBe(400);
    });
  } else {
    it('has no delete: DELETE answers 404 and changes nothing', async () => {
      const id = await plant(resource);
      const seq = sim.changes().length;

      expect((await api(sim, 'DELETE', `/${resource}/${id}`)).status).toBe(404);
      expect(sim.changes(seq)).toEqual([]);
      expect((await api(sim, 'GET', `/${resource}/${id}`)).status).toBe(200);
    });
  }

  it('has no cancel: PATCH …/cancel answers 404', async () => {
    const id = await plant(resource);

    expect((await api(sim, 'PATCH', `/${resource}/${id}/cancel`, { cancellation_reason: 10 })).status).toBe(
      404,
    );
  });
});

describe('the lifecycle table', () => {
  it('covers every resource added in issue #13 (all served resources but the first eleven and the bookings view)', () => {
    const first = ['appointment_types', 'attendees', 'businesses', 'contacts', 'group_appointments'];
    const more = ['individual_appointments', 'invoices', 'medical_alerts', 'patients', 'practitioners'];
    const eleven = new Set([...first, ...more, 'treatment_notes']);

    const added = SERVED.filter((name) => !eleven.has(name) && name !== 'bookings');

    expect(Object.keys(LIFECYCLE).sort()).toEqual(added);
  });
});
