/**
 * The 2023 spec's list resources as the simulator's tests read them (the committed fixture
 * `fixtures/spec-2023-lists.json`), and the ones the simulator serves: every list resource with an
 * `updated_at` filter. The simulator's own tests take the resources from here rather than from the
 * bridge's stream registry, so the two can grow apart without either breaking the other.
 */
import { readFileSync } from 'node:fs';

export interface SpecField {
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  readonly nullable: boolean;
  readonly format?: string;
  readonly keys?: readonly string[];
  readonly items?: string;
}

export interface SpecList {
  readonly arrayKey: string;
  readonly fields: Readonly<Record<string, SpecField>>;
  readonly filters: Readonly<Record<string, string>>;
}

export const SPEC = JSON.parse(
  readFileSync(new URL('fixtures/spec-2023-lists.json', import.meta.url), 'utf8'),
) as Readonly<Record<string, SpecList>>;

/** Every list resource the simulator serves, in the fixture's (alphabetical) order. */
export const SERVED: readonly string[] = Object.keys(SPEC).filter(
  (name) => 'updated_at' in (SPEC[name]?.filters ?? {}),
);

/** The filters of a served resource. */
export function specFilters(resource: string): Readonly<Record<string, string>> {
  return SPEC[resource]?.filters ?? {};
}
