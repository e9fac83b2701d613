/**
 * The flags that set a configuration field are validated by that field's schema
 * (shared/config/schema.ts), so the command line and a configuration file accept exactly the same
 * values. A failure names the flag and carries the field's message and hint.
 */
import type { z } from 'zod';
import { parseConfigField } from '../shared/config/parse.js';
import {
  AccountIdSchema,
  BaseUrlSchema,
  PayloadModeSchema,
  StartFromSchema,
  UserAgentSchema,
} from '../shared/config/schema.js';
import { ConfigError } from '../shared/errors.js';

/** Each flag's field: its schema and where it sits in a configuration file (for the hint). */
const CONFIG_FLAGS = {
  '--account': { schema: AccountIdSchema, path: ['accounts', 0, 'id'] },
  '--base-url': { schema: BaseUrlSchema, path: ['accounts', 0, 'baseUrl'] },
  '--user-agent': { schema: UserAgentSchema, path: ['userAgent'] },
  '--start-from': { schema: StartFromSchema, path: ['startFrom'] },
  '--payload': { schema: PayloadModeSchema, path: ['payload', 'default', 'mode'] },
} as const;

export type ConfigFlag = keyof typeof CONFIG_FLAGS;

/**
 * The value of a flag (or of the environment variable standing in for it) as its configuration field
 * keeps it; a `ConfigError` naming `name` (default: the flag) otherwise. `also` follows the message,
 * e.g. the environment variable that sets the same thing.
 */
export function configFlag<F extends ConfigFlag>(
  flag: F,
  text: string,
  options: { readonly name?: string; readonly also?: string } = {},
): z.output<(typeof CONFIG_FLAGS)[F]['schema']> {
  const { schema, path } = CONFIG_FLAGS[flag];
  const result = parseConfigField(schema, path, text.trim());
  if (result.ok) return result.value as z.output<(typeof CONFIG_FLAGS)[F]['schema']>;
  const message = options.also === undefined ? result.message : `${result.message} ${options.also}`;
  throw new ConfigError(options.name ?? flag, message);
}
