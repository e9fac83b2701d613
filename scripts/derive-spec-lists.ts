/**
 * Derives, from the digest of the 2023 Cliniko OpenAPI spec's list endpoints
 * (`cliniko-examples/spec-2023-lists.json`, see its README §4), the facts the simulator's spec
 * parity tests check: per list resource its array key, every field with its JSON type (format,
 * nullability, nested keys or item type) and every `q[]` filter with its type. Names and types
 * only; nothing else of the spec is kept.
 *
 *   npx tsx scripts/derive-spec-lists.ts <path to spec-2023-lists.json> > test/simulator/fixtures/spec-2023-lists.json
 *   npx biome format --write test/simulator/fixtures/spec-2023-lists.json
 */
import { readFileSync } from 'node:fs';

interface SpecField {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  readonly nullable: boolean;
  /** Strings: the OpenAPI format (`date-time`, `int64`, `uri` …). */
  readonly format?: string;
  /** Objects: the property names the spec lists. */
  readonly keys?: readonly string[];
  /** Arrays: the item type, as written in the digest (`string:int64`, `object` …). */
  readonly items?: string;
}

/** `string:date-time|null`, `object{links}`, `array<string:int64>|null` … as structured facts. */
function parseFieldType(text: string): SpecField {
  const nullable = text.endsWith('|null');
  const base = nullable ? text.slice(0, -'|null'.length) : text;
  const object = /^object(?:\{([^}]*)\})?$/.exec(base);
  if (object) {
    const keys = object[1] === undefined ? undefined : object[1].split(',').filter((k) => k !== '');
    return { type: 'object', nullable, ...(keys === undefined ? {} : { keys }) };
  }
  const array = /^array<(.+)>$/.exec(base);
  if (array?.[1] !== undefined) return { type: 'array', nullable, items: array[1] };
  const [type, format] = base.split(':');
  if (type === 'string') return { type, nullable, ...(format === undefined ? {} : { format }) };
  if (type === 'integer' || type === 'number' || type === 'boolean') return { type, nullable };
  throw new Error(`unrecognised field type "${text}"`);
}

interface DigestEntry {
  readonly arrayKey?: string;
  readonly fields?: Readonly<Record<string, string>>;
  readonly filters?: Readonly<Record<string, string>>;
}

function derive(digest: Readonly<Record<string, DigestEntry>>) {
  const out: Record<string, unknown> = {};
  for (const resource of Object.keys(digest).sort()) {
    const entry = digest[resource] ?? {};
    const fields = Object.entries(entry.fields ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    const filters = Object.entries(entry.filters ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
    out[resource] = {
      arrayKey: entry.arrayKey ?? resource,
      fields: Object.fromEntries(fields.map(([name, type]) => [name, parseFieldType(type)])),
      filters: Object.fromEntries(filters),
    };
  }
  return out;
}

const source = process.argv[2];
if (!source) {
  process.stderr.write('usage: derive-spec-lists.ts <spec-2023-lists.json>\n');
  process.exit(2);
}
const digest = JSON.parse(readFileSync(source, 'utf8')) as Record<string, DigestEntry>;
process.stdout.write(`${JSON.stringify(derive(digest), null, 2)}\n`);
