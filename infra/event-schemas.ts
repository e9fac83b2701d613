/**
 * `EventSchemas`: an EventBridge Schema Registry holding one JSON Schema (draft-04, type
 * `JSONSchemaDraft4`) per **entity** — `cliniko@patient` covers `patient.created`, `patient.updated`,
 * … — generated from the same zod schemas the poller validates with. Consumers browse them in the
 * console or download code bindings from the registry; the per-detail-type files stay in `schemas/`.
 *
 * Why per entity and not per detail-type (what scales to hundreds of detail-types):
 * - A registry holds at most 100 schemas by default (Service Quotas `Schemas`, L-EE9E5FA9, per
 *   registry, adjustable). The 32 streams have 168 detail-types, so one schema per detail-type would
 *   fail the first deploy in an account with the default quota; there are 32 entities.
 * - One `AWS::EventSchemas::Schema` resource per schema counts against CloudFormation's 500 resources
 *   and 1 MB template of the stack: 168 schemas took 882 KB; 32 take about a fifth of that.
 * - The registry holds the whole contract of an entity in one place: one code binding per entity.
 *
 * The count grows with entities only — never with accounts — and a schema's content (about 4–5 KB)
 * stays far below the API's 100,000 characters. The schema cannot tie `detail.type` to the envelope's
 * `detail-type` (JSON Schema cannot say two values are equal); the per-detail-type schemas can.
 *
 * Schema names are `<source>@<entity>` (e.g. `cliniko@patient`); the registry name is generated.
 * Registries and schemas hold no data, so they follow the stack's lifecycle. Every change of a
 * schema's content is a new schema version (100 per schema by default).
 *
 * @example
 * new EventSchemas(this, 'Schemas', { source: 'cliniko' });
 */
import { Annotations } from 'aws-cdk-lib';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { ConfigError } from '../shared/errors.js';
import { entityJsonSchemas } from '../shared/events/json-schema.js';
import { actionsOf } from '../shared/events/schema.js';
import { STREAMS } from '../shared/streams.js';

/** The EventBridge Schema Registry's default quota of schemas per registry. */
export const SCHEMAS_PER_REGISTRY_QUOTA = 100;
/** `CreateSchema`'s limit on a schema's content, in characters. */
export const SCHEMA_CONTENT_MAX_CHARS = 100_000;
/** `CreateSchema`'s limit on a schema's description, in characters. */
const SCHEMA_DESCRIPTION_MAX_CHARS = 256;

export interface EventSchemasProps {
  /** The events' `source`, used as the schema name prefix. */
  readonly source: string;
  /**
   * Entity → JSON Schema (draft-04) of all its events.
   * @default the schema of every entity of the event contract
   */
  readonly schemas?: Readonly<Record<string, object>>;
}

export class EventSchemas extends Construct {
  readonly registry: CfnRegistry;
  /** Schema per entity. */
  readonly schemas: ReadonlyMap<string, CfnSchema>;

  constructor(scope: Construct, id: string, props: EventSchemasProps) {
    super(scope, id);
    const entries = Object.entries(props.schemas ?? entityJsonSchemas());
    if (entries.length > SCHEMAS_PER_REGISTRY_QUOTA) {
      // Adjustable, so a warning: an account with a raised quota deploys fine.
      Annotations.of(this).addWarningV2(
        'cliniko-bridge:schemasPerRegistry',
        `${entries.length} schemas exceed the registry's default quota of ${SCHEMAS_PER_REGISTRY_QUOTA} (Service Quotas L-EE9E5FA9): raise it before deploying, or set schemaRegistry to false`,
      );
    }
    this.registry = new CfnRegistry(this, 'Registry', {
      description: `Cliniko Change Bridge: one schema per entity of source "${props.source}", covering its detail-types`,
    });
    const schemas = new Map<string, CfnSchema>();
    for (const [entity, schema] of entries) {
      const content = JSON.stringify(schema);
      if (content.length > SCHEMA_CONTENT_MAX_CHARS) {
        throw new ConfigError(
          'schemaRegistry',
          `the schema of ${entity} has ${content.length} characters, over the registry's limit of ${SCHEMA_CONTENT_MAX_CHARS}; set schemaRegistry to false`,
        );
      }
      schemas.set(
        entity,
        new CfnSchema(this, entity, {
          registryName: this.registry.attrRegistryName,
          schemaName: `${props.source}@${entity}`,
          type: 'JSONSchemaDraft4',
          description: describeEntity(entity),
          content,
        }),
      );
    }
    this.schemas = schemas;
  }
}

/** `Change events patient.{created,updated,…} (schemaVersion 1)`, within the API's 256 characters. */
function describeEntity(entity: string): string {
  const stream = STREAMS.find((s) => s.entity === entity);
  const actions = stream === undefined ? [] : actionsOf(stream);
  const text =
    actions.length === 0
      ? `Change events of ${entity} (schemaVersion 1)`
      : `Change events ${entity}.{${actions.join(',')}} (schemaVersion 1)`;
  return text.slice(0, SCHEMA_DESCRIPTION_MAX_CHARS);
}
