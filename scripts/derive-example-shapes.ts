/**
 * Derives the record shapes (field name → JSON type) of Cliniko's documented single-record
 * examples, for the simulator's contract test. Only names and types are kept, never example values.
 *
 *   npx tsx scripts/derive-example-shapes.ts <examples dir> > test/simulator/fixtures/example-shapes.json
 *
 * The examples dir holds `<resource>.get.json` files and the 2023 spec digest `spec-2023-lists.json`.
 * Every stream of the registry is considered; what is left out is said on stderr, with why:
 * - a stream with no single-record example in Cliniko's old docs (most of those added after the
 *   first eleven): its fields are checked against the 2023 spec by the spec parity test instead;
 * - a field whose example type contradicts the 2023 spec (the old docs show some amounts as
 *   strings the spec types as numbers): the spec is the newer authority, and the spec parity test
 *   checks that field.
 */
import { existsSync, readFileSync } from 'node:fs';
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

/** The JSON type a digest type (`string:float|null`, `object{links}`, `array<…>`) allows. */
function specShapeOf(digestType: string): Shape {
  const base = digestType.replace(/\|null$/, '');
  if (base === 'object{links}') return 'link';
  if (base.startsWith('object')) return 'object';
  if (base.startsWith('array')) return 'array';
  const type = base.split(':')[0];
  return type === 'integer' ? 'number' : (type as Shape);
}

/** Whether an example value of `shape` fits the spec's type; null and "" say nothing about a type. */
function agrees(shape: Shape, spec: Shape): boolean {
  return shape === 'null' || shape === 'empty-string' || shape === spec;
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: derive-example-shapes.ts <examples dir>\n');
  process.exit(2);
}
const specFile = join(dir, 'spec-2023-lists.json');
const spec = existsSync(specFile)
  ? (JSON.parse(readFileSync(specFile, 'utf8')) as Record<string, { fields?: Record<string, string> }>)
  : {};

const shapes: Record<string, Record<string, Shape>> = {};
for (const resource of STREAM_NAMES) {
  const specFields = spec[resource]?.fields ?? {};
  const file = join(dir, `${resource}.get.json`);
  if (!existsSync(file)) {
    const instead =
      Object.keys(specFields).length > 0
        ? `its ${Object.keys(specFields).length} fields are checked against the 2023 spec`
        : 'the 2023 spec lists no fields for it either (only filters)';
    process.stderr.write(`skipped ${resource}: no single-record example ${resource}.get.json; ${instead}\n`);
    continue;
  }
  const example = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const shape: Record<string, Shape> = {};
  for (const [field, value] of Object.entries(example)) {
    const specType = specFields[field];
    const fieldShape = shapeOf(value);
    // `id` is skipped by the test (the old examples mix integers and strings).
    if (field !== 'id' && specType !== undefined && !agrees(fieldShape, specShapeOf(specType))) {
      process.stderr.write(
        `left out ${resource}.${field}: the example shows ${fieldShape}, the 2023 spec ${specType}\n`,
      );
      continue;
    }
    shape[field] = fieldShape;
  }
  shapes[resource] = shape;
}
process.stdout.write(`${JSON.stringify(shapes, null, 2)}\n`);
