/**
 * The typed fields of `detail.data`: what each stream's records carry, as one JSON kind per field
 * (the generated table `known-fields.ts`, from the 2023 spec's list resources), and the zod shape
 * the event schemas (and so the JSON Schemas in `schemas/`) give them.
 *
 * Every field is optional and nullable, whatever the spec says: payload mode `changes` and the
 * include/exclude lists leave fields out, and the bridge passes Cliniko's values through as they
 * come, so a validator must not turn away a real event because Cliniko sent `null` where its 2023
 * spec did not say it might (it under-declares that for links, for one). Objects stay open: Cliniko
 * adds fields, and an older reader must keep accepting newer records.
 */
import { z } from 'zod';
import { KNOWN_FIELDS } from './known-fields.js';

/**
 * The JSON kind of one top-level field:
 * - `string`, `integer`, `number`, `boolean`: that JSON type (`format` says what the string holds);
 * - `string[]`, `object[]`, `array`: an array of strings, of objects, of anything;
 * - `link`: a link to another record, `{ "links": { "self": "<url>" } }`;
 * - `links`: the record's own links, `{ "self": "<url>" }`;
 * - `object`: any other object (`keys` names the ones the spec lists).
 */
export type FieldKind =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'string[]'
  | 'object[]'
  | 'array'
  | 'link'
  | 'links'
  | 'object';

export interface FieldSpec {
  readonly kind: FieldKind;
  /** What a string (or a string array's items) holds, as the spec says: `date-time`, `int64`, `date` … */
  readonly format?: string;
  /** The keys the spec lists for an object. */
  readonly keys?: readonly string[];
}

const selfLinks = z.looseObject({ self: z.string() });

const KIND_SCHEMAS: Readonly<Record<FieldKind, z.ZodType>> = {
  string: z.string(),
  integer: z.int(),
  number: z.number(),
  boolean: z.boolean(),
  'string[]': z.array(z.string()),
  'object[]': z.array(z.looseObject({})),
  array: z.array(z.unknown()),
  link: z.looseObject({ links: selfLinks }),
  links: selfLinks,
  object: z.looseObject({}),
};

/** The zod schema of a field of this kind, as `detail.data` carries it: optional and nullable. */
export function fieldSchemaOf(spec: FieldSpec): z.ZodType {
  return KIND_SCHEMAS[spec.kind].nullable().optional();
}

/** The typed fields of a stream's records, by stream name; empty for a stream the table lacks. */
export function recordFieldsOf(stream: string): Readonly<Record<string, FieldSpec>> {
  return (KNOWN_FIELDS as Readonly<Record<string, Readonly<Record<string, FieldSpec>>>>)[stream] ?? {};
}

/** The zod shape of a stream's typed fields (without `id`, which the contract types itself). */
export function dataFieldsShapeOf(stream: string): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, spec] of Object.entries(recordFieldsOf(stream))) {
    if (field !== 'id') shape[field] = fieldSchemaOf(spec);
  }
  return shape;
}
