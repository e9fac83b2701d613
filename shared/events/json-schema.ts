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

type JsonObject = Record<string, unknown>;
const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isEmptyObject = (value: unknown) => isJsonObject(value) && Object.keys(value).length === 0;

/** Keywords that constrain a value whatever its type, so merging `null` into `type` would change them. */
const TYPE_INDEPENDENT = ['enum', 'anyOf', 'allOf', 'oneOf', 'not', '$ref'];

/**
 * The same schema, shorter and in the form code generators read best, so the typed fields of
 * `detail.data` keep every entity's schema well inside the Schema Registry's limits:
 * - `{ anyOf: [{ type: T, … }, { type: 'null' }] }` (how zod writes a nullable) becomes
 *   `{ type: [T, 'null'], … }`, which accepts the same values when nothing else in it depends on
 *   the type (no `enum`, say);
 * - `properties: {}` and `additionalProperties: {}` go: both allow anything, as their absence does.
 */
export function compactJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(compactJsonSchema);
  if (!isJsonObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // Under `properties`, the keys are field names, not keywords: keep them all.
    if (key === 'properties' && isJsonObject(value)) {
      if (Object.keys(value).length === 0) continue;
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, field]) => [name, compactJsonSchema(field)]),
      );
    } else if (!(key === 'additionalProperties' && isEmptyObject(value))) {
      out[key] = compactJsonSchema(value);
    }
  }
  const [first, second, ...rest] = Array.isArray(out.anyOf) ? out.anyOf : [];
  const nullFirst = isJsonObject(first) && first.type === 'null' && Object.keys(first).length === 1;
  const nullSecond = isJsonObject(second) && second.type === 'null' && Object.keys(second).length === 1;
  const typed = nullSecond ? first : nullFirst ? second : undefined;
  if (
    rest.length === 0 &&
    isJsonObject(typed) &&
    typeof typed.type === 'string' &&
    !TYPE_INDEPENDENT.some((keyword) => keyword in typed) &&
    !Object.keys(typed).some((keyword) => keyword in out && keyword !== 'anyOf')
  ) {
    const { anyOf: _nullable, ...annotations } = out;
    return { ...typed, type: [typed.type, 'null'], ...annotations };
  }
  return out;
}

/**
 * Generated for the *input* side: objects stay open (no `additionalProperties: false`), so a
 * consumer validating with an older schema keeps accepting events that gained a new optional field.
 */
function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const generated = z.toJSONSchema(schema, {
    target: JSON_SCHEMA_TARGET,
    io: 'input',
    override: draft04Fixes,
  });
  return compactJsonSchema(generated) as Record<string, unknown>;
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
