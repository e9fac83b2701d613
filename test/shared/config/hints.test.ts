/**
 * The hints table and the schema describe the same fields: every field the schema accepts has a hint
 * (so every validation message says what to write instead), and every hint names a field the schema
 * has (so none is left behind when a field is renamed or removed).
 */

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { HINTED_PATHS, hintFor, hintKeyOf } from '../../../shared/config/hints.js';
import { BridgeConfigSchema } from '../../../shared/config/schema.js';

interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every field path of `schema`, as the hints table writes them (`[]` for items, `<stream>` and `<tier>` keys). */
function fieldPaths(schema: z.ZodType, path: readonly PropertyKey[], out: Set<string>): void {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'prefault':
      if (def.innerType) fieldPaths(def.innerType, path, out);
      return;
    case 'pipe':
      if (def.in) fieldPaths(def.in, path, out);
      return;
    case 'object':
      out.add(JSON.stringify(path));
      for (const [key, value] of Object.entries(def.shape ?? {})) fieldPaths(value, [...path, key], out);
      return;
    case 'array':
      out.add(JSON.stringify(path));
      if (def.element) fieldPaths(def.element, [...path, 0], out);
      return;
    case 'record':
      out.add(JSON.stringify(path));
      if (def.valueType)
        fieldPaths(def.valueType, [...path, path.at(-1) === 'tiers' ? 'hot' : 'patients'], out);
      return;
    case 'union':
      out.add(JSON.stringify(path));
      for (const option of def.options ?? []) {
        const inner = defOf(option);
        // Only object options add fields; a scalar option is the same field.
        if (inner.type === 'object' || inner.type === 'pipe' || inner.type === 'optional')
          fieldPaths(option, path, out);
      }
      return;
    default:
      out.add(JSON.stringify(path));
  }
}

const schemaPaths = (): (readonly PropertyKey[])[] => {
  const out = new Set<string>();
  fieldPaths(BridgeConfigSchema as unknown as z.ZodType, [], out);
  return [...out].map((text) => JSON.parse(text) as PropertyKey[]);
};

describe('configuration hints', () => {
  const paths = schemaPaths();

  it('walks the whole schema (a sanity check of the walk itself)', () => {
    const keys = paths.map(hintKeyOf);
    for (const key of [
      'accounts[].baseUrl',
      'payload.streams.<stream>.mode',
      'polling.tiers.<tier>.floorSeconds',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('has a hint for every field the schema accepts', () => {
    const missing = paths.filter((path) => hintFor(path) === undefined).map(hintKeyOf);
    expect(missing).toEqual([]);
  });

  it('has no hint for a field the schema does not have', () => {
    const known = new Set(paths.map(hintKeyOf));
    expect(HINTED_PATHS.filter((key) => !known.has(key))).toEqual([]);
  });
});
