import { afterEach, describe, expect, it } from 'vitest';
import { QUIRKS, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { control } from './sim-client.js';

const ALL = [
  'lifecycle-keeps-updated-at',
  'no-status-feeds',
  'range-filter-keeps-hidden',
  'touch-without-change',
  'derived-field-drift',
  'subsecond-order',
];

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('quirk control', () => {
  it('starts with no quirk and lists the six available ones', async () => {
    sim = await startSimulator({ seed: 1, patients: 5, appointments: 5 });

    const reply = await control(sim, 'GET', 'quirks');

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ enabled: [], available: ALL });
    expect(QUIRKS).toEqual(ALL);
  });

  it('starts with the quirks it is given', async () => {
    sim = await startSimulator({ seed: 1, patients: 5, appointments: 5, quirks: ['subsecond-order'] });

    const reply = await control(sim, 'GET', 'quirks');

    expect(reply.body.enabled).toEqual(['subsecond-order']);
    expect(sim.quirks.enabled()).toEqual(['subsecond-order']);
  });

  it('enables and disables quirks at runtime, answering the new state', async () => {
    sim = await startSimulator({ seed: 1, patients: 5, appointments: 5, quirks: ['subsecond-order'] });

    const changed = await control(sim, 'POST', 'quirks', {
      enable: ['no-status-feeds', 'lifecycle-keeps-updated-at'],
      disable: ['subsecond-order'],
    });
    const read = await control(sim, 'GET', 'quirks');

    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({
      enabled: ['lifecycle-keeps-updated-at', 'no-status-feeds'],
      available: ALL,
    });
    expect(read.body).toEqual(changed.body);
  });

  it('rejects an unknown quirk with 400 naming the valid ones, changing nothing', async () => {
    sim = await startSimulator({ seed: 1, patients: 5, appointments: 5 });

    const reply = await control(sim, 'POST', 'quirks', { enable: ['no-status-feeds', 'slow-mondays'] });
    const read = await control(sim, 'GET', 'quirks');

    expect(reply.status).toBe(400);
    expect(String(reply.body.message)).toContain('slow-mondays');
    for (const name of ALL) expect(String(reply.body.message)).toContain(name);
    expect(read.body.enabled).toEqual([]);
  });

  it('rejects a body that is not {"enable":[…],"disable":[…]} with 400', async () => {
    sim = await startSimulator({ seed: 1, patients: 5, appointments: 5 });

    for (const body of [{ enable: 'no-status-feeds' }, { on: ['no-status-feeds'] }, ['no-status-feeds']]) {
      expect((await control(sim, 'POST', 'quirks', body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('refuses an unknown quirk at start', async () => {
    await expect(
      startSimulator({ seed: 1, patients: 5, appointments: 5, quirks: ['slow-mondays' as never] }),
    ).rejects.toThrow(/slow-mondays/);
  });
});
