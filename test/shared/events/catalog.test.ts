import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderEventCatalog } from '../../../shared/events/catalog.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import { isEventOfType } from '../../../shared/events/guards.js';
import { DETAIL_TYPES } from '../../../shared/events/schema.js';
import { STREAMS } from '../../../shared/streams.js';

describe('event catalog', () => {
  it('matches the committed docs/events.md (regenerate with `npx tsx scripts/generate-events-docs.ts`)', async () => {
    const committed = await readFile(new URL('../../../docs/events.md', import.meta.url), 'utf8');

    expect(committed).toBe(renderEventCatalog());
  });

  it('has a table row and an example section for every detail-type', () => {
    const catalog = renderEventCatalog();

    for (const type of DETAIL_TYPES) {
      expect(catalog).toContain(`| [\`${type}\`](#${type.replace('.', '')}) |`);
      expect(catalog).toContain(`### ${type}\n`);
    }
  });

  it('shows examples that are valid events of their own detail-type', () => {
    for (const [type, event] of exampleEvents()) {
      expect(isEventOfType(event, type as (typeof DETAIL_TYPES)[number]), type).toBe(true);
    }
  });
});

interface SpecField {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  readonly nullable: boolean;
  readonly keys?: readonly string[];
}

// Field names and JSON types of every list resource of the 2023 spec (scripts/derive-spec-lists.ts).
const SPEC = JSON.parse(
  readFileSync(new URL('../../simulator/fixtures/spec-2023-lists.json', import.meta.url), 'utf8'),
) as Record<string, { fields: Record<string, SpecField> }>;

function specProblem(spec: SpecField, value: unknown): string | undefined {
  if (value === null) {
    // As in the simulator's spec parity test: a link may be null where there is nothing to link to.
    const link = spec.type === 'object' && spec.keys?.join() === 'links';
    return spec.nullable || link ? undefined : 'null where the spec allows none';
  }
  const type = Array.isArray(value) ? 'array' : typeof value;
  if (spec.type === 'integer') return Number.isInteger(value) ? undefined : `${type} instead of integer`;
  return type === spec.type ? undefined : `${type} instead of ${spec.type}`;
}

describe('example records', () => {
  const events = exampleEvents();
  const dataOf = (type: string) => events.get(type)?.detail.data ?? {};

  it('change at least one field in every updated example', () => {
    for (const stream of STREAMS) {
      const event = events.get(`${stream.entity}.updated`);

      expect(event?.detail.changes?.fields.length, stream.name).toBeGreaterThan(0);
    }
  });

  it('use only the field names of the 2023 spec, with its JSON types, where the spec lists fields', () => {
    const problems: string[] = [];
    for (const stream of STREAMS) {
      const fields = SPEC[stream.name]?.fields ?? {};
      if (Object.keys(fields).length === 0) continue;
      for (const [field, value] of Object.entries(dataOf(`${stream.entity}.updated`))) {
        const spec = fields[field];
        const problem = spec === undefined ? 'not a field of the spec' : specProblem(spec, value);
        if (problem !== undefined) problems.push(`${stream.name}.${field}: ${problem}`);
      }
    }

    expect(problems).toEqual([]);
  });

  it('carry more than an id and timestamps for every stream', () => {
    for (const stream of STREAMS) {
      const own = Object.keys(dataOf(`${stream.entity}.created`)).filter(
        (field) => !['id', 'created_at', 'updated_at', 'links', ...stream.lifecycle].includes(field),
      );

      expect(own.length, stream.name).toBeGreaterThan(0);
    }
  });
});

describe('entity table', () => {
  it('lists every entity with its stream and links every action to its example', () => {
    const catalog = renderEventCatalog();

    for (const stream of STREAMS) {
      const row = catalog.split('\n').find((line) => line.startsWith(`| \`${stream.entity}\` |`));
      expect(row, stream.entity).toContain(`| \`${stream.name}\` |`);
      for (const type of DETAIL_TYPES.filter((t) => t.startsWith(`${stream.entity}.`))) {
        expect(row, type).toContain(`(#${type.replace('.', '')})`);
      }
    }
  });
});
