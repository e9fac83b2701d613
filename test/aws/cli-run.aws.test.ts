/**
 * `cliniko-bridge run` with real AWS adapters: `--table` (DynamoDB) and `--sink eventbridge:BUS`
 * against moto on loopback, polling the simulator; a rule routes every event to SQS, read back here.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../shared/events/contract.js';
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
const busName = uniqueName('cli-events');
const tableName = uniqueName('cli-state');
let sim: RunningSimulator;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  const endpoint = requireMotoEndpoint();
  sim = await startSimulator({ seed: 51, patients: 12, appointments: 8 });
  const dynamo = new DynamoDBClient({});
  await createStateTable(dynamo, tableName);
  dynamo.destroy();
  sqs = new SQSClient({});
  queueUrl = await busRoutedToQueue(sqs, busName, { source: ['cliniko'] });
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
});

afterAll(async () => {
  sqs?.destroy();
  await sim?.close();
});

function awsEnv(): Record<string, string> {
  const pick = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  return Object.fromEntries(pick.map((name) => [name, process.env[name] ?? '']));
}

async function events(): Promise<ChangeEvent[]> {
  return (await drainQueue(sqs, queueUrl)).map((body) => {
    const parsed = safeParseChangeEvent(withEnvelopeAccount(body));
    if (!parsed.success) throw new Error(`delivered event breaks the contract: ${parsed.error.message}`);
    return parsed.data;
  });
}

describe('run with --table and --sink eventbridge against moto', () => {
  it('publishes a backfill through EventBridge, keeps its cursors in DynamoDB, and a second run adds nothing', async () => {
    const args = [
      'run',
      '--once',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      sim.apiKeys[0] ?? '',
      '--user-agent',
      USER_AGENT,
      '--account',
      'moto-cli',
      '--streams',
      'patients,businesses',
      '--start-from',
      'beginning',
      '--table',
      tableName,
      '--sink',
      `eventbridge:${busName}`,
    ];

    const first = await runCli(args, awsEnv());
    const backfill = await events();
    const second = await runCli(args, awsEnv());
    const after = await events();

    expect(first.code).toBe(0);
    expect(backfill.length).toBeGreaterThan(10);
    expect(new Set(backfill.map((e) => e.detail.type))).toEqual(
      new Set(['patient.snapshot', 'business.snapshot']),
    );
    expect(backfill.every((e) => e.detail.account === 'moto-cli')).toBe(true);
    expect(second.code).toBe(0);
    expect(after).toEqual([]);
  });
});
