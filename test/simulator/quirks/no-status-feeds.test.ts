import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { api } from '../sim-client.js';
import { quirkSimulator, setQuirks } from './quirk-sim.js';

const FEEDS = [
  '/patients/deleted',
  '/patients/archived',
  '/individual_appointments/deleted',
  '/individual_appointments/cancelled',
  '/attendees/cancelled',
  '/appointment_types/archived',
  '/invoices/deleted',
];

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('no-status-feeds', () => {
  it('answers every legacy status feed with the HTML 404 of an unknown route', async () => {
    sim = await quirkSimulator(61, ['no-status-feeds']);
    const unknown = await api(sim, 'GET', '/no_such_resource');

    for (const feed of FEEDS) {
      const reply = await api(sim, 'GET', feed);
      expect(reply.status, feed).toBe(404);
      expect(reply.headers.get('content-type'), feed).toContain('text/html');
      expect(reply.text, feed).toBe(unknown.text);
    }
  });

  it('keeps /practitioners/inactive, which the current spec lists', async () => {
    sim = await quirkSimulator(62, ['no-status-feeds']);

    expect((await api(sim, 'GET', '/practitioners/inactive')).status).toBe(200);
  });

  it('serves the feeds again once the quirk is switched off', async () => {
    sim = await quirkSimulator(63, ['no-status-feeds']);

    await setQuirks(sim, { disable: ['no-status-feeds'] });

    for (const feed of FEEDS) expect((await api(sim, 'GET', feed)).status, feed).toBe(200);
  });
});
