/**
 * Where the CDK app's configuration comes from, in order: CDK context `-c config=PATH`, the
 * environment variable `CLINIKO_BRIDGE_CONFIG`, `config/bridge.json`, `config/bridge.example.json`.
 * The file is validated with the bridge's one schema, so a wrong field fails `cdk synth` with a
 * `ConfigError` naming the field and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { type BridgeConfig, parseBridgeConfigJson } from '../shared/config/index.js';
import { ConfigError } from '../shared/errors.js';

export const CONFIG_CONTEXT_KEY = 'config';
export const CONFIG_ENV_VAR = 'CLINIKO_BRIDGE_CONFIG';
export const DEFAULT_CONFIG_PATHS = ['config/bridge.json', 'config/bridge.example.json'] as const;

export interface ConfigSourceOptions {
  /** Directory that relative paths are resolved against (the repository root). */
  readonly cwd: string;
  /** The value of CDK context `config`, if given. */
  readonly contextPath?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The path the app reads: the first of context, environment, `bridge.json`, the example. */
export function resolveConfigPath(options: ConfigSourceOptions): string {
  const explicit = options.contextPath?.trim() || options.env?.[CONFIG_ENV_VAR]?.trim();
  if (explicit) {
    const path = isAbsolute(explicit) ? explicit : join(options.cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError(
        options.contextPath?.trim() ? `-c ${CONFIG_CONTEXT_KEY}` : CONFIG_ENV_VAR,
        `names ${explicit}, which does not exist; give the path of your bridge.json (see config/bridge.example.json)`,
      );
    }
    return path;
  }
  for (const candidate of DEFAULT_CONFIG_PATHS) {
    const path = join(options.cwd, candidate);
    if (existsSync(path)) return path;
  }
  throw new ConfigError(
    'config',
    'no configuration found; copy config/bridge.example.json to config/bridge.json and edit it',
  );
}

/** Reads and validates the configuration; throws `ConfigError` naming the field and the fix. */
export function loadBridgeConfig(options: ConfigSourceOptions): { config: BridgeConfig; path: string } {
  const path = resolveConfigPath(options);
  const config = parseBridgeConfigJson(readFileSync(path, 'utf8'), path);
  return { config, path };
}
