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
import { STREAM_NAMES } from '../../shared/streams.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items, q } from './sim-client.js';

const here = dirname(fileURLToPath(import.meta.url));
// Copies of the single-record examples from Cliniko's API docs (github.com/redguava/cliniko-api, sections/*.md).
const EXAMPLES = join(here, 'fixtures/cliniko-examples');

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
  for (const resource of STREAM_NAMES) {
    it(`${resource} has every example field with the example's JSON type`, async () => {
      const example = JSON.parse(readFileSync(join(EXAMPLES, `${resource}.get.json`), 'utf8')) as Record<
        string,
        unknown
      >;
      const records = items(
        await api(sim, 'GET', `/${resource}?per_page=100&${q('created_at:?')}`),
        resource,
      );
      const problems: string[] = [];
      for (const [field, expected] of Object.entries(example)) {
        if (field === 'id') continue;
        const missing = records.filter((r) => !(field in r));
        if (missing.length > 0) {
          problems.push(`${field}: missing`);
          continue;
        }
        const values = records.map((r) => r[field]);
        if (isLink(expected)) {
          if (!values.every((v) => v === null || isLink(v))) problems.push(`${field}: not a link object`);
          continue;
        }
        if (expected === null) continue;
        const want = jsonType(expected);
        const wrong = values.filter((v) => v !== null && jsonType(v) !== want);
        // Nullable fields may be null in some records, but the simulator must also produce the type.
        if (wrong.length > 0 || (expected !== '' && !values.some((v) => jsonType(v) === want))) {
          problems.push(`${field}: ${[...new Set(values.map(jsonType))].join('/')} instead of ${want}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});
