import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eventJsonSchemas, jsonSchemaFiles, writeJsonSchemas } from '../../../shared/events/json-schema.js';
import { DETAIL_TYPES } from '../../../shared/events/schema.js';

const committedDir = fileURLToPath(new URL('../../../schemas/', import.meta.url));

describe('eventJsonSchemas', () => {
  it('has one draft-04 schema per detail-type', () => {
    const schemas = eventJsonSchemas();

    expect(Object.keys(schemas)).toEqual([...DETAIL_TYPES]);
    for (const schema of Object.values(schemas)) {
      expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
    }
  });

  it('pins detail-type, detail.type and resource to the schema’s own detail-type', () => {
    const schema = eventJsonSchemas()['individual_appointment.cancelled'];

    expect(schema).toMatchObject({
      title: 'individual_appointment.cancelled',
      properties: {
        'detail-type': { enum: ['individual_appointment.cancelled'] },
        resources: { maxItems: 0 },
        detail: {
          properties: {
            type: { enum: ['individual_appointment.cancelled'] },
            resource: { enum: ['individual_appointments'] },
            recordId: { pattern: '^[0-9]{1,20}$' },
          },
          required: expect.arrayContaining(['eventId', 'recordId', 'occurredAt', 'changes']),
        },
      },
    });
  });

  it('describes only the lifecycle timestamps the stream has', () => {
    const schemas = eventJsonSchemas();
    const dataOf = (type: string) => JSON.stringify(schemas[type as keyof typeof schemas]);

    expect(dataOf('attendee.updated')).toContain('"cancelled_at"');
    expect(dataOf('patient.updated')).not.toContain('"cancelled_at"');
  });

  it('leaves objects open so older readers accept newer optional fields', () => {
    expect(JSON.stringify(eventJsonSchemas())).not.toContain('"additionalProperties":false');
  });
});

describe('writeJsonSchemas', () => {
  it('writes one file per detail-type plus index.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'event-schemas-'));
    try {
      const written = await writeJsonSchemas(join(dir, 'nested'));

      const files = (await readdir(join(dir, 'nested'))).sort();
      expect(files).toEqual([...DETAIL_TYPES.map((type) => `${type}.json`), 'index.json'].sort());
      expect(written).toHaveLength(DETAIL_TYPES.length + 1);
      const index = JSON.parse(await readFile(join(dir, 'nested', 'index.json'), 'utf8'));
      expect(index.detailTypes).toContainEqual({
        detailType: 'patient.archived',
        resource: 'patients',
        entity: 'patient',
        action: 'archived',
        file: 'patient.archived.json',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('matches the committed schemas/ folder (regenerate with `npx tsx scripts/generate-events-docs.ts`)', async () => {
    const expected = jsonSchemaFiles();

    const committed = (await readdir(committedDir)).sort();

    expect(committed).toEqual([...expected.keys()].sort());
    for (const [name, content] of expected) {
      expect(await readFile(join(committedDir, name), 'utf8'), name).toBe(content);
    }
  });
});
