import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderEventCatalog } from '../../../shared/events/catalog.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import { DETAIL_TYPES, isEventOfType } from '../../../shared/events/schema.js';

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
