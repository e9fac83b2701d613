/**
 * `cliniko-bridge resync` as it would run against a deployment: `--table` (DynamoDB) and
 * `--sink eventbridge:BUS` on moto, after a `run` wrote the state. A rule routes every event to SQS.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeParseChangeEvent } from '../../shared/events/schema.js';
import { createStateTable } from '../../shared/state/dynamodb-state-store.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from '../cli/cli-process.js';
import {
  busRoutedToQueue,
  drainQueue,
  requireMotoEndpoint,
  uniqueName,
  withEnvelopeAccount,
} from './moto-endpoint.js';

const USER_AGENT = 'Bridge Tests (bridge-tests@example.test)';
const busName = uniqueName('resync-bus');
const tableName = uniqueName('resync-state');
let sim: RunningSimulator;
let sqs: SQSClient;
let queueUrl: string;

function awsEnv(): Record<string, string> {
  const pick = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  return Object.fromEntries(pick.map((name) => [name, process.env[name] ?? '']));
}

async function deliveredIds(): Promise<string[]> {
  const bodies = await drainQueue(sqs, queueUrl);
  return bodies
    .map((body) => {
      const parsed = safeParseChangeEvent(withEnvelopeAccount(body));
      if (!parsed.success) throw new Error(`delivered event breaks the contract: ${parsed.error.message}`);
      return parsed.data.detail.eventId;
    })
    .sort();
}

const common = () => [
  '--base-url',
  sim.baseUrl,
  '--api-key',
  sim.apiKeys[0] ?? '',
  '--user-agent',
  USER_AGENT,
  '--account',
  'moto-resync',
  '--streams',
  'patients,contacts',
  '--table',
  tableName,
  '--sink',
  `eventbridge:${busName}`,
];

beforeAll(async () => {
  requireMotoEndpoint();
  sim = await startSimulator({ seed: 71, patients: 8, appointments: 4 });
  const dynamo = new DynamoDBClient({});
  await createStateTable(dynamo, tableName);
  dynamo.destroy();
  sqs = new SQSClient({});
  queueUrl = await busRoutedToQueue(sqs, busName, { source: ['cliniko'] });
});

afterAll(async () => {
  sqs?.destroy();
  await sim?.close();
});

describe('resync with --table and --sink eventbridge against moto', () => {
  it("publishes every unchanged record again through EventBridge under the run's event ids", async () => {
    const run = await runCli(['run', '--once', '--start-from', 'beginning', ...common()], awsEnv(), {
      timeoutMs: 60_000,
    });
    expect(run.code, run.stderr).toBe(0);
    const published = await deliveredIds();
    expect(published.length).toBeGreaterThan(0);

    const resync = await runCli(
      ['resync', '--since', '2020-01-01T00:00:00Z', '--json', ...common()],
      awsEnv(),
      { timeoutMs: 60_000 },
    );

    expect(resync.code, resync.stderr).toBe(0);
    expect(await deliveredIds()).toEqual(published);
    expect(JSON.parse(resync.stdout)).toMatchObject({
      stopped: 'done',
      totals: { records: published.length, resent: published.length, changes: 0, snapshots: 0 },
    });
  });
});
