/**
 * The example consumer on moto: events the bridge publishes (the real `EventBridgePublisher`) are
 * routed by the example's own rule pattern (read from the synthesized template) to an SQS queue, and
 * the messages moto delivers there are handed to the consumer as Lambda's SQS event source would.
 * The same event delivered twice runs the service's work once; another event id runs it again; the
 * idempotency records in moto's DynamoDB expire after the documented time; a failed message is
 * reported alone and works on its next delivery; a malformed one fails without its content in the log.
 */
import { CreateTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerDeps,
  IDEMPOTENCY_HOURS,
  makeConsumer,
} from '../../functions/example-consumer/handler.js';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../../shared/events/build.js';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { EventBridgePublisher } from '../../shared/publish/eventbridge-publisher.js';
import { findStream } from '../../shared/streams.js';
import { resourcesOf, synthBridge } from '../infra/bridge-fixture.js';
import { requireMotoEndpoint, uniqueName, withEnvelopeAccount } from './moto-endpoint.js';

const tableName = uniqueName('idempotency');
const busName = uniqueName('consumer-bus');
let dynamo: DynamoDBClient;
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
let queueUrl: string;

/** The rule pattern the construct deploys with `exampleConsumer: true`. */
function examplePattern(): Record<string, unknown> {
  const { template } = synthBridge(undefined, { exampleConsumer: true });
  const [, rule] =
    resourcesOf(template, 'AWS::Events::Rule').find(([id]) => id.startsWith('BridgeExampleConsumer')) ?? [];
  const pattern = rule?.Properties?.EventPattern;
  if (typeof pattern !== 'object' || pattern === null) throw new Error('no example consumer rule');
  return pattern as Record<string, unknown>;
}

/** A change event of an individual appointment, built as the poller builds it. */
function appointmentEvent(recordId: string, action: 'cancelled' | 'updated'): ChangeEvent {
  const stream = findStream('individual_appointments');
  if (stream === undefined) throw new Error('no individual_appointments stream');
  const updatedAt = '2026-11-29T10:15:00Z';
  return buildEvent(
    {
      stream,
      account: 'harbourside-physio',
      action,
      record: {
        id: recordId,
        starts_at: '2026-12-03T02:00:00Z',
        cancelled_at: action === 'cancelled' ? updatedAt : null,
        archived_at: null,
        deleted_at: null,
        updated_at: updatedAt,
      },
      fingerprint: `f-${recordId}-${action}`,
      updatedAt,
      occurredAt: updatedAt,
      observedAt: new Date('2026-11-29T10:15:31.204Z'),
      changedFields: ['cancelled_at'],
    },
    { ...DEFAULT_EVENT_OPTIONS, payload: 'changes' },
  );
}

/**
 * Every message waiting in the queue as the SQS event source hands it to Lambda. moto 5.2.5 leaves
 * the envelope `account` out of what it delivers (EventBridge sends it), so it is put back.
 */
async function receiveAll(): Promise<SQSRecord[]> {
  const records: SQSRecord[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages === undefined || Messages.length === 0) return records;
    for (const message of Messages) {
      const body = JSON.stringify(withEnvelopeAccount(JSON.parse(message.Body ?? 'null')));
      records.push(sqsRecord(message.MessageId ?? '', body));
    }
  }
}

const sqsRecord = (messageId: string, body: string): SQSRecord => ({ messageId, body }) as SQSRecord;
const batch = (records: readonly SQSRecord[]): SQSEvent => ({ Records: [...records] });

const context = (): Context =>
  ({
    functionName: 'example-consumer',
    awsRequestId: uniqueName('request'),
    getRemainingTimeInMillis: () => 30_000,
  }) as unknown as Context;

/** What the consumer logged, as the JSON a log line would hold. */
function recordingLogger(): ConsumerDeps['logger'] & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    warn: (message: unknown, ...extra: unknown[]) => void lines.push(JSON.stringify([message, extra])),
  };
}

function consumer(handleEvent: ConsumerDeps['handleEvent'], logger = recordingLogger()) {
  return makeConsumer({ tableName, dynamoDb: dynamo, handleEvent, logger });
}

beforeAll(async () => {
  requireMotoEndpoint();
  dynamo = new DynamoDBClient({});
  eventBridge = new EventBridgeClient({});
  sqs = new SQSClient({});
  await dynamo.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('consumer') }))).QueueUrl ?? '';
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const rule = uniqueName('consumer-rule');
  await eventBridge.send(
    new PutRuleCommand({ Name: rule, EventBusName: busName, EventPattern: JSON.stringify(examplePattern()) }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: rule,
      EventBusName: busName,
      Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn ?? '' }],
    }),
  );
});

afterAll(() => {
  dynamo?.destroy();
  eventBridge?.destroy();
  sqs?.destroy();
});

describe('the example consumer behind its rule and queue', () => {
  const first = appointmentEvent('1390726237298631801', 'cancelled');
  const second = appointmentEvent('1390726237298631802', 'cancelled');
  const handled: string[] = [];
  const consume = consumer(async (event) => void handled.push(event.detail.eventId));

  it('runs the work once for an event delivered twice, and again for another event id', async () => {
    const publisher = new EventBridgePublisher({ client: eventBridge, busName });
    // The first event is delivered twice (a redelivery); an update is not the example's business.
    await publisher.publish([first, appointmentEvent('1390726237298631803', 'updated'), first, second]);
    const delivered = await receiveAll();

    const response = await consume(batch(delivered), context());

    expect(delivered).toHaveLength(3);
    expect(response).toEqual({ batchItemFailures: [] });
    expect([...handled].sort()).toEqual([first.detail.eventId, second.detail.eventId].sort());
  });

  it('skips a repeat that arrives in a later batch, as a replay from the archive does', async () => {
    // A replayed event keeps its id and carries the replay's name.
    const replayed = sqsRecord('replayed-1', JSON.stringify({ ...first, 'replay-name': 'fix-1' }));

    const response = await consume(batch([replayed]), context());

    expect(response).toEqual({ batchItemFailures: [] });
    expect(handled).toHaveLength(2);
  });

  it(`remembers each event id for ${IDEMPOTENCY_HOURS} hours, at least the day EventBridge may retry a delivery`, async () => {
    const items = (await dynamo.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    const expiries = items.map((item) => Number(item.expiration?.N) - Date.now() / 1000);

    expect(expiries.length).toBeGreaterThanOrEqual(2);
    for (const seconds of expiries) {
      expect(seconds).toBeGreaterThan(IDEMPOTENCY_HOURS * 3600 - 120);
      expect(seconds).toBeGreaterThan(24 * 3600);
    }
  });
});

describe('the example consumer when a message fails', () => {
  it('reports only the message whose work failed, and does the work on its next delivery', async () => {
    const ok = appointmentEvent('1390726237298631811', 'cancelled');
    const failing = appointmentEvent('1390726237298631812', 'cancelled');
    let failOnce = true;
    const handled: string[] = [];
    const consume = consumer(async (event) => {
      if (event.detail.eventId === failing.detail.eventId && failOnce) {
        failOnce = false;
        throw new Error('downstream unavailable');
      }
      handled.push(event.detail.eventId);
    });
    const messages = [sqsRecord('m-ok', JSON.stringify(ok)), sqsRecord('m-fails', JSON.stringify(failing))];

    const firstDelivery = await consume(batch(messages), context());
    const secondDelivery = await consume(batch([sqsRecord('m-fails', JSON.stringify(failing))]), context());

    expect(firstDelivery).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-fails' }] });
    expect(secondDelivery).toEqual({ batchItemFailures: [] });
    expect(handled).toEqual([ok.detail.eventId, failing.detail.eventId]);
  });

  it('fails a message that is not a change event without running the work or logging its content', async () => {
    const handled: string[] = [];
    const logger = recordingLogger();
    const consume = consumer(async (event) => void handled.push(event.detail.eventId), logger);
    const valid = appointmentEvent('1390726237298631821', 'cancelled');
    const notAnEvent = JSON.stringify({
      ...valid,
      detail: { ...valid.detail, eventId: 'not-a-uuid', data: { first_name: 'SENTINEL-PHI-Aroha' } },
    });

    const response = await consume(
      batch([
        sqsRecord('m-invalid', notAnEvent),
        sqsRecord('m-valid', JSON.stringify(valid)),
        sqsRecord('m-garbled', '{"first_name":"SENTINEL-PHI-Aroha"'),
      ]),
      context(),
    );

    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-invalid' }, { itemIdentifier: 'm-garbled' }],
    });
    expect(handled).toEqual([valid.detail.eventId]);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines.join('\n')).toContain('m-invalid');
    expect(logger.lines.join('\n')).not.toContain('SENTINEL-PHI');
  });
});
