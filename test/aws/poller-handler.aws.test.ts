/**
 * The poller Lambda end to end on AWS protocols: the real handler and its production adapters
 * (Secrets Manager, DynamoDB, EventBridge — all moto on loopback) polling the Cliniko simulator over
 * HTTP, with a rule on the bus routing `patient.*` events to an SQS queue that the test reads back.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsPollerDeps } from '../../functions/poller/aws-deps.js';
import { makeHandler } from '../../functions/poller/handler.js';
import { METRIC_NAMESPACE } from '../../functions/poller/poll-metrics.js';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { safeParseChangeEvent } from '../../shared/events/schema.js';
import { createStateTable } from '../../shared/state/dynamodb-state-store.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { createRecord, USER_AGENT } from '../functions/poller/poller-harness.js';
import { createDeployedContentKeySecret } from './content-key-secret.js';
import { deployConfig, invokeDirect } from './deployed-config.js';
import {
  busRoutedToQueue,
  drainQueue,
  requireMotoEndpoint,
  uniqueName,
  withEnvelopeAccount,
} from './moto-endpoint.js';

const account = 'moto-clinic';
const busName = uniqueName('clinic-events');
const tableName = uniqueName('bridge-state');
const secretName = uniqueName('cliniko/moto-clinic');
const contentKeySecretName = uniqueName('cliniko-bridge/content-key');
let sim: RunningSimulator;
let configUri: string;
let sqs: SQSClient;
let queueUrl: string;
let output: string[];
let restoreOutput: () => void;

beforeAll(async () => {
  requireMotoEndpoint();
  sim = await startSimulator({ seed: 41, patients: 30, appointments: 20 });
  const apiKey = sim.apiKeys[0] ?? '';

  const secrets = new SecretsManagerClient({});
  await secrets.send(new CreateSecretCommand({ Name: secretName, SecretString: JSON.stringify({ apiKey }) }));
  // The deployment's content key, generated as the CDK app's template has CloudFormation generate it.
  await createDeployedContentKeySecret(secrets, contentKeySecretName);
  secrets.destroy();
  const dynamo = new DynamoDBClient({});
  await createStateTable(dynamo, tableName);
  configUri = await deployConfig(
    {
      accounts: [
        { id: account, apiKeySecret: secretName, baseUrl: sim.baseUrl, streams: ['patients', 'contacts'] },
      ],
      userAgent: USER_AGENT,
      startFrom: 'beginning',
      eventBus: { mode: 'import', name: busName },
    },
    tableName,
  );
  dynamo.destroy();

  sqs = new SQSClient({});
  queueUrl = await busRoutedToQueue(sqs, busName, { 'detail-type': [{ prefix: 'patient.' }] });

  output = [];
  const capture = (chunk: unknown): boolean => {
    output.push(String(chunk));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  restoreOutput = () => {
    stdout.mockRestore();
    stderr.mockRestore();
  };
});

afterAll(async () => {
  restoreOutput?.();
  sqs?.destroy();
  await sim?.close();
});

async function drainEvents(): Promise<ChangeEvent[]> {
  return (await drainQueue(sqs, queueUrl)).map((body) => {
    const parsed = safeParseChangeEvent(withEnvelopeAccount(body));
    if (!parsed.success) throw new Error(`delivered event breaks the contract: ${parsed.error.message}`);
    return parsed.data;
  });
}

/** Every patient, archived ones included (the bridge reveals them on purpose). */
async function allPatients(): Promise<number> {
  const response = await fetch(`${sim.baseUrl}/patients?per_page=1&q[]=archived_at:*`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.apiKeys[0]}:`).toString('base64')}`,
      'user-agent': USER_AGENT,
      accept: 'application/json',
    },
  });
  return ((await response.json()) as { total_entries: number }).total_entries;
}

function handlerFor() {
  const env = {
    ...process.env,
    AWS_REGION: 'us-east-1',
    STATE_TABLE_NAME: tableName,
    EVENT_BUS_NAME: busName,
    CONTENT_KEY_SECRET: contentKeySecretName,
    BRIDGE_CONFIG_URI: configUri,
  };
  const logger = new PowertoolsLogger({ serviceName: 'cliniko-bridge-poller' });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'cliniko-bridge-poller' });
  return makeHandler(awsPollerDeps({ logger, metrics, env }));
}

describe('poller handler against moto and the simulator', () => {
  it('backfills as snapshots, routes patient events through the rule, then publishes only the new change', async () => {
    const handler = handlerFor();

    const first = await invokeDirect(handler, { account });
    const snapshots = await drainEvents();

    expect(first.stopped).toBe('caught-up');
    expect(snapshots.length).toBe(await allPatients());
    expect(new Set(snapshots.map((e) => e['detail-type']))).toEqual(new Set(['patient.snapshot']));
    expect(new Set(snapshots.map((e) => e.detail.recordId)).size).toBe(snapshots.length);

    const created = await createRecord(sim.baseUrl, sim.apiKeys[0] ?? '', 'patients', {
      first_name: 'Synthetic',
      last_name: 'Person',
    });
    const second = await invokeDirect(handler, { account });
    const delivered = await drainEvents();

    expect(second.stopped).toBe('caught-up');
    expect(delivered.map((e) => [e['detail-type'], e.detail.recordId])).toEqual([
      ['patient.created', created.id],
    ]);
    expect(output.join('')).not.toContain('Synthetic');
  });
});
