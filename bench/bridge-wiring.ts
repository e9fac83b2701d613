/**
 * How the benchmarks assemble the bridge: the production client, engine options as the poller uses
 * them, and a local DynamoDB (dynalite) behind the real `DynamoDbStateStore`.
 */
import { ClinikoClient } from '../shared/cliniko/client.js';
import { TokenBucket } from '../shared/cliniko/token-bucket.js';
import type { Logger } from '../shared/engine/ports.js';
import type { SyncReport } from '../shared/engine/report.js';
import {
  DEFAULT_SYNC_TIMING,
  type SyncDeps,
  type SyncOptions,
  syncAccount,
  withSettings,
} from '../shared/engine/sync.js';
import { DEFAULT_EVENT_OPTIONS } from '../shared/events/build.js';
import { type DynaliteServer, localDynamoDbClient, startDynalite } from '../shared/state/dynalite-server.js';
import { createStateTable, DynamoDbStateStore } from '../shared/state/dynamodb-state-store.js';
import { STREAMS, type StreamDefinition } from '../shared/streams.js';

export const BENCH_USER_AGENT = 'Cliniko Change Bridge Bench (bench@example.com)';
export const BENCH_ACCOUNT = 'bench-clinic';
const TABLE = 'bench-state';

/** The engine logs nothing the benchmark needs; printing would only cost CPU. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Sync options for a benchmark: every stream (or `streams`) with the default event settings. */
export function benchSyncOptions(
  overrides: Partial<Omit<SyncOptions, 'streams'>> & { readonly streams?: readonly StreamDefinition[] } = {},
): SyncOptions {
  const { streams = STREAMS, ...rest } = overrides;
  return {
    account: BENCH_ACCOUNT,
    streams: withSettings(streams, DEFAULT_EVENT_OPTIONS),
    startFrom: 'beginning',
    ...DEFAULT_SYNC_TIMING,
    ...rest,
  };
}

/**
 * One engine run that must succeed: the engine survives a failing stream and goes on, so a
 * benchmark that did not check would measure failures (a clock-skew refusal once made five of the
 * idle benchmark's ten polls fail at their first request, and its figures looked plausible).
 */
export async function syncOrThrow(deps: SyncDeps, options: SyncOptions): Promise<SyncReport> {
  const report = await syncAccount(deps, options);
  if (report.ok && report.skipped === undefined) return report;
  const failed = report.streams.filter((stream) => stream.stopped === 'failed');
  const why = [...new Set(failed.map((stream) => stream.error?.name ?? 'unknown'))].join(', ');
  throw new Error(
    `A benchmark poll did not run cleanly (${report.skipped ?? `${failed.length} streams failed: ${why}`}); its figures would measure the failure.`,
  );
}

export interface ClientSetup {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Client-side budget; the production default (200/min, burst 10) unless given. */
  readonly ratePerMinute?: number;
  readonly capacity?: number;
  /** The clock responses' `Date` headers are checked against: the simulator's, when it is simulated. */
  readonly now?: () => number;
}

export function benchClient(setup: ClientSetup): ClinikoClient {
  const rate = setup.ratePerMinute ?? 200;
  return new ClinikoClient({
    apiKey: setup.apiKey,
    userAgent: BENCH_USER_AGENT,
    baseUrl: setup.baseUrl,
    ...(setup.now === undefined ? {} : { now: setup.now }),
    bucket: new TokenBucket(
      setup.capacity === undefined
        ? { ratePerMinute: rate }
        : { ratePerMinute: rate, capacity: setup.capacity },
    ),
  });
}

export interface LocalState {
  readonly store: DynamoDbStateStore;
  close(): Promise<void>;
}

/** A DynamoDB-protocol store on an endpoint; starts dynalite in this process when none is given. */
export async function localState(endpoint?: string): Promise<LocalState> {
  const server: DynaliteServer | undefined = endpoint === undefined ? await startDynalite() : undefined;
  const client = localDynamoDbClient(endpoint ?? server?.endpoint ?? '');
  await createStateTable(client, TABLE);
  const store = new DynamoDbStateStore({ client, tableName: TABLE });
  return {
    store,
    async close() {
      client.destroy();
      await server?.close();
    },
  };
}
