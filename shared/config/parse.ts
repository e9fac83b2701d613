/**
 * Validates configuration and explains failures: the thrown `ConfigError` names the field path
 * (`accounts[1].apiKeySecret`) and says what is allowed, with an example. Values are never echoed,
 * because an operator may paste an API key into the wrong field.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { formatFieldPath, hintFor } from './hints.js';
import { type BridgeConfig, BridgeConfigSchema } from './schema.js';
import { closest } from './suggestion.js';

/** Parses already-decoded JSON (e.g. the contents of `bridge.json`) into a `BridgeConfig` with defaults. */
export function parseBridgeConfig(input: unknown): BridgeConfig {
  const result = BridgeConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, input));
  const [first, ...others] = problems;
  if (!first) throw new ConfigError('config', 'is invalid');
  const more = others.length
    ? ` (${others.length} more problem${others.length === 1 ? '' : 's'}: ${others.map((p) => p.field).join(', ')})`
    : '';
  throw new ConfigError(first.field, `${first.message}${more}`, { cause: result.error });
}

/**
 * Validates one field's value by its schema, as it would be validated at `path` of a configuration
 * file: the command line validates its flags this way, so both accept exactly the same values. The
 * message is the one a configuration file gets for that field (without the field's name).
 */
export function parseConfigField<T extends z.ZodType>(
  schema: T,
  path: readonly PropertyKey[],
  value: unknown,
): { readonly ok: true; readonly value: z.output<T> } | { readonly ok: false; readonly message: string } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const [issue] = result.error.issues;
  if (!issue) return { ok: false, message: 'is invalid' };
  const input = path.reduceRight<unknown>(
    (inner, segment) => Object.assign(typeof segment === 'number' ? [] : {}, { [segment]: inner }),
    value,
  );
  return { ok: false, message: describeIssue({ ...issue, path: [...path, ...issue.path] }, input).message };
}

/** Parses configuration given as JSON text, e.g. the `BRIDGE_CONFIG` environment variable. */
export function parseBridgeConfigJson(text: string, origin = 'config'): BridgeConfig {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    throw new ConfigError(
      origin,
      'is not valid JSON; check quotes, commas and brackets (comments are not allowed)',
    );
  }
  return parseBridgeConfig(decoded);
}

interface Problem {
  readonly field: string;
  readonly message: string;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): Problem {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const path = [...issue.path, key];
    const allowed = allowedKeysAt(issue.path);
    const suggestion = closest(key, allowed);
    return {
      field: formatFieldPath(path),
      message: `is not a known setting${suggestion ? `; did you mean "${suggestion}"?` : '.'} Allowed here: ${allowed.join(', ')}`,
    };
  }
  const field = formatFieldPath(issue.path) || 'config';
  if (issue.code === 'custom' && issue.params?.complete === true) return { field, message: issue.message };
  const hint = hintFor(issue.path);
  const what = problemOf(issue, valueAt(input, issue.path) === undefined);
  return { field, message: hint ? `${what}; ${hint}` : what };
}

function problemOf(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'is required' : `must be ${expectedType(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'array' ? 'must not be empty' : 'is too small';
    case 'too_big':
      return 'is too large';
    case 'invalid_format':
      return 'has the wrong format';
    case 'invalid_value':
    case 'invalid_union':
      return 'is not an allowed value';
    case 'not_multiple_of':
      return 'must be a whole number';
    case 'custom':
      return issue.message;
    default:
      return issue.message;
  }
}

function expectedType(expected: string): string {
  if (expected === 'int') return 'a whole number';
  return expected === 'array' || expected === 'object' ? `an ${expected}` : `a ${expected}`;
}

/** The raw value at a path of the input, to tell a missing field from a wrong one (zod issues omit it). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The keys the schema accepts at a path, for listing them next to an unknown key. */
function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  let schemas: z.ZodType[] = [BridgeConfigSchema];
  for (const segment of path) {
    schemas = schemas.flatMap((schema) => childSchemas(unwrap(schema), segment));
  }
  const keys = new Set<string>();
  for (const schema of schemas) {
    for (const option of objectOptions(unwrap(schema)))
      for (const key of Object.keys(option.shape)) keys.add(key);
  }
  return [...keys];
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault ||
      current instanceof z.ZodNullable
    ) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

function objectOptions(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodUnion)
    return (schema.options as z.ZodType[]).flatMap((o) => objectOptions(unwrap(o)));
  return [];
}

function childSchemas(schema: z.ZodType, segment: PropertyKey): z.ZodType[] {
  if (schema instanceof z.ZodArray) return typeof segment === 'number' ? [schema.element as z.ZodType] : [];
  if (schema instanceof z.ZodRecord) return [schema.valueType as z.ZodType];
  return objectOptions(schema).flatMap((option) => {
    const child = option.shape[String(segment)];
    return child ? [child as z.ZodType] : [];
  });
}
