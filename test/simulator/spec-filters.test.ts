/**
 * Every list accepts exactly the `q[]` filters the 2023 spec documents for it (the committed fixture
 * `fixtures/spec-2023-lists.json`), and stays strict about every other field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, q } from './sim-client.js';
import { SERVED, specFilters } from './spec-resources.js';

/** A filter every field of the type accepts. */
function sample(field: string, type: string): string {
  switch (type) {
    case 'boolean':
      return `${field}:=true`;
    case 'array':
      return `${field}:~123`;
    case 'date':
      return `${field}:>=2020-01-01`;
    case 'date-time':
      return `${field}:>=2020-01-01T00:00:00Z`;
    case 'decimal':
      return `${field}:>=12.5`;
    case 'int64':
    case 'integer':
      return `${field}:>=1`;
    default:
      return `${field}:?`;
  }
}

const everyFilter = [...new Set(SERVED.flatMap((name) => Object.keys(specFilters(name))))];

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 17, patients: 10, appointments: 10, rateLimitPerMinute: 100_000 });
});
afterAll(() => sim.close());

describe('list filters of the 2023 spec', () => {
  for (const resource of SERVED) {
    it(`${resource} accepts every filter the spec lists for it`, async () => {
      const filters = Object.entries(specFilters(resource));
      // created_at, id and updated_at at least
      expect(filters.length).toBeGreaterThanOrEqual(3);
      const refused: string[] = [];
      for (const [field, type] of filters) {
        const reply = await api(sim, 'GET', `/${resource}?${q(sample(field, type))}`);
        if (reply.status !== 200) refused.push(`${field} (${reply.status} ${reply.text})`);
      }
      expect(refused).toEqual([]);
    });

    it(`${resource} answers "This column is not searchable." for any other field`, async () => {
      const own = specFilters(resource);
      const others = [...everyFilter.filter((field) => !(field in own)), 'notes'];
      const accepted: string[] = [];
      for (const field of others) {
        const reply = await api(sim, 'GET', `/${resource}?${q(`${field}:?`)}`);
        if (reply.status !== 400 || reply.body.message !== 'This column is not searchable.')
          accepted.push(field);
      }
      expect(accepted).toEqual([]);
    });
  }
});
