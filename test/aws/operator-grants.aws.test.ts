/**
 * The construct's operator grants against what the commands really send: `cliniko-bridge accounts`
 * and `cliniko-bridge replay` run, spawned, through a proxy in front of moto that records the IAM
 * action of every request. What they send must be exactly what `grantManageAccounts` and
 * `grantReplay` allow (test/infra/operator-grants.test.ts pins the template side): a new call in the
 * command without a grant fails here before it fails as an AccessDenied in someone's pipeline.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateArchiveCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS_KEY_ACTIONS, ACCOUNTS_TABLE_ACTIONS, REPLAY_ACTIONS } from '../../infra/change-bridge.js';
import { createStateTable } from '../../shared/state/dynamodb-state-store.js';
import { streamPk } from '../../shared/state/state-table.js';
import { runCli } from '../cli/cli-process.js';
import { busRoutedToQueue, requireMotoEndpoint, uniqueName } from './moto-endpoint.js';
import { type RecordingProxy, startRecordingProxy } from './recording-proxy.js';

const tableName = uniqueName('operator-state');
const busName = uniqueName('operator-bus');
const archiveName = uniqueName('operator-archive').slice(0, 48);
const [viaSecret, viaParameter] = [uniqueName('operator-a'), uniqueName('operator-b')];
let proxy: RecordingProxy;

/** The CLI as an operator runs it, its AWS calls through the recording proxy. */
function operatorCli(args: readonly string[], input?: string) {
  return runCli(
    args,
    {
      AWS_ENDPOINT_URL: proxy.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
    },
    { timeoutMs: 60_000, ...(input === undefined ? {} : { input }) },
  );
}

beforeAll(async () => {
  const endpoint = requireMotoEndpoint();
  const dynamo = new DynamoDBClient({});
  await createStateTable(dynamo, tableName);
  // A cursor of the first account, as a poll would have left it, for purge to delete.
  await dynamo.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { pk: { S: streamPk(viaSecret, 'patients') }, sk: { S: 'cursor' } },
    }),
  );
  dynamo.destroy();
  proxy = await startRecordingProxy(endpoint);
});

afterAll(async () => {
  await proxy?.close();
});

describe('cliniko-bridge accounts --table, through a recording proxy', () => {
  it('sends exactly the actions grantManageAccounts allows, across add, list, pause, resume, remove and purge', async () => {
    proxy.reset();
    const accounts = (...args: string[]) => operatorCli(['accounts', ...args, '--table', tableName]);
    const steps = [
      await operatorCli(
        ['accounts', 'add', viaSecret, '--api-key-stdin', '--table', tableName],
        'synthetic-key-one',
      ),
      // Adding it again replaces the stored key (the secret exists).
      await operatorCli(
        ['accounts', 'add', viaSecret, '--api-key-stdin', '--table', tableName],
        'synthetic-key-two',
      ),
      await operatorCli(
        ['accounts', 'add', viaParameter, '--key-store', 'ssm', '--api-key-stdin', '--table', tableName],
        'synthetic-key-three',
      ),
      await accounts('list', '--json'),
      await accounts('pause', viaSecret),
      await accounts('resume', viaSecret),
      await accounts('remove', viaParameter),
      await accounts('purge', viaSecret, '--yes', '--json'),
      // Removed first: its key is deleted all the same.
      await accounts('purge', viaParameter, '--yes', '--json'),
    ];

    expect(steps.map((step) => [step.code, step.stderr])).toEqual(steps.map(() => [0, '']));
    expect(proxy.actions()).toEqual([...ACCOUNTS_TABLE_ACTIONS, ...ACCOUNTS_KEY_ACTIONS].sort());
    for (const step of steps) expect(step.stdout).not.toContain('synthetic-key');
    const purged = steps.slice(-2).map((step) => JSON.parse(step.stdout) as Record<string, unknown>);
    expect(purged).toEqual([
      { account: viaSecret, purged: true, stateItems: 1, keysDeleted: 1 },
      { account: viaParameter, purged: true, stateItems: 0, keysDeleted: 1 },
    ]);
  });
});

describe('cliniko-bridge replay, through a recording proxy', () => {
  it('sends exactly the actions grantReplay allows', async () => {
    const sqs = new SQSClient({});
    const eventBridge = new EventBridgeClient({});
    try {
      await busRoutedToQueue(sqs, busName, { source: ['cliniko'] });
      const busArn = `arn:aws:events:us-east-1:123456789012:event-bus/${busName}`;
      await eventBridge.send(new CreateArchiveCommand({ ArchiveName: archiveName, EventSourceArn: busArn }));
      const since = new Date(Date.now() - 60_000).toISOString();
      await eventBridge.send(
        new PutEventsCommand({
          Entries: [
            { EventBusName: busName, Source: 'cliniko', DetailType: 'patient.updated', Detail: '{}' },
          ],
        }),
      );
      proxy.reset();

      const replay = await operatorCli([
        'replay',
        '--bus',
        busName,
        '--archive',
        archiveName,
        '--since',
        since,
        '--until',
        new Date(Date.now() - 1000).toISOString(),
        '--wait',
        '--poll-interval',
        '200ms',
      ]);

      expect([
        replay.code,
        replay.stderr.includes('COMPLETED') || replay.stdout.includes('COMPLETED'),
      ]).toEqual([0, true]);
      expect(proxy.actions()).toEqual([...REPLAY_ACTIONS].sort());
    } finally {
      sqs.destroy();
      eventBridge.destroy();
    }
  });
});
