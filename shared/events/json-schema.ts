/**
 * JSON Schemas of every detail-type, generated from the zod schemas the code validates with.
 * Draft-04, because that is what the EventBridge Schema Registry accepts (`JSONSchemaDraft4`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { STREAMS } from '../streams.js';
import type { DetailType } from './contract.js';
import { formatJson } from './json-format.js';
import { DETAIL_TYPES, detailTypesOf, ENTITY_NAMES, entityEventSchemaFor, eventSchemaFor } from './schema.js';

export const JSON_SCHEMA_TARGET = 'draft-04';

/**
 * Draft-04 requires a non-empty `items` array (`schemaArray` has `minItems: 1`), so the empty tuple
 * zod writes for `resources` (`"items": []`) makes the whole schema invalid for a strict validator.
 * An always-empty array is `maxItems: 0` alone.
 */
function draft04Fixes(ctx: { jsonSchema: Record<string, unknown> }): void {
  const { jsonSchema } = ctx;
  if (Array.isArray(jsonSchema.items) && jsonSchema.items.length === 0) {
    delete jsonSchema.items;
    delete jsonSchema.additionalItems;
    jsonSchema.maxItems = 0;
  }
}

/**
 * Generated for the *input* side: objects stay open (no `additionalProperties: false`), so a
 * consumer validating with an older schema keeps accepting events that gained a new optional field.
 */
function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: JSON_SCHEMA_TARGET, io: 'input', override: draft04Fixes });
}

/** One JSON Schema per detail-type: the files of `schemas/` and the `schemas` command. */
export function eventJsonSchemas(): Record<DetailType, Record<string, unknown>> {
  const schemas: Record<DetailType, Record<string, unknown>> = {};
  for (const type of DETAIL_TYPES) {
    const schema = eventSchemaFor(type);
    if (schema === undefined) throw new Error(`no schema for ${type}`);
    schemas[type] = toJsonSchema(schema);
  }
  return schemas;
}

/**
 * One JSON Schema per entity, covering all its detail-types: what the CDK app registers in the
 * EventBridge Schema Registry (one schema per detail-type would exceed the registry's default quota
 * of 100 schemas; see infra/event-schemas.ts).
 */
export function entityJsonSchemas(): Record<string, Record<string, unknown>> {
  const schemas: Record<string, Record<string, unknown>> = {};
  for (const entity of ENTITY_NAMES) {
    const schema = entityEventSchemaFor(entity);
    if (schema === undefined) throw new Error(`no schema for ${entity}`);
    schemas[entity] = toJsonSchema(schema);
  }
  return schemas;
}

export interface SchemaIndexEntry {
  readonly detailType: DetailType;
  readonly resource: string;
  readonly entity: string;
  readonly action: string;
  readonly file: string;
}

/** `index.json`: which file holds which detail-type. */
export function schemaIndex(): { schemaVersion: 1; target: string; detailTypes: SchemaIndexEntry[] } {
  const detailTypes = STREAMS.flatMap((stream) =>
    detailTypesOf(stream).map((detailType) => ({
      detailType,
      resource: stream.name,
      entity: stream.entity,
      action: detailType.slice(stream.entity.length + 1),
      file: `${detailType}.json`,
    })),
  ).sort((a, b) => (a.detailType < b.detailType ? -1 : 1));
  return { schemaVersion: 1, target: JSON_SCHEMA_TARGET, detailTypes };
}

/** The files `writeJsonSchemas` writes, name → content; what the committed `schemas/` must equal. */
export function jsonSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [type, schema] of Object.entries(eventJsonSchemas())) {
    files.set(`${type}.json`, formatJson(schema));
  }
  files.set('index.json', formatJson(schemaIndex()));
  return files;
}

/** Writes one `<detail-type>.json` per detail-type plus `index.json` into `dir`; returns the paths written. */
export async function writeJsonSchemas(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, content] of jsonSchemaFiles()) {
    const path = join(dir, name);
    await writeFile(path, content, 'utf8');
    written.push(path);
  }
  return written;
}
