/**
 * Test wiring for the poller: the real handler over the simulator (HTTP), dynalite (DynamoDB
 * protocol), a recording publisher and a fake secret reader, with everything the process writes to
 * stdout/stderr captured so tests can inspect log lines and EMF documents.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { makeHandler, type PollerHandler, type PollResult } from '../../../functions/poller/handler.js';
import { METRIC_NAMESPACE, SERVICES } from '../../../functions/poller/poll-metrics.js';
import type { PollerDeps } from '../../../functions/poller/poller-container.js';
import { parseApiKeySecret } from '../../../shared/aws/api-key-secret.js';
import { readContentKeys } from '../../../shared/aws/secrets.js';
import { ClinikoClient } from '../../../shared/cliniko/index.js';
import { type BridgeConfigInput, parseBridgeConfig } from '../../../shared/config/index.js';
import { generateContentKeySecret } from '../../../shared/engine/content-key.js';
import type { WorkerCliniko } from '../../../shared/fleet/account-worker.js';
import { DynamoDbAccountRegistry } from '../../../shared/fleet/dynamodb-registry.js';
import { seedRegistry } from '../../../shared/fleet/seed.js';
import type { WorkQueue } from '../../../shared/fleet/work-queue.js';
import { DynamoDbStateStore } from '../../../shared/state/dynamodb-state-store.js';
import type { LocalStateTable } from '../../support/dynalite.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';

export const USER_AGENT = 'Bridge Tests (bridge-tests@example.test)';
/** The secret the fake Secrets Manager serves the content key ring from. */
export const CONTENT_KEY_SECRET = 'cliniko-bridge/content-key';

export interface Harness {
  readonly handler: PollerHandler;
  /** Invokes the handler directly with `input`, as `aws lambda invoke` would. */
  direct(input: unknown, context?: Context): Promise<PollResult>;
  readonly publisher: RecordingPublisher;
  readonly store: DynamoDbStateStore;
  /** Secret ids read from the fake Secrets Manager, in order. */
  readonly secretReads: string[];
  /** Every stdout/stderr write so far. */
  readonly output: string[];
  /** Lines of `output` that are JSON log entries or EMF documents. */
  json(): Record<string, unknown>[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly config: BridgeConfigInput;
  readonly table: LocalStateTable;
  /** Secret id → the secret strings it returns, one per read (the last one repeats). */
  readonly secrets: Record<string, readonly string[]>;
  /** Replaces the engine, for outcomes the simulator cannot produce. */
  readonly sync?: PollerDeps['sync'];
  /** The work queue an adaptive worker hands its account on through. */
  readonly workQueue?: WorkQueue;
}

let nextRequest = 0;

/** A Lambda context whose deadline is `remainingMs` away. */
export function lambdaContext(remainingMs = 120_000): Context {
  nextRequest += 1;
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'cliniko-bridge-poller',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:ap-southeast-2:123456789012:function:cliniko-bridge-poller',
    memoryLimitInMB: '512',
    awsRequestId: `request-${nextRequest}`,
    logGroupName: '/aws/lambda/cliniko-bridge-poller',
    logStreamName: 'test-stream',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export function startHarness(options: HarnessOptions): Harness {
  const output: string[] = [];
  const capture = (chunk: unknown): boolean => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);

  const config = parseBridgeConfig(options.config);
  const publisher = new RecordingPublisher();
  const store = new DynamoDbStateStore({ client: options.table.client, tableName: options.table.tableName });
  const secretReads: string[] = [];
  const secrets: Record<string, readonly string[]> = {
    [CONTENT_KEY_SECRET]: [generateContentKeySecret()],
    ...options.secrets,
  };
  const readSecret = async (secretId: string) => {
    const values = secrets[secretId] ?? [];
    const value = values[Math.min(secretReads.filter((id) => id === secretId).length, values.length - 1)];
    secretReads.push(secretId);
    return value;
  };
  const clients: WorkerCliniko[] = [];
  const logger = new PowertoolsLogger({ serviceName: SERVICES.poller });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICES.poller });
  const registry = new DynamoDbAccountRegistry({
    client: options.table.client,
    tableName: options.table.tableName,
  });
  // What the dispatcher does after a deploy: the configuration's accounts become registered ones.
  const seeded = seedRegistry(registry, config.accounts, new Date().toISOString());

  const handler = makeHandler({
    environment: () => ({
      configUri: 's3://bridge-assets/bridge-config.json',
      stateTableName: options.table.tableName,
      eventBusName: 'clinic-events',
      region: 'ap-southeast-2',
      contentKeySecret: CONTENT_KEY_SECRET,
    }),
    loadConfig: async () => {
      await seeded;
      return config;
    },
    readApiKey: async (ref) => {
      if (ref.store !== 'secretsmanager') throw new Error(`unexpected key store ${ref.store}`);
      return parseApiKeySecret(await readSecret(ref.secretId));
    },
    contentKeys: ({ contentKeySecret }) => readContentKeys(readSecret, contentKeySecret),
    createCliniko: (clientOptions) => {
      const client = new ClinikoClient(clientOptions);
      clients.push(client);
      return client;
    },
    createStateStore: () => store,
    createRegistry: () => registry,
    createPublisher: () => publisher,
    logger,
    metrics,
    ...(options.sync ? { sync: options.sync } : {}),
    ...(options.workQueue ? { createWorkQueue: () => options.workQueue } : {}),
  });

  return {
    handler,
    direct: async (input, context = lambdaContext()) => {
      const result = await handler(input, context);
      if (!('stopped' in result)) throw new Error('a direct invocation answered like an SQS batch');
      return result;
    },
    publisher,
    store,
    secretReads,
    output,
    json: () =>
      output
        .flatMap((chunk) => chunk.split('\n'))
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    close: async () => {
      stdout.mockRestore();
      stderr.mockRestore();
      await Promise.all(clients.map((client) => client.close()));
    },
  };
}

/** Metric names and dimension sets of the EMF documents among `documents`. */
export function emfMetrics(documents: readonly Record<string, unknown>[]): {
  names: string[];
  dimensions: string[][];
} {
  const names: string[] = [];
  const dimensions: string[][] = [];
  for (const document of documents) {
    const aws = document._aws as {
      CloudWatchMetrics?: { Metrics: { Name: string }[]; Dimensions: string[][] }[];
    };
    for (const directive of aws?.CloudWatchMetrics ?? []) {
      names.push(...directive.Metrics.map((m) => m.Name));
      dimensions.push(...directive.Dimensions);
    }
  }
  return { names, dimensions };
}

/** POST a record to the simulator's Cliniko API, as a real client would. */
export async function createRecord(
  baseUrl: string,
  apiKey: string,
  resource: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/${resource}`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
      'user-agent': USER_AGENT,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`simulator answered ${response.status} to POST /${resource}`);
  return (await response.json()) as Record<string, unknown>;
}
