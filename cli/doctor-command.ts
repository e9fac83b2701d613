/**
 * `cliniko-bridge doctor`: checks an API key before it goes into a deployment — the shard and base
 * URL, authentication, read permission per stream (one `per_page=1` request each, with the stream's
 * lifecycle filters, so it also shows Cliniko takes them), each stream's capabilities (further
 * lists such as inactive practitioners, and whether the legacy `/deleted` feed is served where the
 * engine would read it) and the rate-limit headroom — and prints a table. Read-only. Exit 0 all ok,
 * 3 the key was refused, 1 a stream failed (a 403 on one stream does not stop the others).
 */
import { ClinikoClient } from '../shared/cliniko/client.js';
import { baseUrlForKey } from '../shared/cliniko/shard.js';
import { DEFAULT_RATE_PER_MINUTE } from '../shared/cliniko/token-bucket.js';
import { USER_AGENT_EXAMPLE } from '../shared/cliniko/user-agent.js';
import type { ListPage } from '../shared/engine/ports.js';
import {
  ClinikoAuthError,
  ClinikoError,
  ClinikoForbiddenError,
  ClinikoNotFoundError,
  ClinikoUnavailableError,
  ConfigError,
} from '../shared/errors.js';
import { CORE_STREAMS, type StreamDefinition } from '../shared/streams.js';
import { parseFlags, wantsHelp } from './flags.js';
import { JSON_HELP, JSON_OPTION, printResult } from './json-output.js';
import type { Command } from './main.js';
import { API_KEY_ENV, baseUrlOf, USER_AGENT_ENV, userAgentFor } from './run-options.js';
import { requireBaseUrlForSimulatorKey } from './simulator-key.js';
import { parseStreamList, streamNamesForHelp } from './stream-list.js';
import { type Column, formatTable } from './text-table.js';

const USAGE = `Usage: cliniko-bridge doctor --api-key KEY --user-agent "Name (email)" [options]

Checks a Cliniko API key without writing anything: the shard and base URL it maps to, that Cliniko
accepts it, whether its user may read each stream (a stream it may not read is reported, and the
others are still checked), how each stream sees lifecycle changes (its lifecycle filters, further
lists such as /practitioners/inactive, whether the legacy /deleted feed is served), and the
rate-limit headroom. Prints a table.

Options:
  --api-key KEY            the key to check (or env ${API_KEY_ENV})
  --user-agent "Name (email)"  required by Cliniko (or env ${USER_AGENT_ENV}), e.g. "${USER_AGENT_EXAMPLE}"
  --base-url URL           check against this base URL instead of the key's shard (e.g. a simulator)
  --streams a,b,c          streams to check: core (default; the first eleven), all, or names:
                           ${streamNamesForHelp()}
${JSON_HELP}  -h, --help               show this help

With --json, stdout is one document: {"ok","outcome":"passed|failed|key-refused","exitCode",
"checks":[{"check","status":"ok|fail|warn|skipped","detail","stream"?}]}.

Exit codes: 0 all checks passed, 3 Cliniko refused the key, 1 a stream cannot be read, 2 bad arguments.
`;

const OPTIONS = {
  'api-key': { type: 'string' },
  'base-url': { type: 'string' },
  'user-agent': { type: 'string' },
  streams: { type: 'string' },
  ...JSON_OPTION,
  help: { type: 'boolean', short: 'h' },
} as const;

type Status = 'ok' | 'FAIL' | 'warn' | 'skipped';

interface Row {
  readonly check: string;
  readonly status: Status;
  readonly detail: string;
  /** Set on the rows of one stream. */
  readonly stream?: string;
}

/** The `--json` document. */
export interface DoctorReport {
  readonly ok: boolean;
  readonly outcome: 'passed' | 'failed' | 'key-refused';
  readonly exitCode: number;
  readonly checks: readonly {
    readonly check: string;
    readonly status: 'ok' | 'fail' | 'warn' | 'skipped';
    readonly detail: string;
    readonly stream?: string;
  }[];
}

const COLUMNS: readonly Column<Row>[] = [
  { title: 'check', cell: (row) => row.check },
  { title: 'status', cell: (row) => row.status },
  { title: 'detail', cell: (row) => row.detail },
];

const SHARD_SUFFIX = /-([a-z]{2}\d{1,2})$/i;

export const doctorCommand: Command = async (args, io) => {
  if (wantsHelp(args)) {
    io.stdout.write(USAGE);
    return 0;
  }
  const values = parseFlags(args, 'doctor', OPTIONS);
  const apiKey = (values['api-key'] ?? io.env[API_KEY_ENV] ?? '').trim();
  if (apiKey === '') {
    throw new ConfigError(
      '--api-key',
      `the key to check is required: pass --api-key KEY or set ${API_KEY_ENV}`,
    );
  }
  const userAgent = userAgentFor(values['user-agent'] ?? io.env[USER_AGENT_ENV], false);
  const baseUrl = values['base-url'] === undefined ? undefined : baseUrlOf(values['base-url']);
  requireBaseUrlForSimulatorKey(apiKey, baseUrl);
  const streams = values.streams === undefined ? CORE_STREAMS : parseStreamList('--streams', values.streams);

  const rows: Row[] = [shardRow(apiKey, baseUrl)];
  const client = new ClinikoClient({ apiKey, userAgent, ...(baseUrl === undefined ? {} : { baseUrl }) });
  let code = 0;
  try {
    const outcome = await checkStreams(client, streams);
    rows.push(outcome.auth, ...outcome.streams);
    const { requests, rateLimited } = client.stats;
    rows.push({
      check: 'rate limit',
      status: rateLimited > 0 ? 'warn' : 'ok',
      detail:
        `${requests} request${requests === 1 ? '' : 's'} used by this check of ${DEFAULT_RATE_PER_MINUTE}/min per user; ` +
        (rateLimited > 0
          ? `${rateLimited} × 429 seen: other clients of this Cliniko user are using the budget the bridge needs`
          : 'no 429 seen'),
    });
    code = outcome.auth.status === 'FAIL' ? 3 : rows.some((row) => row.status === 'FAIL') ? 1 : 0;
  } finally {
    await client.close();
  }
  printResult(io.stdout, values.json === true, reportOf(rows, code), () => renderText(rows));
  return code;
};

function reportOf(rows: readonly Row[], exitCode: number): DoctorReport {
  return {
    ok: exitCode === 0,
    outcome: exitCode === 0 ? 'passed' : exitCode === 3 ? 'key-refused' : 'failed',
    exitCode,
    checks: rows.map((row) => ({
      check: row.check,
      status: row.status === 'FAIL' ? 'fail' : row.status,
      detail: row.detail,
      ...(row.stream === undefined ? {} : { stream: row.stream }),
    })),
  };
}

function renderText(rows: readonly Row[]): string {
  const failed = rows.filter((row) => row.status === 'FAIL').length;
  return (
    formatTable(COLUMNS, rows) +
    (failed === 0 ? '\nAll checks passed.\n' : `\n${failed} check${failed === 1 ? '' : 's'} failed.\n`)
  );
}

function shardRow(apiKey: string, baseUrl: string | undefined): Row {
  const derived = baseUrlForKey(apiKey);
  const suffix = SHARD_SUFFIX.test(apiKey)
    ? `shard ${derived.shard} from the key's suffix`
    : `the key has no shard suffix, so shard ${derived.shard} (old keys belong to au1)`;
  if (baseUrl === undefined)
    return { check: 'shard / base URL', status: 'ok', detail: `${derived.baseUrl} (${suffix})` };
  const mismatch = baseUrl.startsWith('https://') && !baseUrl.startsWith(`https://api.${derived.shard}.`);
  return {
    check: 'shard / base URL',
    status: mismatch ? 'warn' : 'ok',
    detail: `${baseUrl} (given with --base-url; ${suffix}${mismatch ? ` → ${derived.baseUrl}` : ''})`,
  };
}

async function checkStreams(
  client: ClinikoClient,
  streams: readonly StreamDefinition[],
): Promise<{ auth: Row; streams: Row[] }> {
  const rows: Row[] = [];
  let auth: Row = { check: 'authentication', status: 'skipped', detail: 'no request was made' };
  for (const [index, stream] of streams.entries()) {
    const check = `stream ${stream.name}`;
    try {
      // One request shows the stream is readable and that Cliniko takes its lifecycle filters.
      const page = await client.listPage(stream.path, stream.arrayKey, {
        filters: stream.revealFilters,
        perPage: 1,
        page: 1,
      });
      rows.push({
        check,
        stream: stream.name,
        status: 'ok',
        detail: `readable${countOf(page)}; ${lifecycleOf(stream)}`,
      });
      if (auth.status === 'skipped')
        auth = { check: 'authentication', status: 'ok', detail: 'Cliniko accepted the key' };
      rows.push(...(await capabilityRows(client, stream)));
    } catch (error) {
      if (error instanceof ClinikoAuthError) {
        auth = { check: 'authentication', status: 'FAIL', detail: error.message };
        rows.push(...skipped(streams.slice(index), 'not checked: the key was refused'));
        break;
      }
      if (!(error instanceof ClinikoError)) throw error;
      if (error instanceof ClinikoForbiddenError && auth.status === 'skipped')
        auth = { check: 'authentication', status: 'ok', detail: 'Cliniko accepted the key' };
      rows.push({ check, stream: stream.name, status: 'FAIL', detail: failureOf(stream, error) });
      if (error instanceof ClinikoUnavailableError) {
        // Unreachable: every other request would wait out the same retries.
        rows.push(...skipped(streams.slice(index + 1), 'not checked: Cliniko was unreachable'));
        break;
      }
    }
  }
  return { auth, streams: rows };
}

function countOf(page: ListPage): string {
  return page.totalEntries === undefined ? '' : ` (${page.totalEntries} records)`;
}

/** How the stream sees lifecycle changes: its filterable timestamps, each read by a pass of its own. */
function lifecycleOf(stream: StreamDefinition): string {
  if (stream.lifecycleFilters.length > 0) return `lifecycle passes on ${stream.lifecycleFilters.join(', ')}`;
  return 'no lifecycle filter: deletes are found by reconciliation';
}

function failureOf(stream: StreamDefinition, error: ClinikoError): string {
  if (error instanceof ClinikoForbiddenError) {
    return `no permission (403): give the key's Cliniko user access to ${stream.name}, or leave the stream out with --streams`;
  }
  return error.message;
}

/**
 * The stream's further lists (inactive practitioners) and its legacy `/deleted` feed where the
 * engine would read it: a feed that is not served is a capability the account lacks, not a failure.
 */
async function capabilityRows(client: ClinikoClient, stream: StreamDefinition): Promise<Row[]> {
  const rows: Row[] = [];
  for (const list of stream.extraLists ?? []) {
    const check = `stream ${stream.name} ${list.path}`;
    try {
      const page = await client.listPage(list.path, list.arrayKey, { perPage: 1, page: 1 });
      rows.push({ check, stream: stream.name, status: 'ok', detail: `readable${countOf(page)}` });
    } catch (error) {
      if (!(error instanceof ClinikoError) || error instanceof ClinikoUnavailableError) throw error;
      rows.push({ check, stream: stream.name, status: 'FAIL', detail: failureOf(stream, error) });
    }
  }
  const feed = stream.deletedFeed;
  if (feed !== undefined && !stream.lifecycleFilters.includes('deleted_at')) {
    const check = `stream ${stream.name} ${feed.path}`;
    try {
      await client.listPage(feed.path, feed.arrayKey, { perPage: 1, page: 1 });
      rows.push({ check, stream: stream.name, status: 'ok', detail: 'served: deletes are read from it' });
    } catch (error) {
      if (!(error instanceof ClinikoNotFoundError)) throw error;
      rows.push({
        check,
        stream: stream.name,
        status: 'ok',
        detail: 'not served (404): deletes are found by reconciliation instead',
      });
    }
  }
  return rows;
}

function skipped(streams: readonly StreamDefinition[], detail: string): Row[] {
  return streams.map((stream) => ({
    check: `stream ${stream.name}`,
    stream: stream.name,
    status: 'skipped',
    detail,
  }));
}
