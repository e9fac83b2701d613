/**
 * The fleet end to end on AWS protocols (moto on loopback): the dispatcher Lambda reads the
 * deployed configuration from S3, seeds the registry in DynamoDB and hands the due accounts to the
 * SQS work queue; the poller Lambda takes them from there as an SQS batch and polls the Cliniko
 * simulator, each account with its own key (Secrets Manager or SSM) under its own lease; the events
 * reach a queue through a rule on the bus. Registry changes (pause, remove) take effect at the next
 * tick without a redeploy, and two dispatches racing never poll one account twice at once.
 */
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsDispatcherDeps } from '../../functions/dispatcher/aws-deps.js';
import { makeDispatcher } from '../../functions/dispatcher/handler.js';
import { awsPollerDeps } from '../../functions/poller/aws-deps.js';
import { makeHandler } from '../../functions/poller/handler.js';
import { METRIC_NAMESPACE, SERVICES } from '../../functions/poller/poll-metrics.js';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { safeParseChangeEvent } from '../../shared/events/schema.js';
import { DynamoDbAccountRegistry } from '../../shared/fleet/dynamodb-registry.js';
import { phaseMs } from '../../shared/fleet/schedule.js';
import { createStateTable } from '../../shared/state/dynamodb-state-store.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { runCli } from '../cli/cli-process.js';
import { lambdaContext, USER_AGENT } from '../functions/poller/poller-harness.js';
import { createDeployedContentKeySecret } from './content-key-secret.js';
import { deployConfig } from './deployed-config.js';
import {
  busRoutedToQueue,
  drainQueue,
  requireMotoEndpoint,
  uniqueName,
  withEnvelopeAccount,
} from './moto-endpoint.js';

const MINUTE = 60_000;
const busName = uniqueName('fleet-events');
const tableName = uniqueName('fleet-state');
/** Two account ids whose slot falls in the first two seconds of a minute, so a tick's delays are short. */
const [first = '', second = ''] = earlyAccounts(uniqueName('fleet'), 2);
let sim: RunningSimulator;
let sqs: SQSClient;
let dynamo: DynamoDBClient;
let eventsQueueUrl: string;
let workQueueUrl: string;
let configUri: string;
let contentKeySecretArn: string;
let restoreOutput: () => void;
const output: string[] = [];

function earlyAccounts(prefix: string, count: number): string[] {
  const ids: string[] = [];
  for (let n = 0; ids.length < count; n += 1) {
    const id = `${prefix}-${n}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    if (phaseMs(id, MINUTE) < 2000) ids.push(id);
  }
  return ids;
}

beforeAll(async () => {
  requireMotoEndpoint();
  sim = await startSimulator({ seed: 61, accounts: 2, patients: 8, appointments: 0 });
  const secrets = new SecretsManagerClient({});
  const ssm = new SSMClient({});
  // The configured clinic's key in Secrets Manager; the second's goes to SSM through `accounts add`.
  await secrets.send(
    new CreateSecretCommand({ Name: `cliniko/${first}`, SecretString: sim.apiKeys[0] ?? '' }),
  );
  contentKeySecretArn = (
    await createDeployedContentKeySecret(secrets, uniqueName('cliniko-bridge/content-key'))
  ).arn;
  secrets.destroy();
  ssm.destroy();
  dynamo = new DynamoDBClient({});
  await createStateTable(dynamo, tableName);
  sqs = new SQSClient({});
  eventsQueueUrl = await busRoutedToQueue(sqs, busName, { source: ['cliniko'] });
  workQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('work') }))).QueueUrl ?? '';
  configUri = await deployConfig(
    {
      accounts: [
        { id: first, apiKeySecret: `cliniko/${first}`, baseUrl: sim.baseUrl, streams: ['patients'] },
      ],
      userAgent: USER_AGENT,
      startFrom: 'beginning',
      eventBus: { mode: 'import', name: busName },
    },
    tableName,
  );
  // The second clinic is onboarded at runtime with the CLI: its key into SSM, its entry into the registry.
  const added = await accountsCli(
    [
      'add',
      second,
      '--key-store',
      'ssm',
      '--api-key-stdin',
      '--base-url',
      sim.baseUrl,
      '--streams',
      'patients',
    ],
    sim.apiKeys[1] ?? '',
  );
  expect([added.code, added.stderr]).toEqual([0, '']);
  expect(added.stdout).toContain(`SSM SecureString parameter /cliniko/${second}`);
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
  dynamo?.destroy();
  await sim?.close();
});

/** `cliniko-bridge accounts … --table` as an operator runs it, against moto. */
function accountsCli(args: readonly string[], input?: string) {
  return runCli(
    ['accounts', ...args, '--table', tableName],
    {
      AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      CLINIKO_BRIDGE_CONTENT_KEY_SECRET: contentKeySecretArn,
    },
    { timeoutMs: 60_000, ...(input === undefined ? {} : { input }) },
  );
}

const env = () => ({
  ...process.env,
  AWS_REGION: 'us-east-1',
  BRIDGE_CONFIG_URI: configUri,
  STATE_TABLE_NAME: tableName,
  EVENT_BUS_NAME: busName,
  CONTENT_KEY_SECRET: contentKeySecretArn,
  WORK_QUEUE_URL: workQueueUrl,
});

/** A dispatcher container whose clock says `nowMs`. */
function dispatcher(nowMs: number) {
  const logger = new PowertoolsLogger({ serviceName: SERVICES.dispatcher });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICES.dispatcher });
  return makeDispatcher({ ...awsDispatcherDeps({ logger, metrics, env: env() }), now: () => nowMs });
}

function poller() {
  const logger = new PowertoolsLogger({ serviceName: SERVICES.poller });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICES.poller });
  return makeHandler(awsPollerDeps({ logger, metrics, env: env() }));
}

/** Every work message the queue delivers within a few seconds, as the SQS event Lambda would get. */
async function takeWork(): Promise<SQSEvent> {
  const records: SQSEvent['Records'] = [];
  for (let empty = 0; empty < 3; ) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: workQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages === undefined || Messages.length === 0) {
      empty += 1;
      continue;
    }
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: workQueueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
    for (const message of Messages) {
      records.push({
        messageId: message.MessageId ?? '',
        body: message.Body ?? '',
      } as SQSEvent['Records'][number]);
    }
  }
  return { Records: records };
}

const accountsOf = (work: SQSEvent) =>
  work.Records.map((r) => (JSON.parse(r.body) as { account: string }).account);

async function drainEvents(): Promise<ChangeEvent[]> {
  return (await drainQueue(sqs, eventsQueueUrl)).map((body) => {
    const parsed = safeParseChangeEvent(withEnvelopeAccount(body));
    if (!parsed.success) throw new Error(`delivered event breaks the contract: ${parsed.error.message}`);
    return parsed.data;
  });
}

describe('the fleet on moto: dispatcher → SQS → poller', () => {
  it('polls a configured and a runtime-added account, then follows pause and remove without a redeploy', async () => {
    const tick = Math.ceil(Date.now() / MINUTE) * MINUTE;

    const first_tick = await dispatcher(tick)({}, lambdaContext());
    const work = await takeWork();
    const result = await poller()(work, lambdaContext());
    const events = await drainEvents();

    expect(first_tick).toMatchObject({ registered: 2, dispatched: 2, overdue: 0 });
    expect(accountsOf(work).sort()).toEqual([first, second].sort());
    expect(result).toEqual({ batchItemFailures: [] });
    const byAccount = (account: string) => events.filter((e) => e.detail.account === account);
    expect(byAccount(first).length).toBeGreaterThan(0);
    expect(byAccount(second).length).toBeGreaterThan(0);
    expect(events.every((e) => e['detail-type'] === 'patient.snapshot')).toBe(true);
    // Each account's records only: the two simulated clinics share no record id.
    const ids = (account: string) => new Set(byAccount(account).map((e) => e.detail.recordId));
    expect([...ids(first)].some((id) => ids(second).has(id))).toBe(false);

    const registry = new DynamoDbAccountRegistry({ client: dynamo, tableName });
    await registry.setPaused(second, true, new Date().toISOString());
    await dispatcher(tick + MINUTE)({}, lambdaContext());
    const afterPause = await takeWork();
    await registry.remove(first);
    const afterRemove = await dispatcher(tick + 2 * MINUTE)({}, lambdaContext());
    const lastWork = await takeWork();

    expect(accountsOf(afterPause)).toEqual([first]);
    expect(afterRemove).toMatchObject({ registered: 1, dispatched: 0 });
    expect(lastWork.Records).toEqual([]);
  });

  it('never polls one account twice at once when two dispatches race', async () => {
    const registry = new DynamoDbAccountRegistry({ client: dynamo, tableName });
    await registry.setPaused(second, false, new Date().toISOString());
    const tick = Math.ceil(Date.now() / MINUTE) * MINUTE + 10 * MINUTE;
    await drainEvents();

    await Promise.all([dispatcher(tick)({}, lambdaContext()), dispatcher(tick)({}, lambdaContext())]);
    const work = await takeWork();
    // Each message in its own invocation, all at once, as separate Lambda containers would run them.
    output.length = 0;
    await Promise.all(work.Records.map((record) => poller()({ Records: [record] }, lambdaContext())));

    expect(accountsOf(work)).toEqual([second, second]);
    const lines = output
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'));
    const messages = lines.map((line) => (JSON.parse(line) as { message?: string }).message);
    expect(messages.filter((m) => m === 'poll finished')).toHaveLength(1);
    expect(messages.filter((m) => m === 'poll skipped: another poller holds the account lease')).toHaveLength(
      1,
    );
  });

  it('stores a key added with the default store in Secrets Manager under the prefix, lists it, and purges it', async () => {
    const third = uniqueName('fleet-third').toLowerCase();
    const key = sim.apiKeys[0] ?? '';
    const added = await accountsCli(['add', third, '--api-key-stdin', '--base-url', sim.baseUrl], key);
    const listed = await accountsCli(['list', '--json']);
    const secrets = new SecretsManagerClient({});
    const stored = await secrets.send(new GetSecretValueCommand({ SecretId: `cliniko/${third}` }));
    const ssm = new SSMClient({});
    const parameter = await ssm.send(
      new GetParameterCommand({ Name: `/cliniko/${second}`, WithDecryption: true }),
    );

    expect(added.code).toBe(0);
    expect(added.stdout + added.stderr).not.toContain(key);
    expect(stored.SecretString).toBe(key);
    expect(parameter.Parameter?.Value).toBe(sim.apiKeys[1]);
    expect(JSON.parse(listed.stdout)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ account: third, keyStore: 'secretsmanager', paused: false }),
      ]),
    );

    const purged = await accountsCli(['purge', third, '--yes']);
    expect(purged.code).toBe(0);
    const described = await secrets.send(new DescribeSecretCommand({ SecretId: `cliniko/${third}` }));
    expect(described.DeletedDate).toBeInstanceOf(Date);
    expect(await new DynamoDbAccountRegistry({ client: dynamo, tableName }).get(third)).toBeUndefined();
    secrets.destroy();
    ssm.destroy();
  });
});
