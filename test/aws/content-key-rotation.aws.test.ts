/**
 * The content key secret end to end on AWS protocols (moto): the real poller handler reads a secret
 * holding exactly what CloudFormation generates from the CDK app's template, then the README's
 * rotation (add k2, make it current, reconcile, check that no live state is left under k1, drop k1)
 * runs with a fresh handler per phase, as new Lambda containers would read the secret.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
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
import { USER_AGENT } from '../functions/poller/poller-harness.js';
import {
  createDeployedContentKeySecret,
  generatedKeyMaterial,
  putContentKeys,
} from './content-key-secret.js';
import { deployConfig, invokeDirect } from './deployed-config.js';
import {
  busRoutedToQueue,
  drainQueue,
  requireMotoEndpoint,
  uniqueName,
  withEnvelopeAccount,
} from './moto-endpoint.js';

const account = 'rotating-clinic';
const busName = uniqueName('clinic-events');
const tableName = uniqueName('bridge-state');
const apiKeySecretName = uniqueName('cliniko/rotating-clinic');
let sim: RunningSimulator;
let configUri: string;
let secrets: SecretsManagerClient;
let dynamo: DynamoDBClient;
let sqs: SQSClient;
let queueUrl: string;
let contentKeySecret: { readonly arn: string; readonly value: string };
let output: string[];
let restoreOutput: () => void;

beforeAll(async () => {
  requireMotoEndpoint();
  sim = await startSimulator({ seed: 53, patients: 25, appointments: 0 });
  secrets = new SecretsManagerClient({});
  await secrets.send(
    new CreateSecretCommand({
      Name: apiKeySecretName,
      SecretString: JSON.stringify({ apiKey: sim.apiKeys[0] ?? '' }),
    }),
  );
  contentKeySecret = await createDeployedContentKeySecret(secrets, uniqueName('cliniko-bridge/content-key'));
  dynamo = new DynamoDBClient({});
  await createStateTable(dynamo, tableName);
  configUri = await deployConfig(
    {
      accounts: [
        { id: account, apiKeySecret: apiKeySecretName, baseUrl: sim.baseUrl, streams: ['patients'] },
      ],
      userAgent: USER_AGENT,
      startFrom: 'beginning',
      eventBus: { mode: 'import', name: busName },
    },
    tableName,
  );
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
  secrets?.destroy();
  dynamo?.destroy();
  sqs?.destroy();
  await sim?.close();
});

/** A new handler, as a new Lambda container: it reads the content key secret on first use. */
function freshHandler() {
  const env = {
    ...process.env,
    AWS_REGION: 'us-east-1',
    STATE_TABLE_NAME: tableName,
    EVENT_BUS_NAME: busName,
    CONTENT_KEY_SECRET: contentKeySecret.arn,
    BRIDGE_CONFIG_URI: configUri,
  };
  const logger = new PowertoolsLogger({ serviceName: 'cliniko-bridge-poller' });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'cliniko-bridge-poller' });
  return makeHandler(awsPollerDeps({ logger, metrics, env }));
}

async function drainEvents(): Promise<ChangeEvent[]> {
  return (await drainQueue(sqs, queueUrl)).map((body) => {
    const parsed = safeParseChangeEvent(withEnvelopeAccount(body));
    if (!parsed.success) throw new Error(`delivered event breaks the contract: ${parsed.error.message}`);
    return parsed.data;
  });
}

/**
 * The README's check before dropping a key: record states of live records (not deleted) whose
 * confirmed or pending version was written with `keyId`. Same filter as the README's
 * `aws dynamodb scan --select COUNT` command.
 */
async function liveStatesUnder(keyId: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, never> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({
        TableName: tableName,
        Select: 'COUNT',
        FilterExpression:
          'begins_with(sk, :record) AND #deleted = :no AND (#kid = :old OR #pending.#kid = :old)',
        ExpressionAttributeNames: { '#deleted': 'deleted', '#kid': 'kid', '#pending': 'pending' },
        ExpressionAttributeValues: {
          ':record': { S: 'RECORD#' },
          ':no': { BOOL: false },
          ':old': { S: keyId },
        },
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey !== undefined);
  return count;
}

async function changeEmail(id: string, email: string): Promise<void> {
  const response = await fetch(`${sim.baseUrl}/patients/${id}`, {
    method: 'PATCH',
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.apiKeys[0]}:`).toString('base64')}`,
      'user-agent': USER_AGENT,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify({ email }),
  });
  if (response.status !== 200)
    throw new Error(`simulator answered ${response.status} to PATCH /patients/${id}`);
}

describe('the content key secret as CloudFormation generates it, rotated as the README says', () => {
  it('keys the backfill with k1, rotates to k2 without a single event, and then names changed fields exactly', async () => {
    const k1 = (JSON.parse(contentKeySecret.value) as Record<string, string>).k1 ?? '';
    const k2 = await generatedKeyMaterial(secrets);

    const backfill = await invokeDirect(freshHandler(), { account });
    const snapshots = await drainEvents();
    expect(backfill.stopped).toBe('caught-up');
    expect(snapshots.length).toBeGreaterThan(0);
    expect(await liveStatesUnder('k1')).toBe(snapshots.length);

    // Phase 1: every poller learns k2 while k1 still signs.
    await putContentKeys(secrets, contentKeySecret.arn, { current: 'k1', k1, k2 });
    await invokeDirect(freshHandler(), { account });
    expect(await drainEvents()).toEqual([]);

    // Phase 2: k2 signs; a reconciliation re-reads every record and re-writes its state under k2.
    await putContentKeys(secrets, contentKeySecret.arn, { current: 'k2', k1, k2 });
    const reconciled = await invokeDirect(freshHandler(), { account, task: 'reconcile' });
    expect(reconciled.stopped).toBe('caught-up');
    expect(await drainEvents()).toEqual([]);
    expect(await liveStatesUnder('k1')).toBe(0);
    expect(await liveStatesUnder('k2')).toBe(snapshots.length);

    // Phase 3: k1 is dropped; a change is still compared exactly, field by field.
    await putContentKeys(secrets, contentKeySecret.arn, { current: 'k2', k2 });
    const edited = snapshots[0]?.detail.recordId ?? '';
    await changeEmail(edited, 'rotated@example.test');
    await invokeDirect(freshHandler(), { account });
    const after = await drainEvents();

    expect(after.map((e) => [e['detail-type'], e.detail.recordId, e.detail.changes?.fields])).toEqual([
      ['patient.updated', edited, ['email']],
    ]);
    const printed = output.join('');
    expect(printed).not.toContain(k1);
    expect(printed).not.toContain(k2);
  });
});
