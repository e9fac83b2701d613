import { describe, expect, it } from 'vitest';
import {
  compactJsonSchema,
  entityJsonSchemas,
  eventJsonSchemas,
} from '../../../shared/events/json-schema.js';
import { KNOWN_FIELDS } from '../../../shared/events/known-fields.js';
import { recordFieldsOf } from '../../../shared/events/record-fields.js';
import { STREAMS } from '../../../shared/streams.js';
import { draft04Validator } from '../../support/draft04-validator.js';

type Schema = { properties: Record<string, Schema>; type?: unknown; required?: string[] };
const dataSchemaOf = (schema: object) => (schema as Schema).properties.detail?.properties.data;

describe('typed record fields', () => {
  it('cover every stream of the registry, its lifecycle timestamps included', () => {
    expect(Object.keys(KNOWN_FIELDS)).toEqual(STREAMS.map((stream) => stream.name));
    for (const stream of STREAMS) {
      for (const field of [...stream.lifecycle, 'created_at', 'updated_at']) {
        expect(recordFieldsOf(stream.name)[field], `${stream.name}.${field}`).toEqual(
          expect.objectContaining({ kind: 'string' }),
        );
      }
    }
  });

  it('type the data fields of the JSON Schemas, each optional and nullable, and leave data open', () => {
    const data = dataSchemaOf(eventJsonSchemas()['individual_appointment.cancelled'] ?? {});

    expect(data?.required).toEqual(['id']);
    expect(data?.properties).toMatchObject({
      starts_at: { type: ['string', 'null'] },
      cancellation_reason: { type: ['integer', 'null'] },
      did_not_arrive: { type: ['boolean', 'null'] },
      patient: { type: ['object', 'null'], required: ['links'] },
    });
    expect(JSON.stringify(data)).not.toContain('"additionalProperties":false');
  });

  it('make the entity schemas reject a field of the wrong JSON type, and accept null or an unknown field', () => {
    const check = draft04Validator(entityJsonSchemas().patient ?? {});
    const event = (data: object) => ({
      version: '0',
      id: 'e',
      'detail-type': 'patient.updated',
      source: 'cliniko',
      account: 'local',
      time: '2026-11-29T10:15:00Z',
      region: 'local',
      resources: [],
      detail: {
        schemaVersion: 1,
        eventId: '0add0140-d86d-8a54-a11f-e49d6948e3c4',
        type: 'patient.updated',
        account: 'main-clinic',
        resource: 'patients',
        recordId: '1',
        sequence: 1,
        occurredAt: '2026-11-29T10:15:00Z',
        observedAt: '2026-11-29T10:15:31.204Z',
        signals: [],
        changes: null,
        data: { id: '1', ...data },
      },
    });

    expect(check(event({ email: 'a@example.com', first_name: null, new_field: [1] }))).toBe(true);
    expect(check(event({ email: 404 }))).toBe(false);
    expect(check(event({ appointments: { links: {} } }))).toBe(false);
  });
});

describe('compactJsonSchema', () => {
  it('folds a nullable into the type list, keeping what annotates it', () => {
    const nullable = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'null' }], description: 'd' };

    expect(compactJsonSchema(nullable)).toEqual({ type: ['string', 'null'], minLength: 1, description: 'd' });
  });

  it('keeps the anyOf where folding would change what is accepted', () => {
    const enumOrNull = { anyOf: [{ type: 'string', enum: ['a'] }, { type: 'null' }] };
    const twoTypes = { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] };

    expect(compactJsonSchema(enumOrNull)).toEqual(enumOrNull);
    expect(compactJsonSchema(twoTypes)).toEqual(twoTypes);
  });

  it('drops empty properties and additionalProperties, but never a property that is named so', () => {
    const schema = {
      type: 'object',
      properties: { properties: { type: 'string' }, additionalProperties: {} },
      additionalProperties: {},
    };

    expect(compactJsonSchema(schema)).toEqual({
      type: 'object',
      properties: { properties: { type: 'string' }, additionalProperties: {} },
    });
  });
});
