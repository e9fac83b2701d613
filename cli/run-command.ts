/**
 * `cliniko-bridge run`: the local runner. Wires the Cliniko client (a real account or an in-process
 * simulator), the state store, the sinks and the progress display around the same engine the Lambda
 * poller runs, then polls once (`--once`) or every interval until SIGINT/SIGTERM.
 */
import { ClinikoClient } from '../shared/cliniko/client.js';
import { baseUrlForKey } from '../shared/cliniko/shard.js';
import { parseBridgeConfig, syncOptionsFor } from '../shared/config/index.js';
import type { SyncOptions } from '../shared/engine/sync.js';
import { maxEntryBytesFor } from '../shared/sinks/sink-spec.js';
import { type RunningSimulator, startSimulator } from '../simulator/index.js';
import { type Closer, closeAll } from './closers.js';
import { formatDuration } from './duration.js';
import { wantsHelp } from './flags.js';
import type { Command, CommandIo } from './main.js';
import { PollRunner } from './poll-runner.js';
import { Progress } from './progress.js';
import { parseRunOptions, RUN_USAGE, type RunOptions } from './run-options.js';
import { Shutdown } from './shutdown.js';
import { simulatorBanner } from './simulator-banner.js';
import { buildSinks, checkSinks } from './sink-publishers.js';
import { openState } from './state-location.js';
import { LOG_LEVEL_ENV, StderrLogger } from './stderr-logger.js';

/** Background changes per minute of `--simulate`: enough to see events within a few polls. */
export const SIMULATE_CHURN_PER_MINUTE = 40;

export const runCommand: Command = async (args, io) => {
  if (wantsHelp(args)) {
    io.stdout.write(RUN_USAGE);
    return 0;
  }
  const options = parseRunOptions(args, io.env);
  // Node 20 is supported by this project; the SDK's notice about future versions is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const shutdown = new Shutdown(io.stderr);
  const closers: Closer[] = [];
  try {
    return await run(options, io, shutdown, closers);
  } finally {
    shutdown.dispose();
    await closeAll(closers, io.stderr);
  }
};

async function run(
  options: RunOptions,
  io: CommandIo,
  shutdown: Shutdown,
  closers: Closer[],
): Promise<number> {
  await checkSinks(options.sinks);
  let simulator: RunningSimulator | undefined;
  if (options.source.kind === 'simulate') {
    simulator = await startSimulator({
      churnPerMinute: SIMULATE_CHURN_PER_MINUTE,
      quirks: options.source.quirks,
    });
    closers.push(() => simulator?.close());
  }
  const apiKey = options.source.kind === 'cliniko' ? options.source.apiKey : (simulator?.apiKeys[0] ?? '');
  const baseUrl = options.source.kind === 'cliniko' ? options.source.baseUrl : simulator?.baseUrl;
  const cliniko = new ClinikoClient({
    apiKey,
    userAgent: options.userAgent,
    ...(baseUrl === undefined ? {} : { baseUrl }),
  });
  closers.push(() => cliniko.close());

  const state = await openState(options.state, io.env);
  closers.push(() => state.close());
  const progress = new Progress({ out: io.stderr, live: io.stderr.isTTY === true });
  const sinks = buildSinks(options.sinks, io, {
    wrapConsole: (publisher) => progress.publisher(publisher),
    format: options.format,
    streams: options.streams,
    allowClasses: options.allowClasses,
  });
  closers.push(() => sinks.close());

  io.stderr.write(`${startLine(options, cliniko.baseUrl, simulator !== undefined)}\n`);
  io.stderr.write(`State: ${state.description}. Sinks: ${sinks.descriptions.join(', ')}.\n`);
  if (simulator !== undefined) {
    io.stderr.write(
      await simulatorBanner({ simulator, cliniko, options, churnPerMinute: SIMULATE_CHURN_PER_MINUTE }),
    );
  }

  const runner = new PollRunner({
    deps: {
      cliniko: progress.reader(cliniko),
      keys: state.keys,
      state: state.store,
      publisher: sinks.publisher,
      logger: new StderrLogger(io.stderr, io.env[LOG_LEVEL_ENV]),
      ...(state.leaseOwner === undefined ? {} : { owner: state.leaseOwner }),
    },
    syncOptions: syncOptionsOf(options, shutdown.signal),
    intervalMs: options.intervalMs,
    shutdown,
    progress,
    stderr: io.stderr,
    announceEvents: !options.sinks.some((sink) => sink.kind === 'console'),
  });
  shutdown.pollingStarted();
  return options.once ? runner.once() : runner.loop();
}

/**
 * The engine options, from the same configuration schema and defaults as the Lambda poller. `--once`
 * also reads every `/deleted` feed, so "caught up" includes deletions whatever the feed interval.
 */
function syncOptionsOf(options: RunOptions, signal: AbortSignal): SyncOptions {
  const config = parseBridgeConfig({
    accounts: [
      { id: options.account, apiKeySecret: 'local-run', streams: options.streams.map((s) => s.name) },
    ],
    userAgent: options.userAgent,
    // Without --payload the mode is left to each stream's data class, as in a config without one.
    payload: { default: options.payload === undefined ? {} : { mode: options.payload } },
    startFrom: options.startFrom,
    // Events are built once for every sink: a webhook among them keeps its own, smaller limit.
    maxEntryBytes: maxEntryBytesFor(options.sinks),
  });
  // `--once` finishes everything it starts, id listings included; a loop gives them their share.
  const sync = syncOptionsFor(config, options.account, {
    signal,
    pollIntervalMs: options.once ? null : options.intervalMs,
  });
  const reconciled =
    options.reconcileEverySeconds === undefined
      ? sync
      : { ...sync, reconcileIntervalSeconds: options.reconcileEverySeconds };
  return options.once ? { ...reconciled, deletedFeedIntervalSeconds: 0 } : reconciled;
}

function startLine(options: RunOptions, baseUrl: string, simulated: boolean): string {
  const where =
    options.source.kind === 'cliniko' && options.source.baseUrl === undefined
      ? `${baseUrl} (shard ${baseUrlForKey(options.source.apiKey).shard}, from the API key)`
      : baseUrl;
  const streams = `${options.streams.length} stream${options.streams.length === 1 ? '' : 's'}`;
  const how = options.once
    ? 'until every stream is caught up'
    : `every ${formatDuration(options.intervalMs)}${simulated ? '' : '; press Ctrl-C to stop'}`;
  return (
    `Polling ${simulated ? 'the simulator' : 'Cliniko'} at ${where} as account "${options.account}": ${streams} ${how}; ` +
    `streams without saved state start from ${options.startFrom}.`
  );
}
