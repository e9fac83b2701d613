/**
 * The flags of `cliniko-bridge resync`: `--since`/`--until`/`--json` of its own, and every flag of
 * `run` that says where Cliniko is, where state lives and where events go (`ENGINE_FLAGS`, parsed by
 * `run`'s own code). Every mistake is a `ConfigError` naming the flag (exit 2), before anything runs.
 */
import { ConfigError } from '../shared/errors.js';
import { parseFlags } from './flags.js';
import { parseIsoInstant } from './iso-instant.js';
import { JSON_HELP, JSON_OPTION } from './json-output.js';
import {
  ENGINE_FLAGS,
  type EngineOptions,
  EVENT_USAGE,
  parseEngineOptions,
  RUN_DEFAULTS,
  SOURCE_USAGE,
  STATE_USAGE,
} from './run-options.js';
import { SINK_USAGE, stdoutCarriesEvents } from './sink-options.js';
import { streamNamesForHelp } from './stream-list.js';

export const RESYNC_USAGE = `Usage: cliniko-bridge resync --since ISO [--until ISO] [--streams a,b,c] [--api-key KEY | --simulate] [options]

Re-reads from Cliniko the records changed since --since (by updated_at, or an archive, cancel or
delete time) and sends each record's current state to the sinks once: a record unchanged since the
bridge reported it goes out again as that event, under its original event id (consumers that have it
drop it as a duplicate); a record changed since goes out as a normal change event and is recorded as
reported, as a poll would. For consumers that lost events an archive no longer holds. Cursors never
move; it holds the account's lease while it runs (a poller of the same account waits for it).

Options:
  --since ISO              records changed at or after this UTC instant, e.g. 2026-01-31T00:00:00Z (required)
  --until ISO              and at or before this one (default: now)
  --streams a,b,c          streams to resync: core (default), all, or names of streams a run polled:
                           ${streamNamesForHelp()}
${SOURCE_USAGE}  --simulate               a new built-in simulator, to try the command: its state is in memory unless --state-dir
                           is given, and its records' links name a new port, so an earlier simulator's records go
                           out as changes
  --quirks LIST            with --simulate: Cliniko quirks to simulate (default: ${RUN_DEFAULTS.simulateQuirks})
${STATE_USAGE}${SINK_USAGE}${EVENT_USAGE}${JSON_HELP}  -h, --help               show this help

Progress and the summary go to stderr; with --json the summary is one JSON document on stdout instead
(and a console sink prints on stderr). Ctrl-C stops after the current page: what was sent stays sent.

Exit codes: 0 done, 2 bad arguments or nothing polled for this account, 3 Cliniko refused the key or
a permission, 1 anything else, 130 interrupted.
`;

const OPTIONS = {
  ...ENGINE_FLAGS,
  since: { type: 'string' },
  until: { type: 'string' },
  ...JSON_OPTION,
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ResyncCliOptions extends EngineOptions {
  readonly since: Date;
  /** Absent: up to now. */
  readonly until: Date | undefined;
  readonly json: boolean;
}

const EXAMPLE = '2026-01-31T00:00:00Z';

/** `now` is the current time in epoch milliseconds ("not in the future"). */
export function parseResyncOptions(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  now: number,
): ResyncCliOptions {
  const values = parseFlags(args, 'resync', OPTIONS);
  if (values.since === undefined || values.since.trim() === '') {
    throw new ConfigError(
      '--since',
      `is required: records changed at or after it are sent again, e.g. --since ${EXAMPLE}`,
    );
  }
  const since = parseIsoInstant('--since', values.since);
  if (since.getTime() > now) {
    throw new ConfigError('--since', 'is in the future; nothing has changed since then');
  }
  const until = values.until === undefined ? undefined : parseIsoInstant('--until', values.until);
  if (until !== undefined && until.getTime() <= since.getTime()) {
    throw new ConfigError('--until', 'must be after --since: the records sent changed between the two');
  }
  const engine = parseEngineOptions(values, env);
  const json = values.json === true;
  if (json && stdoutCarriesEvents(engine.sinks)) {
    throw new ConfigError(
      '--json',
      'puts the summary on stdout, which --sink ndjson:- already fills with events; drop one of them ' +
        '(without --json the summary goes to stderr)',
    );
  }
  return { ...engine, since, until, json };
}
