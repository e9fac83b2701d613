/**
 * Derives the record shapes (field name → JSON type) of Cliniko's documented single-record
 * examples, for the simulator's contract test. Only names and types are kept, never example values.
 *
 *   npx tsx scripts/derive-example-shapes.ts <dir with <resource>.get.json files> > test/simulator/fixtures/example-shapes.json
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STREAM_NAMES } from '../shared/streams.js';

type Shape = 'null' | 'array' | 'string' | 'number' | 'boolean' | 'object' | 'link' | 'empty-string';

function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (value === '') return 'empty-string';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && 'links' in value) return 'link';
  return typeof value as Shape;
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: derive-example-shapes.ts <examples dir>\n');
  process.exit(2);
}
const shapes: Record<string, Record<string, Shape>> = {};
for (const resource of STREAM_NAMES) {
  const example = JSON.parse(readFileSync(join(dir, `${resource}.get.json`), 'utf8')) as Record<
    string,
    unknown
  >;
  shapes[resource] = Object.fromEntries(
    Object.entries(example).map(([field, value]) => [field, shapeOf(value)]),
  );
}
process.stdout.write(`${JSON.stringify(shapes, null, 2)}\n`);
