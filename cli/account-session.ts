/**
 * What `run` and `resync` open for one account: the simulator (with `--simulate`), the Cliniko
 * client, the state store, live progress and the sinks, each handed to `closers` as soon as it is
 * open, so a failure part-way closes what was opened — and the engine's dependencies over them.
 */
import { ClinikoClient } from '../shared/cliniko/client.js';
import type { SyncDeps } from '../shared/engine/sync.js';
import { type RunningSimulator, startSimulator } from '../simulator/index.js';
import type { Closer } from './closers.js';
import type { CommandIo } from './main.js';
import { Progress } from './progress.js';
import type { EngineOptions } from './run-options.js';
import { buildSinks, type SinkSet } from './sink-publishers.js';
import { type OpenedState, openState } from './state-location.js';
import { LOG_LEVEL_ENV, StderrLogger } from './stderr-logger.js';

export interface AccountSession {
  readonly simulator: RunningSimulator | undefined;
  readonly cliniko: ClinikoClient;
  readonly state: OpenedState;
  readonly progress: Progress;
  readonly sinks: SinkSet;
  /** The engine's dependencies: the client seen through progress, the keys, state, sinks, a stderr logger. */
  syncDeps(): Promise<SyncDeps>;
}

export interface AccountSessionSettings {
  /** The simulator's background changes a minute (`--simulate`). @default 0 */
  readonly churnPerMinute?: number;
  /** Where the sinks write: `io`, or another (`resync --json` keeps stdout for its summary). */
  readonly sinkIo?: CommandIo;
}

export async function openAccountSession(
  options: EngineOptions,
  io: CommandIo,
  closers: Closer[],
  settings: AccountSessionSettings = {},
): Promise<AccountSession> {
  let simulator: RunningSimulator | undefined;
  if (options.source.kind === 'simulate') {
    simulator = await startSimulator({
      churnPerMinute: settings.churnPerMinute,
      quirks: options.source.quirks,
    });
    closers.push(() => simulator?.close());
  }
  // A registry source (every account of a store) is the fleet's path, never this one.
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
  const sinks = buildSinks(options.sinks, settings.sinkIo ?? io, {
    wrapConsole: (publisher) => progress.publisher(publisher),
    format: options.format,
    streams: options.streams,
    allowClasses: options.allowClasses,
  });
  closers.push(() => sinks.close());
  return {
    simulator,
    cliniko,
    state,
    progress,
    sinks,
    syncDeps: async () => ({
      cliniko: progress.reader(cliniko),
      keys: await state.keys(),
      state: state.store,
      publisher: sinks.publisher,
      logger: new StderrLogger(io.stderr, io.env[LOG_LEVEL_ENV]),
      ...(state.leaseOwner === undefined ? {} : { owner: state.leaseOwner }),
    }),
  };
}
