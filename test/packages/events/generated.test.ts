import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../../packages/events/src/index.js';
import { generatedEventSources } from '../../../scripts/generated-event-sources.js';
import { DETAIL_TYPES, detailTypesOf } from '../../../shared/events/schema.js';
import { STREAMS } from '../../../shared/streams.js';

const root = new URL('../../../', import.meta.url);

describe('generated sources of the events package and of shared/events/known-fields.ts', () => {
  it('match the committed files (regenerate with `npx tsx scripts/generate-events-docs.ts`)', async () => {
    const stale: string[] = [];
    for (const [path, content] of generatedEventSources()) {
      const committed = await readFile(new URL(path, root), 'utf8').catch(() => '');
      if (committed !== content) stale.push(path);
    }

    expect(stale).toEqual([]);
  });

  it('give the package every entity of the registry, in registry order, with its stream and detail-types', () => {
    const table = Object.entries(ENTITIES).map(([entity, row]) => [entity, row.resource, row.detailTypes]);

    expect(table).toEqual(STREAMS.map((s) => [s.entity, s.name, detailTypesOf(s)]));
    expect(
      Object.values(ENTITIES)
        .flatMap((row) => row.detailTypes)
        .sort(),
    ).toEqual([...DETAIL_TYPES]);
  });

  it("type the fields of every stream's records, not only their id", () => {
    for (const [entity, row] of Object.entries(ENTITIES)) {
      expect(Object.keys(row.fields).length, entity).toBeGreaterThanOrEqual(4);
      expect(row.fields, entity).toMatchObject({ created_at: 'string', updated_at: 'string' });
    }
  });
});
