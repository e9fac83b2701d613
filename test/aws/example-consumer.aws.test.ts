/**
 * The example consumer's idempotency on moto's DynamoDB: the same event delivered twice (a
 * redelivery, an archive replay) runs the service's work once; another event runs it again; a
 * message whose work fails is reported alone for redelivery, and works on the next delivery.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChangeEventEnvelope,
  IDEMPOTENCY_HOURS,
  makeConsumer,
} from '../../functions/example-consumer/handler.js';
import { requireMotoEndpoint, uniqueName } from './moto-endpoint.js';

let dynamo: DynamoDBClient;
const tableName = uniqueName('idempotency');

const context = (): Context =>
  ({
    functionName: 'example-consumer',
    awsRequestId: uniqueName('request'),
    getRemainingTimeInMillis: () => 30_000,
  }) as unknown as Context;

function message(eventId: string, n: number): SQSRecord {
  const body: ChangeEventEnvelope = {
    'detail-type': 'individual_appointment.cancelled',
    detail: { eventId, account: 'harbourside-physio', recordId: String(1000 + n) },
  };
  return { messageId: `m-${n}`, body: JSON.stringify(body) } as SQSRecord;
}

const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

beforeAll(async () => {
  requireMotoEndpoint();
  dynamo = new DynamoDBClient({});
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});

afterAll(() => dynamo?.destroy());

describe('example consumer', () => {
  it('does the work once per eventId, however often the event comes', async () => {
    const handled: string[] = [];
    const consume = makeConsumer({
      tableName,
      dynamoDb: dynamo,
      handleEvent: async (event) => void handled.push(event.detail.eventId),
    });
    const a = uniqueName('event-a');
    const b = uniqueName('event-b');

    expect(await consume(batch(message(a, 1)), context())).toEqual({ batchItemFailures: [] });
    expect(await consume(batch(message(a, 2), message(b, 3)), context())).toEqual({ batchItemFailures: [] });

    expect(handled).toEqual([a, b]);
    const items = (await dynamo.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const expiries = items.map((item) => Number(item.expiration?.N) - Date.now() / 1000);
    expect(expiries.length).toBeGreaterThanOrEqual(2);
    // Kept for the documented time (two days), at least the day the README asks for.
    for (const seconds of expiries) expect(seconds).toBeGreaterThan(IDEMPOTENCY_HOURS * 3600 - 120);
  });

  it('reports only the message whose work failed, and does it on the next delivery', async () => {
    let failOnce = true;
    const handled: string[] = [];
    const consume = makeConsumer({
      tableName,
      dynamoDb: dynamo,
      handleEvent: async (event) => {
        if (event.detail.recordId === '1005' && failOnce) {
          failOnce = false;
          throw new Error('downstream unavailable');
        }
        handled.push(event.detail.eventId);
      },
    });
    const ok = uniqueName('event-ok');
    const failing = uniqueName('event-fails');

    const first = await consume(batch(message(ok, 4), message(failing, 5)), context());
    const second = await consume(batch(message(failing, 5)), context());

    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-5' }] });
    expect(second).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual([ok, failing]);
  });
});
