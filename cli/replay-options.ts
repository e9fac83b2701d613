/**
 * The flags of `cliniko-bridge replay`, validated before any AWS call: every mistake is a
 * `ConfigError` naming the flag (exit 2).
 */
import { ConfigError } from '../shared/errors.js';
import { parseDuration } from './duration.js';
import { parseFlags } from './flags.js';
import { parseIsoInstant } from './iso-instant.js';
import { JSON_HELP, JSON_OPTION } from './json-output.js';

export const REPLAY_USAGE = `Usage: cliniko-bridge replay --bus NAME|ARN --archive NAME|ARN --since ISO --until ISO [options]

Replays the events an EventBridge archive holds for a time window back onto the bus they came from
(EventBridge StartReplay), so the bus's rules deliver them again, e.g. to a consumer that lost
them. Selects events by their envelope \`time\`: when the bridge detected each change (observedAt),
so backfills and late-detected changes of older records are included. Consumers dedupe on
detail.eventId, as always.

Options:
  --bus NAME|ARN           the deployed event bus (the stack output EventBusName)
  --archive NAME|ARN       the bus's archive (the stack output ArchiveArn)
  --since ISO              start of the window, a UTC instant, e.g. 2026-01-31T00:00:00Z
  --until ISO              end of the window (after --since, not in the future)
  --name NAME              the replay's name (default: cliniko-replay-<start time>); 1-64 of A-Z a-z 0-9 . _ -
  --wait                   wait until the replay completes, showing progress on stderr; exit 1 if it fails
  --poll-interval DURATION with --wait: time between status checks (default: 5s)
${JSON_HELP}  -h, --help               show this help

AWS credentials and region come from the standard AWS environment. Ctrl-C stops waiting, not the
replay (cancel it with \`aws events cancel-replay --replay-name NAME\`).

Exit codes: 0 started (or completed, with --wait), 2 bad arguments or an unknown bus/archive,
1 the replay failed or was cancelled, or AWS refused the call.
`;

const OPTIONS = {
  bus: { type: 'string' },
  archive: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  name: { type: 'string' },
  wait: { type: 'boolean' },
  'poll-interval': { type: 'string' },
  ...JSON_OPTION,
  help: { type: 'boolean', short: 'h' },
} as const;

export interface ReplayOptions {
  /** Bus name or ARN, as given. */
  readonly bus: string;
  /** Archive name (an ARN is reduced to its name, which DescribeArchive takes). */
  readonly archiveName: string;
  readonly since: Date;
  readonly until: Date;
  readonly name: string;
  readonly wait: boolean;
  readonly pollIntervalMs: number;
  readonly json: boolean;
}

const BUS_NAME = /^[A-Za-z0-9._\-/]{1,256}$/;
const BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]{1,256}$/;
const ARCHIVE_NAME = /^[A-Za-z0-9._-]{1,48}$/;
const ARCHIVE_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:archive\/([A-Za-z0-9._-]{1,48})$/;
const REPLAY_NAME = /^[A-Za-z0-9._-]{1,64}$/;

function required(values: Readonly<Record<string, unknown>>, flag: string, example: string): string {
  const value = values[flag];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`--${flag}`, `is required, e.g. --${flag} ${example}`);
  }
  return value.trim();
}

/** `now` is the current time in epoch milliseconds (for "not in the future" and the default name). */
export function parseReplayOptions(args: readonly string[], now: number): ReplayOptions {
  const values = parseFlags(args, 'replay', OPTIONS);
  const bus = required(values, 'bus', 'cliniko-events');
  if (!BUS_NAME.test(bus) && !BUS_ARN.test(bus)) {
    throw new ConfigError(
      '--bus',
      'expected an event bus name (1-256 of letters, digits, . _ - /) or an event bus ARN',
    );
  }
  const archive = required(values, 'archive', 'cliniko-events-archive');
  const archiveName = ARCHIVE_ARN.exec(archive)?.[1] ?? (ARCHIVE_NAME.test(archive) ? archive : undefined);
  if (archiveName === undefined) {
    throw new ConfigError(
      '--archive',
      'expected an archive name (1-48 of letters, digits, . _ -) or an archive ARN',
    );
  }
  const since = parseIsoInstant('--since', required(values, 'since', '2026-01-31T00:00:00Z'));
  const until = parseIsoInstant('--until', required(values, 'until', '2026-01-31T06:00:00Z'));
  if (since.getTime() >= until.getTime()) {
    throw new ConfigError('--since', 'must be before --until: the window runs from --since to --until');
  }
  if (until.getTime() > now) {
    throw new ConfigError(
      '--until',
      `is in the future; EventBridge replays only what was archived, so end the window at or before now (${new Date(now).toISOString().slice(0, 19)}Z)`,
    );
  }
  const name =
    values.name?.trim() ?? `cliniko-replay-${new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
  if (!REPLAY_NAME.test(name)) {
    throw new ConfigError(
      '--name',
      'must be 1-64 letters, digits, dots, underscores or dashes, e.g. --name backfill-orders',
    );
  }
  return {
    bus,
    archiveName,
    since,
    until,
    name,
    wait: values.wait === true,
    pollIntervalMs:
      values['poll-interval'] === undefined
        ? 5000
        : parseDuration('--poll-interval', values['poll-interval'], { minMs: 100, maxMs: 600_000 }),
    json: values.json === true,
  };
}
