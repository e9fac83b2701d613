/**
 * `EventSchemas`: an EventBridge Schema Registry holding one JSON Schema (draft-04, type
 * `JSONSchemaDraft4`) per detail-type, generated from the same zod schemas the poller validates
 * with. Consumers browse them in the console or download code bindings from the registry.
 *
 * Schema names are `<source>@<detail-type>` (e.g. `cliniko@patient.created`); the registry name is
 * generated. Registries and schemas hold no data, so they follow the stack's lifecycle.
 *
 * @example
 * new EventSchemas(this, 'Schemas', { source: 'cliniko' });
 */
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';
import { eventJsonSchemas } from '../shared/events/json-schema.js';

export interface EventSchemasProps {
  /** The events' `source`, used as the schema name prefix. */
  readonly source: string;
  /**
   * Detail-type → JSON Schema (draft-04).
   * @default the schemas of every detail-type of the event contract
   */
  readonly schemas?: Readonly<Record<string, object>>;
}

export class EventSchemas extends Construct {
  readonly registry: CfnRegistry;
  /** Schema per detail-type. */
  readonly schemas: ReadonlyMap<string, CfnSchema>;

  constructor(scope: Construct, id: string, props: EventSchemasProps) {
    super(scope, id);
    this.registry = new CfnRegistry(this, 'Registry', {
      description: `Cliniko Change Bridge: one schema per detail-type of source "${props.source}"`,
    });
    const schemas = new Map<string, CfnSchema>();
    for (const [detailType, schema] of Object.entries(props.schemas ?? eventJsonSchemas())) {
      schemas.set(
        detailType,
        new CfnSchema(this, detailType, {
          registryName: this.registry.attrRegistryName,
          schemaName: `${props.source}@${detailType}`,
          type: 'JSONSchemaDraft4',
          description: `Change event ${detailType} (schemaVersion 1)`,
          content: JSON.stringify(schema),
        }),
      );
    }
    this.schemas = schemas;
  }
}
