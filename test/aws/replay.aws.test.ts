/**
 * `cliniko-bridge replay` against moto: a bus with an archive, events published and archived, then
 * the spawned command replays the archive onto the bus and a rule routes the replayed events to SQS
 * again. moto (5.2.5) implements StartReplay and DescribeReplay, replaying synchronously inside
 * StartReplay, so `--wait` sees COMPLETED at once; progress between states is tested with an injected
 * client in test/cli/replay-command.test.ts.
 */
import { CreateArchiveCommand, EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-process.js';
import { busRoutedToQueue, drainQueue, requireMotoEndpoint, uniqueName } from './moto-endpoint.js';

const busName = uniqueName('replay-bus');
const archiveName = uniqueName('replay-archive').slice(0, 48);
let sqs: SQSClient;
let eventBridge: EventBridgeClient;
let queueUrl: string;
let windowStart: string;

function awsEnv(): Record<string, string> {
  const pick = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  return Object.fromEntries(pick.map((name) => [name, process.env[name] ?? '']));
}

beforeAll(async () => {
  requireMotoEndpoint();
  sqs = new SQSClient({});
  eventBridge = new EventBridgeClient({});
  queueUrl = await busRoutedToQueue(sqs, busName, { source: ['cliniko'] });
  const busArn = `arn:aws:events:us-east-1:123456789012:event-bus/${busName}`;
  await eventBridge.send(new CreateArchiveCommand({ ArchiveName: archiveName, EventSourceArn: busArn }));
  windowStart = new Date(Date.now() - 60_000).toISOString();
  await eventBridge.send(
    new PutEventsCommand({
      Entries: ['evt-1', 'evt-2'].map((eventId) => ({
        EventBusName: busName,
        Source: 'cliniko',
        DetailType: 'patient.updated',
        Detail: JSON.stringify({ eventId, type: 'patient.updated', resource: 'patients', recordId: '1' }),
      })),
    }),
  );
  // The original deliveries: what a consumer would have seen the first time.
  expect(await drainQueue(sqs, queueUrl)).toHaveLength(2);
});

afterAll(() => {
  sqs?.destroy();
  eventBridge?.destroy();
});

describe('cliniko-bridge replay against moto', () => {
  it('replays the archived events onto the bus, waits for COMPLETED and prints it as JSON', async () => {
    const until = new Date(Date.now() - 1000).toISOString();

    const result = await runCli(
      [
        'replay',
        '--bus',
        busName,
        '--archive',
        archiveName,
        '--since',
        windowStart,
        '--until',
        until,
        '--name',
        'replay-one',
        '--wait',
        '--json',
        '--poll-interval',
        '200ms',
      ],
      awsEnv(),
      { timeoutMs: 30_000 },
    );

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      name: 'replay-one',
      state: 'COMPLETED',
      waited: true,
      busArn: `arn:aws:events:us-east-1:123456789012:event-bus/${busName}`,
    });
    expect(String(report.archiveArn)).toMatch(new RegExp(`:archive/${archiveName}$`));
    const replayed = (await drainQueue(sqs, queueUrl)) as { detail: { eventId: string } }[];
    expect(replayed.map((event) => event.detail.eventId).sort()).toEqual(['evt-1', 'evt-2']);
  });

  it('without --wait prints the replay name and its state', async () => {
    const until = new Date(Date.now() - 1000).toISOString();

    const result = await runCli(
      [
        'replay',
        '--bus',
        busName,
        '--archive',
        archiveName,
        '--since',
        windowStart,
        '--until',
        until,
        '--name',
        'replay-two',
      ],
      awsEnv(),
      { timeoutMs: 30_000 },
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Replay replay-two: STARTING$/m);
    await drainQueue(sqs, queueUrl);
  });

  it('exits 2 naming --archive for an archive that does not exist', async () => {
    const until = new Date(Date.now() - 1000).toISOString();

    const result = await runCli(
      ['replay', '--bus', busName, '--archive', 'no-such-archive', '--since', windowStart, '--until', until],
      awsEnv(),
      { timeoutMs: 30_000 },
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--archive: no archive "no-such-archive"');
  });

  it('exits 2 naming --bus for a bus that does not exist', async () => {
    const until = new Date(Date.now() - 1000).toISOString();

    const result = await runCli(
      ['replay', '--bus', 'no-such-bus', '--archive', archiveName, '--since', windowStart, '--until', until],
      awsEnv(),
      { timeoutMs: 30_000 },
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--bus: no event bus "no-such-bus"');
  });
});
