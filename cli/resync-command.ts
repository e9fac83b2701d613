/**
 * `cliniko-bridge resync`: wires the Cliniko client (a real account or an in-process simulator), the
 * state store and the sinks exactly as `run` does, then runs the resync use case
 * (`shared/engine/resync.ts`) once: progress and a line per stream on stderr, the summary on stderr
 * (or as one JSON document on stdout with `--json`).
 */
import { sleep } from '../shared/backoff.js';
import type { ResyncReport, ResyncStreamReport } from '../shared/engine/resync.js';
import { resyncAccount } from '../shared/engine/resync.js';
import { BridgeError, ConfigError } from '../shared/errors.js';
import type { Action } from '../shared/events/contract.js';
import { openAccountSession } from './account-session.js';
import { type Closer, closeAll } from './closers.js';
import { formatDuration } from './duration.js';
import { wantsHelp } from './flags.js';
import { writeJson } from './json-output.js';
import { localSyncOptions } from './local-sync-options.js';
import type { Command, CommandIo } from './main.js';
import { parseResyncOptions, RESYNC_USAGE, type ResyncCliOptions } from './resync-options.js';
import { checkSinks } from './sink-publishers.js';

/** Between attempts to take an account's lease that a poller holds. */
const LEASE_RETRY_MS = 2000;

/** The `--json` document. */
export interface ResyncSummary extends Omit<ResyncReport, 'streams'> {
  readonly totals: { records: number; resent: number; snapshots: number; changes: number };
  readonly streams: readonly ResyncStreamReport[];
}

export const resyncCommand: Command = async (args, io) => {
  if (wantsHelp(args)) {
    io.stdout.write(RESYNC_USAGE);
    return 0;
  }
  const options = parseResyncOptions(args, io.env, Date.now());
  // Node 20 is supported by this project; the SDK's notice about future versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const stop = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(1);
    io.stderr.write(`\n${name}: stopping after the current page; what was sent stays sent.\n`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const closers: Closer[] = [];
  try {
    return await resync(options, io, stop.signal, closers);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await closeAll(closers, io.stderr);
  }
};

async function resync(
  options: ResyncCliOptions,
  io: CommandIo,
  signal: AbortSignal,
  closers: Closer[],
): Promise<number> {
  if (options.source.kind === 'registry') {
    throw new ConfigError(
      '--api-key',
      'resync re-reads one account: pass its --api-key (and the --account its state is kept under)',
    );
  }
  await checkSinks(options.sinks);
  // With --json, stdout carries the summary alone: a console sink prints on stderr.
  const session = await openAccountSession(options, io, closers, {
    sinkIo: options.json ? { ...io, stdout: io.stderr } : io,
  });
  const { simulator, cliniko, state, progress, sinks } = session;

  const since = options.since.toISOString();
  const until = options.until?.toISOString();
  io.stderr.write(
    `Resyncing account "${options.account}" from ${simulator ? 'the simulator' : 'Cliniko'} at ${cliniko.baseUrl}: ` +
      `records of ${options.streams.length} stream${options.streams.length === 1 ? '' : 's'} changed from ${since} to ${until ?? 'now'}; ` +
      'unchanged ones go out under their original event ids, cursors stay where they are.\n',
  );
  io.stderr.write(`State: ${state.description}. Sinks: ${sinks.descriptions.join(', ')}.\n`);

  const deps = await session.syncDeps();
  const sync = localSyncOptions({ ...options, startFrom: 'now' }, { signal });
  const resyncOptions = {
    account: options.account,
    streams: sync.streams,
    since,
    ...(until === undefined ? {} : { until }),
    leaseTtlMs: sync.leaseTtlMs,
    signal,
    onStream: (report: ResyncStreamReport) => {
      progress.reset();
      io.stderr.write(`${streamLine(report)}\n`);
    },
  };

  // Resync writes record states as a poll does, so it takes the account's lease like one: a poller
  // holding it (a deployed schedule, for seconds each minute) is waited for, not raced.
  const started = Date.now();
  const leaseWaitMs = sync.leaseTtlMs + 5000;
  let report = await resyncAccount(deps, resyncOptions);
  while (report.stopped === 'lease-held') {
    if (signal.aborted) {
      io.stderr.write('Stopped while waiting for the account: nothing was sent.\n');
      return 130;
    }
    if (Date.now() - started > leaseWaitMs) {
      throw new BridgeError(
        `a poller still holds the lease of account "${options.account}" after ${formatDuration(leaseWaitMs)}; ` +
          'stop the other cliniko-bridge process (or wait for its lease to expire) and try again',
      );
    }
    if (Date.now() - started < LEASE_RETRY_MS) {
      io.stderr.write(`A poller holds the lease of account "${options.account}"; waiting for it…\n`);
    }
    await sleep(LEASE_RETRY_MS, signal);
    report = await resyncAccount(deps, resyncOptions);
  }

  const polled = report.streams.filter((s) => s.outcome !== 'never-polled');
  if (polled.length === 0) {
    throw new ConfigError(
      '--account',
      `no stream of account "${options.account}" was ever polled with this state (${state.description}), so nothing was ` +
        'reported that could be sent again: check --account and --state-dir/--table, or run `cliniko-bridge run` first' +
        (simulator === undefined
          ? ''
          : ' (--simulate keeps its state in memory unless --state-dir is given)'),
    );
  }
  const summary = summaryOf(report);
  if (options.json) writeJson(io.stdout, summary);
  io.stderr.write(`${summaryLine(summary)}\n`);
  const failed = report.streams.filter((s) => s.outcome === 'failed');
  if (failed.length > 0) return Math.max(...failed.map((s) => s.error?.exitCode ?? 1));
  return report.stopped === 'aborted' ? 130 : 0;
}

function summaryOf(report: ResyncReport): ResyncSummary {
  const totals = { records: 0, resent: 0, snapshots: 0, changes: 0 };
  for (const stream of report.streams) {
    totals.records += stream.records;
    totals.resent += stream.resent;
    totals.snapshots += stream.snapshots;
    totals.changes += changeCount(stream.changed);
  }
  return { ...report, totals };
}

function changeCount(changed: Partial<Record<Action, number>>): number {
  return Object.values(changed).reduce((sum, n) => sum + (n ?? 0), 0);
}

/** e.g. `1 change (updated 1)`; counts only, never record data. */
function changesText(changed: Partial<Record<Action, number>>): string {
  const count = changeCount(changed);
  const parts = Object.entries(changed)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([action, n]) => `${action} ${n}`);
  return `${count} change${count === 1 ? '' : 's'}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function streamLine(report: ResyncStreamReport): string {
  switch (report.outcome) {
    case 'never-polled':
      return `${report.stream}: skipped, never polled by this account's runs (nothing reported to send again)`;
    case 'failed':
      return `${report.stream}: failed: ${report.error?.message ?? report.error?.name ?? 'an error'}; the other streams go on`;
    default: {
      const records = `${report.records} record${report.records === 1 ? '' : 's'}`;
      const stopped = report.outcome === 'aborted' ? ' (stopped early)' : '';
      return (
        `${report.stream}: ${records}, ${report.resent} sent again under their original ids, ` +
        `${changesText(report.changed)}, ${report.snapshots} snapshot${report.snapshots === 1 ? '' : 's'}${stopped}`
      );
    }
  }
}

function summaryLine(summary: ResyncSummary): string {
  const { totals } = summary;
  const how = summary.stopped === 'aborted' ? 'Resync stopped early' : 'Resync done';
  return (
    `${how}: ${totals.records} record${totals.records === 1 ? '' : 's'} read, ${totals.resent} sent again under their original ids, ` +
    `${totals.changes} change${totals.changes === 1 ? '' : 's'}, ${totals.snapshots} snapshot${totals.snapshots === 1 ? '' : 's'} ` +
    `in ${(summary.durationMs / 1000).toFixed(1)}s; cursors unchanged.`
  );
}
