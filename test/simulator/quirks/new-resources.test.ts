/**
 * The quirks apply to the resources added in issue #13 as to the first eleven: lifecycle changes
 * that keep updated_at, status feeds that 404, range filters that do not reveal, hidden sub-second
 * order (touches and drift are covered with churn and the derived fields).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { api, control, items, q } from '../sim-client.js';
import { advance, quirkSimulator, T0 } from './quirk-sim.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function plant(world: RunningSimulator, resource: string): Promise<string> {
  return String((await control(world, 'POST', `records/${resource}`, {})).body.id);
}

describe('quirks on the new resources', () => {
  it('lifecycle-keeps-updated-at: archiving an unavailable block and deleting an invoice item leave updated_at', async () => {
    sim = await quirkSimulator(171, ['lifecycle-keeps-updated-at']);
    const block = await plant(sim, 'unavailable_blocks');
    const item = await plant(sim, 'invoice_items');
    const at = await advance(sim, 60);

    await api(sim, 'POST', `/unavailable_blocks/${block}/archive`);
    await api(sim, 'DELETE', `/invoice_items/${item}`);

    expect((await api(sim, 'GET', `/unavailable_blocks/${block}?${q('archived_at:*')}`)).body).toMatchObject({
      archived_at: at,
      updated_at: T0,
    });
    expect((await api(sim, 'GET', `/invoice_items/${item}?${q('deleted_at:*')}`)).body).toMatchObject({
      deleted_at: at,
      updated_at: T0,
    });
  });

  it('no-status-feeds: the legacy /deleted feeds of the new resources answer 404 with HTML', async () => {
    sim = await quirkSimulator(172);
    const before = await api(sim, 'GET', '/treatment_note_templates/deleted');
    await control(sim, 'POST', 'quirks', { enable: ['no-status-feeds'] });

    const after = await api(sim, 'GET', '/treatment_note_templates/deleted');

    expect(before.status).toBe(200);
    expect(after.status).toBe(404);
    expect(after.headers.get('content-type')).toContain('text/html');
    expect((await api(sim, 'GET', '/patient_cases/archived')).status).toBe(404);
  });

  it('range-filter-keeps-hidden: an archived patient case shows only with archived_at:*', async () => {
    sim = await quirkSimulator(173, ['range-filter-keeps-hidden']);
    const id = await plant(sim, 'patient_cases');
    const at = await advance(sim, 60);
    await api(sim, 'POST', `/patient_cases/${id}/archive`);

    const ranged = items(
      await api(sim, 'GET', `/patient_cases?${q(`archived_at:>=${at}`)}`),
      'patient_cases',
    );
    const starred = items(
      await api(sim, 'GET', `/patient_cases?${q('archived_at:*', `archived_at:>=${at}`)}`),
      'patient_cases',
    );

    expect(ranged).toEqual([]);
    expect(starred.map((c) => c.id)).toEqual([id]);
  });

  it('subsecond-order: communications written in one second sort by their hidden instant', async () => {
    const world = await quirkSimulator(174, ['subsecond-order']);
    sim = world;
    const patient = items(await api(world, 'GET', '/patients?per_page=1'), 'patients')[0]?.id;
    const memo = async () =>
      String(
        (
          await api(world, 'POST', '/communications', {
            patient_id: patient,
            type_code: 3,
            content: 'Called',
          })
        ).body.id,
      );
    const since = await advance(world, 60);
    const first = await memo();
    const second = await memo();
    await api(world, 'PATCH', `/communications/${first}`, { content: 'Edited last' });

    const reply = await api(world, 'GET', `/communications?sort=updated_at&${q(`updated_at:>=${since}`)}`);

    expect(items(reply, 'communications').map((c) => c.id)).toEqual([second, first]);
  });
});
