/**
 * Seeded records link only to records that exist: every `{links:{self}}` that names one record of a
 * served resource answers 200 (revealing archived, cancelled and deleted ones, as a client following
 * links to history would).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items, q } from './sim-client.js';
import { SERVED, specFilters } from './spec-resources.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 29, patients: 80, appointments: 120, rateLimitPerMinute: 100_000 });
});
afterAll(() => sim.close());

const reveal = (resource: string) =>
  q(
    ...['archived_at', 'cancelled_at', 'deleted_at']
      .filter((f) => f in specFilters(resource))
      .map((f) => `${f}:*`),
  );

/** The served resource and id a field's link names, when it names one record. */
function target(value: unknown): { resource: string; id: string } | undefined {
  const self = (value as { links?: { self?: unknown } } | null)?.links?.self;
  if (typeof self !== 'string' || !self.startsWith(sim.baseUrl)) return undefined;
  const [resource, id, ...rest] = self.slice(sim.baseUrl.length + 1).split('/');
  return resource && id && /^\d+$/.test(id) && rest.length === 0 && SERVED.includes(resource)
    ? { resource, id }
    : undefined;
}

/** Resources whose records link to no single record (only to collections, or to nothing). */
const UNLINKED = new Set([
  'businesses',
  'concession_types',
  'contacts',
  'patient_form_templates',
  'product_suppliers',
  'referral_source_types',
  'taxes',
  'treatment_note_templates',
  'users',
]);

describe('seeded links', () => {
  it.each(SERVED)('%s links only to records that exist', async (resource) => {
    const records = items(await api(sim, 'GET', `/${resource}?per_page=40&${reveal(resource)}`), resource);
    const dangling: string[] = [];
    let checked = 0;
    for (const record of records) {
      for (const [field, value] of Object.entries(record)) {
        const to = field === 'links' ? undefined : target(value);
        if (!to) continue;
        checked++;
        const reply = await api(sim, 'GET', `/${to.resource}/${to.id}?${reveal(to.resource)}`);
        if (reply.status !== 200) dangling.push(`${field} → ${to.resource}/${to.id} (${reply.status})`);
      }
    }
    expect(dangling).toEqual([]);
    if (!UNLINKED.has(resource)) expect(checked).toBeGreaterThan(0);
  });
});
