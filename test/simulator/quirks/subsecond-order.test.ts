import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { compareIdentifiers } from '../../../simulator/query/index.js';
import { api, items, q } from '../sim-client.js';
import { createPatient, quirkSimulator, T0 } from './quirk-sim.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** Six patients created in one (frozen) second, in creation order. */
async function sameSecond(quirky: boolean): Promise<{ world: RunningSimulator; created: string[] }> {
  const world = await quirkSimulator(81, quirky ? ['subsecond-order'] : []);
  sim = world;
  const created: string[] = [];
  for (let i = 0; i < 6; i++) created.push(await createPatient(world, 'Same', `Second ${i}`));
  return { world, created };
}

async function order(world: RunningSimulator, sort: string): Promise<string[]> {
  const reply = await api(world, 'GET', `/patients?${q(`updated_at:>=${T0}`)}&sort=${sort}`);
  return items(reply, 'patients').map((p) => String(p.id));
}

const byId = (ids: readonly string[]) => [...ids].sort(compareIdentifiers);

describe('subsecond-order', () => {
  it('orders records of one second by when they were written, not by id', async () => {
    const { world, created } = await sameSecond(true);

    expect(created).not.toEqual(byId(created));
    expect(await order(world, 'updated_at')).toEqual(created);
    expect(await order(world, 'updated_at,id')).toEqual(created);
    expect(await order(world, 'updated_at:desc')).toEqual([...created].reverse());
  });

  it('moves a record rewritten in the same second behind the others', async () => {
    const { world, created } = await sameSecond(true);
    const [first, ...others] = created;

    await api(world, 'PATCH', `/patients/${String(first)}`, { notes: 'rewritten' });

    expect(await order(world, 'updated_at')).toEqual([...others, first]);
  });

  it('orders them by id while the quirk is off', async () => {
    const { world, created } = await sameSecond(false);

    expect(await order(world, 'updated_at')).toEqual(byId(created));
    expect(await order(world, 'updated_at,id')).toEqual(byId(created));
  });

  it('never shows the hidden instant: updated_at keeps whole seconds', async () => {
    const { world } = await sameSecond(true);

    const reply = await api(world, 'GET', `/patients?${q(`updated_at:>=${T0}`)}&sort=updated_at`);

    expect(items(reply, 'patients').every((p) => p.updated_at === T0)).toBe(true);
  });
});
