import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  EventSchemas,
  SCHEMA_CONTENT_MAX_CHARS,
  SCHEMAS_PER_REGISTRY_QUOTA,
} from '../../infra/event-schemas.js';
import { exampleEvents } from '../../shared/events/catalog-examples.js';
import { ENTITY_NAMES } from '../../shared/events/schema.js';
import { STREAMS } from '../../shared/streams.js';
import { draft04Validator } from '../support/draft04-validator.js';
import { exampleConfig, newApp, resourcesOf, synthBridge } from './bridge-fixture.js';

const { template } = synthBridge();
const schemas = resourcesOf(template, 'AWS::EventSchemas::Schema');
const schemaNamed = (name: string) => schemas.find(([, s]) => s.Properties?.SchemaName === name)?.[1];

/** CloudFormation's limits on one stack, and the share of each this stack may use. */
const CLOUDFORMATION_TEMPLATE_BYTES = 1_000_000;
const CLOUDFORMATION_RESOURCES = 500;
const TEMPLATE_SIZE_BUDGET = 0.35;
const RESOURCE_BUDGET = 0.25;

describe('EventSchemas', () => {
  it('registers one draft-04 schema per entity, named <source>@<entity>, not one per detail-type', () => {
    expect(schemas).toHaveLength(STREAMS.length);
    expect(schemas.map(([, s]) => s.Properties?.SchemaName).sort()).toEqual(
      ENTITY_NAMES.map((entity) => `cliniko@${entity}`).sort(),
    );
    for (const [, schema] of schemas) expect(schema.Properties?.Type).toBe('JSONSchemaDraft4');
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
  });

  it('stays within the registry default quota of 100 schemas, with room for the entities to double', () => {
    expect(schemas.length * 2).toBeLessThanOrEqual(SCHEMAS_PER_REGISTRY_QUOTA);
  });

  it("gives every schema content under the API's 100,000 characters and a description under 256", () => {
    for (const [, schema] of schemas) {
      expect(String(schema.Properties?.Content).length).toBeLessThan(SCHEMA_CONTENT_MAX_CHARS / 10);
      expect(String(schema.Properties?.Description).length).toBeLessThanOrEqual(256);
    }
    expect(schemaNamed('cliniko@patient')?.Properties?.Description).toBe(
      'Change events patient.{created,updated,snapshot,deleted,archived,restored} (schemaVersion 1)',
    );
  });

  it("accepts every example event of its entity and none of another entity's", () => {
    const check = (entity: string) =>
      draft04Validator(JSON.parse(String(schemaNamed(`cliniko@${entity}`)?.Properties?.Content)));
    const checks = new Map(ENTITY_NAMES.map((entity) => [entity, check(entity)]));

    for (const [type, event] of exampleEvents()) {
      const entity = type.slice(0, type.indexOf('.'));
      expect(checks.get(entity)?.(event), type).toBe(true);
      const other = entity === 'patient' ? 'contact' : 'patient';
      expect(checks.get(other)?.(event), `${type} against ${other}`).toBe(false);
    }
  });

  it('prefixes the schema names with the configured source', () => {
    const { template: custom } = synthBridge(exampleConfig({ source: 'acme.cliniko' }));

    custom.hasResourceProperties('AWS::EventSchemas::Schema', { SchemaName: 'acme.cliniko@patient' });
  });

  it('is left out with schemaRegistry false', () => {
    const { template: without } = synthBridge(exampleConfig(), { schemaRegistry: false });

    without.resourceCountIs('AWS::EventSchemas::Schema', 0);
    without.resourceCountIs('AWS::EventSchemas::Registry', 0);
  });

  it('warns when given more schemas than the default quota, and refuses a schema over the content limit', () => {
    const app = newApp();
    const stack = new Stack(app, 'S');
    const many = Object.fromEntries(
      Array.from({ length: 101 }, (_, i) => [`entity_${i}`, { type: 'object' }]),
    );
    new EventSchemas(stack, 'Many', { source: 'cliniko', schemas: many });

    Annotations.fromStack(stack).hasWarning('/S/Many', Match.stringLikeRegexp('101 schemas exceed'));
    expect(
      () =>
        new EventSchemas(stack, 'Huge', {
          source: 'cliniko',
          schemas: { patient: { description: 'x'.repeat(SCHEMA_CONTENT_MAX_CHARS) } },
        }),
    ).toThrow(/schemaRegistry: the schema of patient has \d+ characters/);
  });
});

describe('stack size budget', () => {
  const json = template.toJSON() as { Resources: Record<string, unknown> };

  it(`keeps the template under ${TEMPLATE_SIZE_BUDGET * 100}% of CloudFormation's 1 MB (as CDK writes it)`, () => {
    const bytes = Buffer.byteLength(JSON.stringify(json, undefined, 1));

    expect(bytes).toBeLessThan(CLOUDFORMATION_TEMPLATE_BYTES * TEMPLATE_SIZE_BUDGET);
  });

  it(`keeps the resources under ${RESOURCE_BUDGET * 100}% of CloudFormation's 500 per stack`, () => {
    expect(Object.keys(json.Resources).length).toBeLessThan(CLOUDFORMATION_RESOURCES * RESOURCE_BUDGET);
  });
});
