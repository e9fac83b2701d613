/**
 * Replay by detection time, end to end on moto: `cliniko-bridge run` publishes to a bus with an
 * archive a backfill (records last changed years ago) and a change detected late (content changed
 * without moving `updated_at`, found by reconciliation); `cliniko-bridge replay` for "the last six
 * hours" then brings them all back.
 *
 * EventBridge selects the events of a replay by their `time`. moto 5.2.5 replays a whole archive
 * whatever the window, so the window itself cannot be checked here: what this test checks is the
 * `time` EventBridge archived and delivered, which is the only thing AWS's window compares — it lies
 * inside the six hours for every event, while `detail.occurredAt` lies years before them.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateArchiveCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
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
const SIX_HOURS_MS = 6 * 3_600_000;
const busName = uniqueName('replay-time-bus');
const archiveName = uniqueName('replay-time').slice(0, 48);
const tableName = uniqueName('replay-time-state');
let sim: RunningSimulator;
let sqs: SQSClient;
let queueUrl: string;

function awsEnv(): Record<string, string> {
  const pick = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
  return Object.fromEntries(pick.map((name) => [name, process.env[name] ?? '']));
}

async function delivered(): Promise<ChangeEvent[]> {
  return (await drainQueue(sqs, queueUrl)).map((body) => {
    const parsed = safeParseChangeEvent(withEnvelopeAccount(body));
    if (!parsed.success) throw new Error(`delivered event breaks the contract: ${parsed.error.message}`);
    return parsed.data;
  });
}

function runOnce(extra: readonly string[]) {
  return runCli(
    [
      'run',
      '--once',
      '--base-url',
      sim.baseUrl,
      '--api-key',
      sim.apiKeys[0] ?? '',
      '--user-agent',
      USER_AGENT,
      '--account',
      'moto-replay-time',
      '--streams',
      'patients',
      '--table',
      tableName,
      '--sink',
      `eventbridge:${busName}`,
      ...extra,
    ],
    awsEnv(),
    { timeoutMs: 60_000 },
  );
}

beforeAll(async () => {
  requireMotoEndpoint();
  sim = await startSimulator({ seed: 67, patients: 6, appointments: 4 });
  const dynamo = new DynamoDBClient({});
  await createStateTable(dynamo, tableName);
  dynamo.destroy();
  sqs = new SQSClient({});
  queueUrl = await busRoutedToQueue(sqs, busName, { source: ['cliniko'] });
  const eventBridge = new EventBridgeClient({});
  await eventBridge.send(
    new CreateArchiveCommand({
      ArchiveName: archiveName,
      EventSourceArn: `arn:aws:events:us-east-1:123456789012:event-bus/${busName}`,
    }),
  );
  eventBridge.destroy();
});

afterAll(async () => {
  sqs?.destroy();
  await sim?.close();
});

describe('replaying the last six hours of a bus the bridge publishes to', () => {
  it('includes a backfill and a late-detected change, whose records changed long before the window', async () => {
    const backfill = await runOnce(['--start-from', 'beginning']);
    expect(backfill.code, backfill.stderr).toBe(0);
    const snapshots = await delivered();
    expect(snapshots.length).toBeGreaterThan(0);
    expect(snapshots.every((event) => event['detail-type'] === 'patient.snapshot')).toBe(true);
    // A content change that leaves `updated_at` where it was: no window sees it, reconciliation does.
    const target = snapshots[0]?.detail.recordId ?? '';
    const patched = await fetch(`${sim.origin}/__sim/records/patients/${target}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set: { notes: 'changed without a new updated_at' }, touchUpdatedAt: false }),
    });
    expect(patched.status).toBe(200);
    const reconciled = await runOnce(['--reconcile-every', '0s']);
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const late = await delivered();
    expect(late.map((event) => `${event['detail-type']} ${event.detail.recordId}`)).toEqual([
      `patient.updated ${target}`,
    ]);
    // EventBridge stamps `time` to the second: the window's end must not cut the last second short.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const until = new Date();
    const since = new Date(until.getTime() - SIX_HOURS_MS);

    const replay = await runCli(
      [
        'replay',
        '--bus',
        busName,
        '--archive',
        archiveName,
        '--since',
        since.toISOString(),
        '--until',
        until.toISOString(),
        '--name',
        uniqueName('last-six-hours').slice(0, 64),
        '--wait',
        '--json',
        '--poll-interval',
        '200ms',
      ],
      awsEnv(),
      { timeoutMs: 30_000 },
    );

    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ state: 'COMPLETED' });
    const replayed = await delivered();
    const published = [...snapshots, ...late];
    expect(replayed.map((event) => event.detail.eventId).sort()).toEqual(
      published.map((event) => event.detail.eventId).sort(),
    );
    for (const event of replayed) {
      const time = Date.parse(event.time);
      expect(time, `time of ${event.detail.type}`).toBeGreaterThanOrEqual(since.getTime());
      expect(time, `time of ${event.detail.type}`).toBeLessThanOrEqual(until.getTime());
      expect(event.time).toBe(`${event.detail.observedAt.slice(0, 19)}Z`);
      expect(Date.parse(event.detail.occurredAt)).toBeLessThan(since.getTime());
    }
  });
});
