/**
 * `cliniko-bridge run`: the local runner. Wires the Cliniko client (a real account or an in-process
 * simulator), the state store, the sinks and the progress display around the same engine the Lambda
 * poller runs, then polls once (`--once`) or every interval until SIGINT/SIGTERM.
 */

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ClinikoClient } from '../shared/cliniko/client.js';
import { baseUrlForKey } from '../shared/cliniko/shard.js';
import { type BridgeConfig, parseBridgeConfig, parseBridgeConfigJson } from '../shared/config/index.js';
import type { SyncOptions } from '../shared/engine/sync.js';
import { describeError } from '../shared/error-description.js';
import { ConfigError } from '../shared/errors.js';
import { AccountWorker } from '../shared/fleet/account-worker.js';
import { FleetRunner } from '../shared/fleet/fleet-runner.js';
import { seedRegistry } from '../shared/fleet/seed.js';
import { maxEntryBytesFor } from '../shared/sinks/sink-spec.js';
import { openAccountSession } from './account-session.js';
import { apiKeyReaderFor, LocalKeyFile } from './api-key-store.js';
import { type Closer, closeAll } from './closers.js';
import { formatDuration } from './duration.js';
import { wantsHelp } from './flags.js';
import { localConfig, localSyncOptions } from './local-sync-options.js';
import type { Command, CommandIo } from './main.js';
import { PollRunner } from './poll-runner.js';
import { parseRunOptions, RUN_USAGE, type RunOptions } from './run-options.js';
import { Shutdown } from './shutdown.js';
import { simulatorBanner } from './simulator-banner.js';
import { buildSinks, checkSinks } from './sink-publishers.js';
import { type OpenedState, openState } from './state-location.js';
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
  if (options.source.kind === 'registry') return runFleet(options, io, shutdown, closers);
  const session = await openAccountSession(options, io, closers, {
    churnPerMinute: SIMULATE_CHURN_PER_MINUTE,
  });
  const { simulator, cliniko, state, progress, sinks } = session;

  io.stderr.write(`${startLine(options, cliniko.baseUrl, simulator !== undefined)}\n`);
  io.stderr.write(`State: ${state.description}. Sinks: ${sinks.descriptions.join(', ')}.\n`);
  if (simulator !== undefined) {
    io.stderr.write(
      await simulatorBanner({ simulator, cliniko, options, churnPerMinute: SIMULATE_CHURN_PER_MINUTE }),
    );
  }

  const runner = new PollRunner({
    deps: await session.syncDeps(),
    syncOptions: syncOptionsOf(options, shutdown.signal),
    intervalMs: options.intervalMs,
    shutdown,
    progress,
    stderr: io.stderr,
    announceEvents: !options.sinks.some((sink) => sink.kind === 'console'),
    rateLimitedCount: () => cliniko.stats.rateLimited,
  });
  shutdown.pollingStarted();
  if (options.once) return runner.once();
  return options.adaptive ? runner.adaptive(localConfig(options)) : runner.loop();
}

/**
 * `run --state-dir DIR` / `--table NAME` without a key: every account of that store's registry,
 * polled concurrently by the fleet runner with the same `AccountWorker` the Lambda poller uses —
 * each account under its own Cliniko client (rate budget) and lease, its events tagged with its id.
 */
async function runFleet(
  options: RunOptions,
  io: CommandIo,
  shutdown: Shutdown,
  closers: Closer[],
): Promise<number> {
  const state = await openState(options.state, io.env);
  closers.push(() => state.close());
  const source = options.source.kind === 'registry' ? options.source : { intervalGiven: true };
  const fileConfig =
    'configFile' in source && source.configFile !== undefined
      ? await registerConfiguredAccounts(source.configFile, options, state, io)
      : undefined;
  const accounts = (await state.registry.list()).filter((account) => !account.paused);
  if (accounts.length === 0) {
    throw new ConfigError(
      '--api-key',
      `${state.description} has no active account registered: add one with \`cliniko-bridge accounts add ID --api-key-stdin\`, or pass --api-key KEY`,
    );
  }
  const config =
    fileConfig === undefined
      ? parseBridgeConfig({
          accounts: accounts.map((account) => ({ id: account.id, apiKeySecret: `cliniko/${account.id}` })),
          userAgent: options.userAgent,
          payload: { default: options.payload === undefined ? {} : { mode: options.payload } },
          startFrom: options.startFrom,
          maxEntryBytes: maxEntryBytesFor(options.sinks),
        })
      : {
          ...fileConfig,
          ...(options.userAgent === '' ? {} : { userAgent: options.userAgent }),
          maxEntryBytes: maxEntryBytesFor(options.sinks, fileConfig.maxEntryBytes),
        };
  const intervalMs =
    fileConfig === undefined || source.intervalGiven ? options.intervalMs : config.pollRateMinutes * 60_000;
  // Each sink takes only the data classes it is allowed (`--allow-classes`), as in a single-account run.
  const sinks = buildSinks(options.sinks, io, {
    wrapConsole: (publisher) => publisher,
    format: options.format,
    allowClasses: options.allowClasses,
  });
  closers.push(() => sinks.close());
  const clients: ClinikoClient[] = [];
  closers.push(() => Promise.all(clients.map((client) => client.close())).then(() => undefined));
  const worker = new AccountWorker({
    config,
    registry: state.registry,
    readApiKey: apiKeyReaderFor(
      options.state.kind === 'dir' ? new LocalKeyFile(options.state.path) : undefined,
    ),
    contentKeys: () => state.keys(),
    state: state.store,
    publisher: sinks.publisher,
    logger: new StderrLogger(io.stderr, io.env[LOG_LEVEL_ENV]),
    createCliniko: (clientOptions) => {
      const client = new ClinikoClient(clientOptions);
      clients.push(client);
      return client;
    },
  });
  io.stderr.write(
    `Polling ${accounts.length} registered account${accounts.length === 1 ? '' : 's'} (${accounts.map((a) => a.id).join(', ')}) ` +
      `${options.once ? 'until each is caught up' : `every ${formatDuration(intervalMs)}; press Ctrl-C to stop`}.\n` +
      `State: ${state.description}. Sinks: ${sinks.descriptions.join(', ')}.\n`,
  );
  let failures = 0;
  const runner = new FleetRunner({
    registry: state.registry,
    statuses: state.store,
    worker,
    intervalMs,
    concurrency: config.fleet.workerConcurrency * config.fleet.accountsPerInvocation,
    owner: state.leaseOwner ?? `cli-${process.pid}`,
    signal: shutdown.signal,
    runtime: {
      ...(options.reconcileEverySeconds === undefined
        ? {}
        : { reconcileIntervalSeconds: options.reconcileEverySeconds }),
      pollIntervalMs: options.once ? null : intervalMs,
    },
    onPoll: (account, outcome) => {
      if ('error' in outcome) {
        failures += 1;
        io.stderr.write(`${account}: poll failed: ${describeError(outcome.error)}\n`);
        return;
      }
      const { poll } = outcome;
      if (poll.kind !== 'ran') {
        io.stderr.write(`${account}: skipped (${poll.kind})\n`);
        return;
      }
      if (!poll.report.ok) failures += 1;
      const events = poll.report.streams.reduce(
        (sum, stream) => sum + Object.values(stream.events).reduce((a, b) => a + (b ?? 0), 0),
        0,
      );
      io.stderr.write(
        `${account}: ${events} event${events === 1 ? '' : 's'}, ${poll.counters.requests} requests, ${poll.report.stopped}${poll.report.ok ? '' : ' (some streams failed; see above)'}\n`,
      );
    },
  });
  shutdown.pollingStarted();
  if (options.once) await runner.once(accounts.map((account) => account.id));
  else await runner.loop();
  return failures > 0 ? 1 : 0;
}

/**
 * `run --config FILE`: the CDK app's configuration file registers its accounts in the store (once per
 * version of the file, like the dispatcher after a deploy, so an `accounts remove` sticks); an inline
 * key (`{"apiKey": "…"}`, local use only) goes to the state directory's key file.
 */
async function registerConfiguredAccounts(
  file: string,
  options: RunOptions,
  state: OpenedState,
  io: CommandIo,
): Promise<BridgeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', `cannot read ${file} (${describeError(error)})`);
  }
  const config = parseBridgeConfigJson(text, file);
  const local = options.state.kind === 'dir' ? new LocalKeyFile(options.state.path) : undefined;
  for (const [index, account] of config.accounts.entries()) {
    if (typeof account.apiKeySecret === 'string') continue;
    if (local === undefined) {
      throw new ConfigError(
        `accounts[${index}].apiKeySecret`,
        'an inline key needs a local --state-dir to keep it in; with --table, name a secret (cliniko/<id>)',
      );
    }
    await local.put(account.id, account.apiKeySecret.apiKey);
  }
  const version = `file:${createHash('sha256').update(text).digest('hex')}`;
  if ((await state.registry.seededFrom()) !== version) {
    const seeded = await seedRegistry(state.registry, config.accounts, new Date().toISOString(), (account) =>
      typeof account.apiKeySecret === 'string'
        ? { store: 'secretsmanager', secretId: account.apiKeySecret }
        : { store: 'local' },
    );
    await state.registry.markSeeded(version, new Date().toISOString());
    io.stderr.write(
      `Registered the accounts of ${file}: ${seeded.added} added, ${seeded.updated} updated, ${seeded.unchanged} unchanged` +
        `${seeded.conflicts > 0 ? `, ${seeded.conflicts} left as the accounts command set them` : ''}.\n`,
    );
  }
  return config;
}

/**
 * The engine options, from the same configuration schema and defaults as the Lambda poller. `--once`
 * also reads every `/deleted` feed, so "caught up" includes deletions whatever the feed interval.
 */
function syncOptionsOf(options: RunOptions, signal: AbortSignal): SyncOptions {
  // `--once` finishes everything it starts, id listings included; a loop gives them their share.
  const sync = localSyncOptions(options, {
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
    : `${options.adaptive ? 'each stream as it falls due (hot ones every 6-12 s, quiet ones less often)' : `every ${formatDuration(options.intervalMs)}`}${simulated ? '' : '; press Ctrl-C to stop'}`;
  return (
    `Polling ${simulated ? 'the simulator' : 'Cliniko'} at ${where} as account "${options.account}": ${streams} ${how}; ` +
    `streams without saved state start from ${options.startFrom}.`
  );
}
