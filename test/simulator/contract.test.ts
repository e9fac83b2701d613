/**
 * The simulator's records have the shape of Cliniko's documented examples: every field of
 * `cliniko-examples/<resource>.get.json` exists with the same JSON type.
 *
 * Allowed differences: ids (the examples mix integers and strings; real ids are strings), link
 * objects (a link the simulator has no target for is null), and null where the example shows null
 * or "" (patients' lifecycle timestamps are "" in the old docs and null in the modern API). The
 * simulator also sends newer fields the old examples lack (archived_at, merged_at, …).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items, q } from './sim-client.js';

const here = dirname(fileURLToPath(import.meta.url));
// Field name → JSON type of each documented example, derived by scripts/derive-example-shapes.ts
// (names and types only; no example values are kept).
const SHAPES = JSON.parse(readFileSync(join(here, 'fixtures/example-shapes.json'), 'utf8')) as Record<
  string,
  Record<string, string>
>;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const isLink = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && 'links' in (value as Record<string, unknown>);

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ seed: 21, patients: 60, appointments: 60 });
});
afterAll(() => sim.close());

describe('record shapes match the Cliniko examples', () => {
  // The resources Cliniko's old docs have a single-record example for.
  for (const resource of Object.keys(SHAPES)) {
    it(`${resource} has every example field with the example's JSON type`, async () => {
      const shape = SHAPES[resource] ?? {};
      expect(Object.keys(shape).length).toBeGreaterThan(3);
      const records = items(
        await api(sim, 'GET', `/${resource}?per_page=100&${q('created_at:?')}`),
        resource,
      );
      const problems: string[] = [];
      for (const [field, expected] of Object.entries(shape)) {
        if (field === 'id') continue;
        const missing = records.filter((r) => !(field in r));
        if (missing.length > 0) {
          problems.push(`${field}: missing`);
          continue;
        }
        const values = records.map((r) => r[field]);
        if (expected === 'link') {
          if (!values.every((v) => v === null || isLink(v))) problems.push(`${field}: not a link object`);
          continue;
        }
        if (expected === 'null') continue;
        // The old docs show "" for unset values (lifecycle timestamps among them); the modern API sends null.
        const want = expected === 'empty-string' ? 'string' : expected;
        const wrong = values.filter((v) => v !== null && jsonType(v) !== want);
        // Nullable fields may be null in some records, but the simulator must also produce the type.
        if (wrong.length > 0 || (expected !== 'empty-string' && !values.some((v) => jsonType(v) === want))) {
          problems.push(`${field}: ${[...new Set(values.map(jsonType))].join('/')} instead of ${want}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
