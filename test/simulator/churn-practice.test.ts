/**
 * Churn of the resources added in issue #13: at a clinic's rates (the diary, forms, invoice lines
 * and communications often; reference data rarely), through the one write path, so every change is
 * in the changelog and an updated_at filter finds it.
 */
import { describe, expect, it } from 'vitest';
import { ControllableClock, type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items, q } from './sim-client.js';
import { specFilters } from './spec-resources.js';

const T0 = '2026-06-01T09:00:00Z';

async function churned(seed: number, steps: number, quirks: 'touch-without-change'[] = []) {
  const clock = new ControllableClock();
  clock.set(Date.parse(T0));
  const sim = await startSimulator({ seed, patients: 60, appointments: 120, clock, quirks });
  sim.churn(steps);
  return sim;
}

const count = (sim: RunningSimulator, resource: string, action?: string) =>
  sim.changes().filter((c) => c.resource === resource && (action === undefined || c.action === action))
    .length;

const OFTEN = ['unavailable_blocks', 'patient_forms', 'invoice_items', 'communications'];
const RARELY = ['taxes', 'billable_items', 'products', 'users', 'concession_prices', 'daily_availabilities'];

describe('churn of the new resources', () => {
  it('often adds unavailable blocks, completed forms, invoice lines and communications; rarely touches reference data', async () => {
    const sim = await churned(161, 1500);
    try {
      const often = OFTEN.map((resource) => count(sim, resource));
      const rarely = RARELY.reduce((total, resource) => total + count(sim, resource), 0);

      expect(count(sim, 'unavailable_blocks', 'created')).toBeGreaterThan(20);
      expect(count(sim, 'patient_forms', 'updated')).toBeGreaterThan(10);
      expect(count(sim, 'invoice_items', 'created')).toBeGreaterThan(20);
      expect(count(sim, 'communications', 'created')).toBeGreaterThan(20);
      for (const n of often) expect(n).toBeGreaterThan(rarely / 2);
      expect(rarely).toBeGreaterThan(0);
    } finally {
      await sim.close();
    }
  });

  it('archives and deletes some, processes uploads and books patients under their cases', async () => {
    const sim = await churned(162, 1500);
    try {
      expect(count(sim, 'unavailable_blocks', 'archived')).toBeGreaterThan(0);
      expect(count(sim, 'unavailable_blocks', 'deleted')).toBeGreaterThan(0);
      expect(count(sim, 'communications', 'archived')).toBeGreaterThan(0);
      expect(count(sim, 'patient_attachments', 'updated')).toBeGreaterThan(0);
      expect(count(sim, 'stock_adjustments', 'created')).toBeGreaterThan(0);
      expect(sim.changes().some((c) => c.resource === 'attendees' && c.action === 'updated')).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('stamps updated_at on every changed record so an updated_at filter finds it', async () => {
    const sim = await churned(163, 600);
    try {
      // A deleted record is listed only where deleted_at is filterable (and the query reveals it).
      const listable = (resource: string, action: string) =>
        action !== 'deleted' || 'deleted_at' in specFilters(resource);
      const changed = new Map<string, Set<string>>();
      for (const c of sim.changes().filter((change) => listable(change.resource, change.action))) {
        changed.set(c.resource, (changed.get(c.resource) ?? new Set()).add(c.id));
      }
      for (const resource of [...OFTEN, 'patient_attachments', 'patient_cases']) {
        const reveal = ['archived_at', 'deleted_at']
          .filter((f) => f in specFilters(resource))
          .map((f) => `${f}:*`);
        const found = new Set<string>();
        for (let page = 1; page <= 5; page++) {
          const reply = await api(
            sim,
            'GET',
            `/${resource}?per_page=100&page=${page}&${q(`updated_at:>=${T0}`, ...reveal)}`,
          );
          for (const record of items(reply, resource)) found.add(String(record.id));
        }
        expect(found, resource).toEqual(changed.get(resource) ?? new Set());
      }
    } finally {
      await sim.close();
    }
  });

  it('with touch-without-change, touches new resources too (concession types change no other way)', async () => {
    const quiet = await churned(164, 1500);
    const touched = await churned(164, 1500, ['touch-without-change']);
    try {
      expect(count(quiet, 'concession_types')).toBe(0);
      expect(count(touched, 'concession_types', 'updated')).toBeGreaterThan(0);
    } finally {
      await quiet.close();
      await touched.close();
    }
  });
});
