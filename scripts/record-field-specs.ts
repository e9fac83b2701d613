/**
 * The typed fields of every stream's records, derived from what the project knows of Cliniko's
 * resources: the 2023 spec's list resources (`test/simulator/fixtures/spec-2023-lists.json`) and,
 * for the two resources whose items that spec gives only as `oneOf` variants, the fields the
 * simulator serves (`test/simulator/union-fields.ts`). `scripts/generate-events-docs.ts` writes the
 * result to `shared/events/known-fields.ts` and into the consumer package.
 */
import type { FieldSpec } from '../shared/events/record-fields.js';
import { STREAMS } from '../shared/streams.js';
import { SPEC, type SpecField } from '../test/simulator/spec-resources.js';
import { UNION_FIELDS } from '../test/simulator/union-fields.js';

/** A lifecycle timestamp the registry names for a stream, typed even where the spec leaves it out. */
const LIFECYCLE_FIELD: FieldSpec = { kind: 'string', format: 'date-time' };

function arraySpec(items: string | undefined): FieldSpec {
  const [type, format] = (items ?? '').split(':');
  if (type === 'string') return format === undefined ? { kind: 'string[]' } : { kind: 'string[]', format };
  if (type === 'object') return { kind: 'object[]' };
  return { kind: 'array' };
}

/** The kind of one spec field. */
export function fieldSpecOf(spec: SpecField): FieldSpec {
  switch (spec.type) {
    case 'array':
      return arraySpec(spec.items);
    case 'object': {
      const keys = spec.keys ?? [];
      if (keys.join() === 'links') return { kind: 'link' };
      if (keys.join() === 'self') return { kind: 'links' };
      return keys.length === 0 ? { kind: 'object' } : { kind: 'object', keys };
    }
    default:
      return spec.format === undefined ? { kind: spec.type } : { kind: spec.type, format: spec.format };
  }
}

/** The spec fields of a resource: the spec's own, or the simulator's where the spec has none. */
function specFieldsOf(resource: string): Readonly<Record<string, SpecField>> {
  const own = SPEC[resource]?.fields ?? {};
  return Object.keys(own).length > 0 ? own : (UNION_FIELDS[resource] ?? {});
}

/**
 * Stream name → field name (sorted) → kind, for every stream of the registry; the stream's lifecycle
 * timestamps are always among them.
 */
export function recordFieldSpecs(): Record<string, Record<string, FieldSpec>> {
  const table: Record<string, Record<string, FieldSpec>> = {};
  for (const stream of STREAMS) {
    const fields: Record<string, FieldSpec> = Object.fromEntries(
      Object.entries(specFieldsOf(stream.name)).map(([name, spec]) => [name, fieldSpecOf(spec)]),
    );
    if (Object.keys(fields).length === 0) throw new Error(`no known fields for stream ${stream.name}`);
    for (const field of stream.lifecycle) fields[field] ??= LIFECYCLE_FIELD;
    table[stream.name] = Object.fromEntries(
      Object.keys(fields)
        .sort()
        .map((name) => [name, fields[name] as FieldSpec]),
    );
  }
  return table;
}
