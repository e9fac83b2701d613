/**
 * Where the CDK app's configuration comes from, in order: CDK context `-c config=PATH`, the
 * environment variable `CLINIKO_BRIDGE_CONFIG`, `config/bridge.json`. The example
 * (`config/bridge.example.json`) is read only when named that way: without a configuration of the
 * operator's own, synth and deploy stop and say how to make one, so the example's accounts are
 * never deployed by accident.
 * The file is validated with the bridge's one schema, so a wrong field fails `cdk synth` with a
 * `ConfigError` naming the field and the fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { type BridgeConfig, parseBridgeConfigJson } from '../shared/config/index.js';
import { ConfigError } from '../shared/errors.js';

export const CONFIG_CONTEXT_KEY = 'config';
export const CONFIG_ENV_VAR = 'CLINIKO_BRIDGE_CONFIG';
export const DEFAULT_CONFIG_PATHS = ['config/bridge.json'] as const;
export const EXAMPLE_CONFIG_PATH = 'config/bridge.example.json';

export interface ConfigSourceOptions {
  /** Directory that relative paths are resolved against (the repository root). */
  readonly cwd: string;
  /** The value of CDK context `config`, if given. */
  readonly contextPath?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** A configuration file and who named it: the option, variable or default path the operator can change. */
interface LocatedConfig {
  readonly path: string;
  readonly source: string;
  /** The path as the operator wrote it (or the default), for messages. */
  readonly shown: string;
}

function locateConfig(options: ConfigSourceOptions): LocatedConfig {
  const explicit = options.contextPath?.trim() || options.env?.[CONFIG_ENV_VAR]?.trim();
  if (explicit) {
    const source = options.contextPath?.trim() ? `-c ${CONFIG_CONTEXT_KEY}` : CONFIG_ENV_VAR;
    const path = isAbsolute(explicit) ? explicit : join(options.cwd, explicit);
    if (!existsSync(path)) {
      throw new ConfigError(
        source,
        `names ${explicit}, which does not exist; give the path of your bridge.json (see config/bridge.example.json)`,
      );
    }
    return { path, source, shown: explicit };
  }
  for (const candidate of DEFAULT_CONFIG_PATHS) {
    const path = join(options.cwd, candidate);
    if (existsSync(path)) return { path, source: candidate, shown: candidate };
  }
  throw new ConfigError(
    'config',
    `no configuration of your own: copy ${EXAMPLE_CONFIG_PATH} to config/bridge.json and put your accounts and ` +
      `userAgent in it, or name a file with -c ${CONFIG_CONTEXT_KEY}=PATH or ${CONFIG_ENV_VAR}=PATH. The example is ` +
      `never deployed by accident; to synthesize it on purpose, pass -c ${CONFIG_CONTEXT_KEY}=${EXAMPLE_CONFIG_PATH}`,
  );
}

/** The path the app reads: the first of context, environment, `bridge.json`. */
export function resolveConfigPath(options: ConfigSourceOptions): string {
  return locateConfig(options).path;
}

/** The file's text; a file that cannot be read (a directory, no permission) is a `ConfigError` naming its source. */
function readConfigFile({ path, source, shown }: LocatedConfig): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const problem =
      code === 'EISDIR'
        ? 'is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${typeof code === 'string' ? code : 'unknown error'})`;
    throw new ConfigError(
      source,
      `names ${shown}, which ${problem}; give the path of your bridge.json file (see config/bridge.example.json)`,
    );
  }
}

/** Reads and validates the configuration; throws `ConfigError` naming the field and the fix. */
export function loadBridgeConfig(options: ConfigSourceOptions): { config: BridgeConfig; path: string } {
  const located = locateConfig(options);
  const config = parseBridgeConfigJson(readConfigFile(located), located.path);
  return { config, path: located.path };
}
