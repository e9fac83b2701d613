/**
 * The flags of `cliniko-bridge run`, parsed and validated before anything starts: every mistake is a
 * `ConfigError` naming the flag (or environment variable) and saying how to fix it (exit code 2).
 */
import { resolve } from 'node:path';
import { USER_AGENT_EXAMPLE } from '../shared/cliniko/user-agent.js';
import type { DataClass } from '../shared/data-classes.js';
import { ConfigError } from '../shared/errors.js';
import type { PayloadMode } from '../shared/events/contract.js';
import type { EventFormat } from '../shared/sinks/event-format.js';
import type { SinkSpec } from '../shared/sinks/sink-spec.js';
import { CORE_STREAMS, type StreamDefinition } from '../shared/streams.js';
import type { Quirk } from '../simulator/index.js';
import { ALLOW_CLASSES_USAGE, parseAllowClassesOption } from './allow-classes-option.js';
import { configFlag } from './config-flags.js';
import { parseDuration } from './duration.js';
import { parseFlags } from './flags.js';
import { parseQuirksFlag } from './quirks-flag.js';
import { requireBaseUrlForSimulatorKey } from './simulator-key.js';
import { SINK_USAGE, sinkOptions } from './sink-options.js';
import { parseStreamList, streamNamesForHelp } from './stream-list.js';

export const API_KEY_ENV = 'CLINIKO_API_KEY';
export const USER_AGENT_ENV = 'CLINIKO_USER_AGENT';
export const DEFAULT_STATE_DIR = '.cliniko-bridge';
/** The User-Agent of `--simulate` runs: the simulator enforces the format like Cliniko does. */
export const SIMULATOR_USER_AGENT = 'Cliniko Change Bridge local (bridge@example.com)';

export const RUN_DEFAULTS = {
  intervalMs: 30_000,
  simulateIntervalMs: 5_000,
  account: 'default',
  simulateAccount: 'simulator',
  startFrom: 'now',
  // The engine must hold against every documented reading, so the demo shows it does.
  simulateQuirks: 'all',
} as const;

export type ClinikoSource =
  | { readonly kind: 'simulate'; readonly quirks: readonly Quirk[] }
  | { readonly kind: 'cliniko'; readonly apiKey: string; readonly baseUrl: string | undefined }
  /**
   * Every account registered in the --state-dir / --table (`cliniko-bridge accounts`), after seeding
   * it from `configFile` (`--config`, the CDK app's file) when given.
   */
  | { readonly kind: 'registry'; readonly configFile?: string; readonly intervalGiven: boolean };

export type StateLocation =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'memory' }
  | { readonly kind: 'table'; readonly tableName: string };

/** What `run` shares with `resync`: where Cliniko is, which account and streams, where state lives, where events go. */
export interface EngineOptions {
  readonly source: ClinikoSource;
  readonly userAgent: string;
  readonly account: string;
  readonly streams: readonly StreamDefinition[];
  readonly state: StateLocation;
  readonly sinks: readonly SinkSpec[];
  /** What the ndjson and webhook sinks write (`--format`). */
  readonly format: EventFormat;
  /** The data classes each sink may receive (`--allow-classes`), in the order of `sinks`. */
  readonly allowClasses: readonly (readonly DataClass[])[];
  /** `--payload`: one mode for every stream; absent: each stream's data-class default. */
  readonly payload: PayloadMode | undefined;
}

export interface RunOptions extends EngineOptions {
  /** No `--interval`: poll each stream as the planner says it falls due (ignored with `--once`). */
  readonly adaptive: boolean;
  /** With `--interval` (else the time between fleet polls, or between retries after a failure). */
  readonly intervalMs: number;
  /** `now`, `beginning` or an ISO UTC instant. */
  readonly startFrom: string;
  readonly once: boolean;
  /** `--reconcile-every`: seconds between id listings (0: every run); absent: the config default. */
  readonly reconcileEverySeconds: number | undefined;
}

/** The `--help` lines of the Cliniko source flags (shared with `resync`). */
export const SOURCE_USAGE = `  --api-key KEY            a real Cliniko API key (or env ${API_KEY_ENV})
  --base-url URL           Cliniko API base URL (default: from the key's shard, e.g. https://api.au2.cliniko.com/v1)
  --user-agent "Name (email)"  required for a real account (or env ${USER_AGENT_ENV}), e.g. "${USER_AGENT_EXAMPLE}"
  --account ID             account id used in events and state keys (default: ${RUN_DEFAULTS.account}; ${RUN_DEFAULTS.simulateAccount} with --simulate)
`;

/** The `--help` lines of the state flags (shared with `resync`). */
export const STATE_USAGE = `  --state-dir DIR          local state store on disk, resumed on restart (default: ${DEFAULT_STATE_DIR}/; in memory with --simulate)
  --table NAME             a real DynamoDB table instead (credentials and region from the standard AWS environment)
`;

/** The `--help` lines of the event flags after `--sink` and `--format` (shared with `resync`). */
export const EVENT_USAGE = `${ALLOW_CLASSES_USAGE}  --payload MODE           full | changes | ids for every stream (default: changes for streams of personal or
                           clinical records, full for the others)
`;

export const RUN_USAGE = `Usage: cliniko-bridge run [--simulate | --api-key KEY | --state-dir DIR | --table NAME] [options]

Polls a Cliniko account for changes and publishes change events until Ctrl-C (or once, with --once).
Without --api-key, --state-dir or --table polls every account registered there
(\`cliniko-bridge accounts add\`), concurrently, each under its own rate budget and lease;
--config FILE (the CDK app's configuration) registers its accounts there first.

Options:
  --simulate               start a built-in Cliniko simulator with background changes and poll it
  --quirks LIST            with --simulate: Cliniko quirks to simulate, all | none | names (default: ${RUN_DEFAULTS.simulateQuirks});
                           see \`cliniko-bridge simulator --help\`
${SOURCE_USAGE}  --streams a,b,c          streams to poll: core (default; the first eleven), all, or names:
                           ${streamNamesForHelp()}
  --interval DURATION      poll every stream at this fixed interval, e.g. 30s, 1m, 5m (default: adaptive: each
                           stream as it falls due, hot ones every 6-12 s, cold ones every 30 s to 2 min, within
                           a quarter of the account's rate limit)
  --start-from WHEN        now | beginning | an ISO UTC instant; only for streams without saved state (default: now)
${STATE_USAGE}${SINK_USAGE}${EVENT_USAGE}  --config FILE            the deployment's configuration file: registers its accounts in the state store (a
                           key may sit inline as {"apiKey": "…"} for local use) and polls them all with its
                           settings (userAgent, payload, startFrom, pollRateMinutes unless --interval)
  --once                   poll every stream until caught up, then exit
  --reconcile-every DURATION  how often each stream's full id listing is compared with the state, to find
                           deletes and restores no list shows: 0s = every run (default: 24h)
  -h, --help               show this help

Exit codes: 0 ok, 2 bad arguments or configuration, 3 Cliniko refused the key or a permission, 1 anything else.
`;

/** The flags of `EngineOptions`, for every command that runs the engine (`run`, `resync`). */
export const ENGINE_FLAGS = {
  simulate: { type: 'boolean' },
  quirks: { type: 'string' },
  'api-key': { type: 'string' },
  'base-url': { type: 'string' },
  'user-agent': { type: 'string' },
  account: { type: 'string' },
  streams: { type: 'string' },
  'state-dir': { type: 'string' },
  table: { type: 'string' },
  sink: { type: 'string', multiple: true },
  format: { type: 'string' },
  'allow-classes': { type: 'string', multiple: true },
  payload: { type: 'string' },
} as const;

const OPTIONS = {
  ...ENGINE_FLAGS,
  interval: { type: 'string' },
  'start-from': { type: 'string' },
  once: { type: 'boolean' },
  'reconcile-every': { type: 'string' },
  config: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The engine flags, and the `run` flags the Cliniko source depends on (absent for other commands). */
type Values = ReturnType<typeof parseFlags<typeof ENGINE_FLAGS>> & {
  readonly config?: string | undefined;
  readonly interval?: string | undefined;
};

const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

/** Validates every flag; `env` supplies the documented environment variables. */
export function parseRunOptions(args: readonly string[], env: NodeJS.ProcessEnv): RunOptions {
  const values = parseFlags(args, 'run', OPTIONS);
  const simulate = values.simulate === true;
  return {
    ...parseEngineOptions(values, env),
    intervalMs:
      values.interval === undefined
        ? simulate
          ? RUN_DEFAULTS.simulateIntervalMs
          : RUN_DEFAULTS.intervalMs
        : parseDuration('--interval', values.interval, { minMs: 1000, maxMs: 86_400_000 }),
    adaptive: values.interval === undefined,
    startFrom: startFromOf(values['start-from'] ?? RUN_DEFAULTS.startFrom),
    once: values.once === true,
    reconcileEverySeconds:
      values['reconcile-every'] === undefined
        ? undefined
        : parseDuration('--reconcile-every', values['reconcile-every'], {
            minMs: 0,
            maxMs: MAX_RECONCILE_EVERY_MS,
          }) / 1000,
  };
}

/** Validates the `ENGINE_FLAGS` of a command's parsed flags; `env` supplies the documented environment variables. */
export function parseEngineOptions(values: Values, env: NodeJS.ProcessEnv): EngineOptions {
  const simulate = values.simulate === true;
  const source = clinikoSource(values, env, simulate);
  const given = values['user-agent'] ?? env[USER_AGENT_ENV];
  // With --config the file's userAgent applies (the schema requires and checks it) unless one is given.
  const userAgent = values.config !== undefined && given === undefined ? '' : userAgentFor(given, simulate);
  const account = configFlag(
    '--account',
    values.account ?? (simulate ? RUN_DEFAULTS.simulateAccount : RUN_DEFAULTS.account),
  );
  return {
    source,
    userAgent,
    account,
    streams: values.streams === undefined ? CORE_STREAMS : parseStreamList('--streams', values.streams),
    state: stateOf(values, simulate),
    ...sinkOptions(values.sink, values.format, env),
    allowClasses: parseAllowClassesOption(values['allow-classes'], values.sink),
    payload: values.payload === undefined ? undefined : configFlag('--payload', values.payload),
  };
}

/** Thirty days: a listing rarer than that leaves deletes unreported for too long. */
const MAX_RECONCILE_EVERY_MS = 30 * 86_400_000;

function clinikoSource(values: Values, env: NodeJS.ProcessEnv, simulate: boolean): ClinikoSource {
  if (simulate) {
    if (values['api-key'] !== undefined) {
      throw new ConfigError(
        '--simulate',
        'use either --simulate (built-in simulator) or --api-key (a real account), not both',
      );
    }
    if (values.config !== undefined) {
      throw new ConfigError('--config', 'polls real accounts; use either --simulate or --config, not both');
    }
    if (values['base-url'] !== undefined) {
      throw new ConfigError(
        '--base-url',
        '--simulate starts its own simulator; leave out --base-url, or drop --simulate',
      );
    }
    return { kind: 'simulate', quirks: parseQuirksFlag(values.quirks ?? RUN_DEFAULTS.simulateQuirks) };
  }
  if (values.quirks !== undefined) {
    throw new ConfigError(
      '--quirks',
      'only applies to the built-in simulator; add --simulate or leave it out',
    );
  }
  const apiKey = (values['api-key'] ?? env[API_KEY_ENV] ?? '').trim();
  if (values.config !== undefined) {
    if (values['api-key'] !== undefined || values['base-url'] !== undefined) {
      throw new ConfigError(
        '--config',
        'polls the accounts of the configuration file; leave out --api-key and --base-url (each account has its own)',
      );
    }
    if (values.config.trim() === '')
      throw new ConfigError('--config', 'must name a file, e.g. --config config/bridge.json');
    return {
      kind: 'registry',
      configFile: resolve(values.config),
      intervalGiven: values.interval !== undefined,
    };
  }
  if (apiKey === '' && (values['state-dir'] !== undefined || values.table !== undefined)) {
    if (values['base-url'] !== undefined) {
      throw new ConfigError(
        '--base-url',
        'applies to --api-key; each registered account keeps its own (cliniko-bridge accounts add … --base-url)',
      );
    }
    return { kind: 'registry', intervalGiven: values.interval !== undefined };
  }
  if (apiKey === '') {
    throw new ConfigError(
      '--api-key',
      `no Cliniko account given: pass --api-key KEY (or set ${API_KEY_ENV}) for a real account, ` +
        'or --simulate to try the bridge against the built-in simulator, ' +
        'or --state-dir / --table to poll the accounts registered there (cliniko-bridge accounts add)',
    );
  }
  const baseUrl = values['base-url'];
  requireBaseUrlForSimulatorKey(apiKey, baseUrl);
  return { kind: 'cliniko', apiKey, baseUrl: baseUrl === undefined ? undefined : baseUrlOf(baseUrl) };
}

/** `--base-url`: https, or plain http to this machine only (a simulator). */
export function baseUrlOf(text: string): string {
  return configFlag('--base-url', text);
}

/** `--user-agent`/`CLINIKO_USER_AGENT`: required and validated for a real account. */
export function userAgentFor(value: string | undefined, simulate: boolean): string {
  if (value === undefined || value.trim() === '') {
    if (simulate) return SIMULATOR_USER_AGENT;
    throw new ConfigError(
      '--user-agent',
      `is required for a real Cliniko account: Cliniko identifies clients by a User-Agent of the form "Name (email@domain)". ` +
        `Pass e.g. --user-agent "${USER_AGENT_EXAMPLE}" or set ${USER_AGENT_ENV}`,
    );
  }
  return configFlag('--user-agent', value, { also: `(the flag, or ${USER_AGENT_ENV})` });
}

function startFromOf(text: string): string {
  const value = configFlag('--start-from', text);
  if (value === 'now' || value === 'beginning') return value;
  if (Date.parse(value) > Date.now())
    throw new ConfigError('--start-from', 'is in the future; use now instead');
  return value;
}

export function stateOf(
  values: { readonly 'state-dir'?: string; readonly table?: string },
  simulate: boolean,
): StateLocation {
  const dir = values['state-dir'];
  const table = values.table;
  if (dir !== undefined && table !== undefined) {
    throw new ConfigError('--table', 'use either --state-dir (local store) or --table (DynamoDB), not both');
  }
  if (table !== undefined) {
    if (!TABLE_NAME.test(table)) {
      throw new ConfigError('--table', 'must be a DynamoDB table name: 3-255 letters, digits, _ . or -');
    }
    return { kind: 'table', tableName: table };
  }
  if (dir !== undefined) {
    if (dir.trim() === '')
      throw new ConfigError('--state-dir', 'must name a directory, e.g. --state-dir .cliniko-bridge');
    return { kind: 'dir', path: resolve(dir) };
  }
  // The simulated account is new on every start, so state from an earlier simulation would not match it.
  return simulate ? { kind: 'memory' } : { kind: 'dir', path: resolve(DEFAULT_STATE_DIR) };
}
