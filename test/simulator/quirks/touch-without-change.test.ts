import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { api, items, q } from '../sim-client.js';
import { quirkSimulator, T0 } from './quirk-sim.js';

/** Resources churn never edits: any `updated` entry for one of them is a background touch. */
const UNEDITED = ['practitioners', 'businesses', 'appointment_types'] as const;

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function snapshot(world: RunningSimulator): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const resource of UNEDITED) {
    const reveal = resource === 'practitioners' ? '' : `&${q('archived_at:*')}`;
    for (const path of resource === 'practitioners'
      ? ['/practitioners', '/practitioners/inactive']
      : [`/${resource}`]) {
      const reply = await api(world, 'GET', `${path}?per_page=100${reveal}`);
      for (const record of items(reply, resource)) out.set(`${resource}/${String(record.id)}`, record);
    }
  }
  return out;
}

const touchesIn = (world: RunningSimulator) =>
  world.changes().filter((c) => (UNEDITED as readonly string[]).includes(c.resource));

describe('touch-without-change', () => {
  it('makes churn bump updated_at of records whose content stays the same, logged as updated', async () => {
    sim = await quirkSimulator(91, ['touch-without-change']);
    const before = await snapshot(sim);

    sim.churn(1_000);
    const after = await snapshot(sim);
    const touches = touchesIn(sim);

    expect(touches.length).toBeGreaterThan(0);
    for (const touch of touches) {
      const key = `${touch.resource}/${touch.id}`;
      const { updated_at: was, ...content } = before.get(key) ?? {};
      const { updated_at: now, ...contentNow } = after.get(key) ?? {};
      expect(touch.action, key).toBe('updated');
      expect(now, key).toBe(T0);
      expect(was, key).not.toBe(T0);
      expect(contentNow, key).toEqual(content);
    }
  });

  it('lets an updated_at filter find the touched records', async () => {
    sim = await quirkSimulator(92, ['touch-without-change']);

    sim.churn(1_000);
    const touched = new Set(
      touchesIn(sim)
        .filter((c) => c.resource === 'businesses')
        .map((c) => c.id),
    );
    const reply = await api(sim, 'GET', `/businesses?${q(`updated_at:>=${T0}`, 'archived_at:*')}`);

    expect(touched.size).toBeGreaterThan(0);
    expect(new Set(items(reply, 'businesses').map((b) => String(b.id)))).toEqual(touched);
  });

  it('never touches while the quirk is off', async () => {
    sim = await quirkSimulator(91);

    sim.churn(1_000);

    expect(touchesIn(sim)).toEqual([]);
  });
});
