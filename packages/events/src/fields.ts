/**
 * The shapes of the values Cliniko records hold, as `detail.data` carries them, and the kinds the
 * generated entity table gives each field.
 */

/**
 * The JSON kind of a top-level field: `string`, `integer`, `number`, `boolean`; `string[]`,
 * `object[]` and `array` (of anything); `link` (a link to another record), `links` (the record's own
 * links); `object` (any other object).
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

/** The record's own links, `{ "self": "https://api.au1.cliniko.com/v1/patients/1" }`. */
export interface ClinikoSelfLinks {
  readonly self: string;
  readonly [key: string]: unknown;
}

/** A link to another record, `{ "links": { "self": "<url of that record>" } }`. */
export interface ClinikoLink {
  readonly links: ClinikoSelfLinks;
  readonly [key: string]: unknown;
}

/** Any other object, e.g. `ClinikoObject<'sections'>` for a note's content: `K` names the keys Cliniko's spec lists. */
export type ClinikoObject<K extends string = never> = { readonly [P in K]?: unknown } & {
  readonly [key: string]: unknown;
};
