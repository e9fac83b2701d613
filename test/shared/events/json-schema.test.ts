import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_OPTIONS } from '../../../shared/events/build.js';
import { exampleEvents } from '../../../shared/events/catalog-examples.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import {
  entityJsonSchemas,
  eventJsonSchemas,
  jsonSchemaFiles,
  writeJsonSchemas,
} from '../../../shared/events/json-schema.js';
import { DETAIL_TYPES, entityEventSchemaFor, eventSchemaFor } from '../../../shared/events/schema.js';
import { STREAMS } from '../../../shared/streams.js';
import { draft04Validator } from '../../support/draft04-validator.js';

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
        resources: { maxItems: 1, items: { pattern: expect.stringMatching(/^\^cliniko:/) } },
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

describe('JSON Schemas and zod agree (every detail-type of all 32 streams)', () => {
  const jsonSchemas = eventJsonSchemas();
  const entitySchemas = entityJsonSchemas();
  const checks = new Map(
    Object.entries(jsonSchemas).map(([type, schema]) => [type, draft04Validator(schema)]),
  );
  const entityChecks = new Map(
    Object.entries(entitySchemas).map(([entity, schema]) => [entity, draft04Validator(schema)]),
  );
  const jsonAccepts = (type: string, event: unknown) => checks.get(type)?.(event) ?? false;
  const zodAccepts = (type: string, event: unknown) =>
    eventSchemaFor(type)?.safeParse(event).success ?? false;

  /** Built events of every detail-type in every payload mode, and with the payload left out for size. */
  const builtEvents = (): [string, ChangeEvent][] =>
    [
      DEFAULT_EVENT_OPTIONS,
      { ...DEFAULT_EVENT_OPTIONS, payload: 'changes' as const },
      { ...DEFAULT_EVENT_OPTIONS, payload: 'ids' as const },
      { ...DEFAULT_EVENT_OPTIONS, maxEntryBytes: 400 },
    ].flatMap((options) => [...exampleEvents(options)]);

  it('are valid draft-04 (an independent validator compiles each in strict mode)', () => {
    expect(checks.size).toBe(DETAIL_TYPES.length);
    expect(entityChecks.size).toBe(STREAMS.length);
  });

  it('both accept every event the code builds, in every payload mode and with the payload omitted', () => {
    const events = builtEvents();

    expect(events.some(([, event]) => event.detail.payloadOmitted === 'size')).toBe(true);
    for (const [type, event] of events) {
      expect([type, zodAccepts(type, event), jsonAccepts(type, event)]).toEqual([type, true, true]);
      const entity = type.slice(0, type.indexOf('.'));
      expect(entityChecks.get(entity)?.(event), `entity JSON Schema: ${type}`).toBe(true);
      expect(entityEventSchemaFor(entity)?.safeParse(event).success, `entity zod schema: ${type}`).toBe(true);
    }
  });

  /** Ways to break an event that both must reject. */
  const BREAKAGES: Readonly<Record<string, (event: MutableEvent) => void>> = {
    'no eventId': (e) => delete e.detail.eventId,
    'a numeric recordId': (e) => (e.detail.recordId = 1390726237),
    'resources not empty': (e) => (e.resources = ['arn:aws:events:::record/1']),
    'a time with milliseconds': (e) => (e.time = '2026-11-29T10:15:00.000Z'),
    'another detail-type in the envelope': (e) => (e['detail-type'] = 'gift_card.updated'),
    'another detail type': (e) => (e.detail.type = 'gift_card.updated'),
    'another resource': (e) => (e.detail.resource = 'gift_cards'),
    'schemaVersion 2': (e) => (e.detail.schemaVersion = 2),
    'data without id': (e) => (e.detail.data = { name: 'x' }),
    'changes that are not an object': (e) => (e.detail.changes = 'email'),
    'an unknown payloadOmitted reason': (e) => (e.detail.payloadOmitted = 'policy'),
  };

  it('both reject the same broken events, for every detail-type', () => {
    const disagreements: string[] = [];
    for (const [type, event] of exampleEvents()) {
      for (const [name, breakIt] of Object.entries(BREAKAGES)) {
        const broken = JSON.parse(JSON.stringify(event)) as MutableEvent;
        breakIt(broken);
        const verdicts = [zodAccepts(type, broken), jsonAccepts(type, broken)];
        if (verdicts.some(Boolean))
          disagreements.push(`${type} with ${name}: zod ${verdicts[0]}, JSON ${verdicts[1]}`);
      }
    }

    expect(disagreements).toEqual([]);
  });

  it('differ only where JSON Schema cannot follow zod: changed fields sorted and without updated_at', () => {
    const [type, event] = [...exampleEvents()].find(([t]) => t === 'invoice_item.updated') ?? [];
    if (type === undefined || event === undefined) throw new Error('no invoice_item.updated example');
    const withFields = (fields: string[]) => ({ ...event, detail: { ...event.detail, changes: { fields } } });

    expect([zodAccepts(type, withFields(['b', 'a'])), jsonAccepts(type, withFields(['b', 'a']))]).toEqual([
      false,
      true,
    ]);
    expect([
      zodAccepts(type, withFields(['updated_at'])),
      jsonAccepts(type, withFields(['updated_at'])),
    ]).toEqual([false, true]);
  });
});

type MutableEvent = { detail: Record<string, unknown>; [key: string]: unknown };
