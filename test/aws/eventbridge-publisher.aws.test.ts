import {
  CreateEventBusCommand,
  DeleteEventBusCommand,
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, DEFAULT_EVENT_OPTIONS } from '../../shared/events/build.js';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { safeParseChangeEvent } from '../../shared/events/schema.js';
import { EventBridgePublisher } from '../../shared/publish/eventbridge-publisher.js';
import { findStream } from '../../shared/streams.js';
import { drainQueue, requireMotoEndpoint, uniqueName, withEnvelopeAccount } from './moto-endpoint.js';

const busName = uniqueName('bridge-bus');
const ruleName = uniqueName('patients-only');
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  requireMotoEndpoint();
  eventBridge = new EventBridgeClient({});
  sqs = new SQSClient({});
  const bus = await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  queueUrl =
    (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('patient-events') }))).QueueUrl ?? '';
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queueArn = Attributes?.QueueArn ?? '';
  const rule = await eventBridge.send(
    new PutRuleCommand({
      Name: ruleName,
      EventBusName: busName,
      EventPattern: JSON.stringify({ 'detail-type': [{ prefix: 'patient.' }] }),
    }),
  );
  // What AWS needs for delivery; moto does not enforce it, but the setup mirrors the real one.
  await sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: queueUrl,
      Attributes: {
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: queueArn,
              Condition: { ArnEquals: { 'aws:SourceArn': rule.RuleArn } },
            },
          ],
        }),
      },
    }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: ruleName,
      EventBusName: busName,
      Targets: [{ Id: 'queue', Arn: queueArn }],
    }),
  );
  expect(bus.EventBusArn).toContain(busName);
});

afterAll(async () => {
  await eventBridge.send(new RemoveTargetsCommand({ Rule: ruleName, EventBusName: busName, Ids: ['queue'] }));
  await eventBridge.send(new DeleteRuleCommand({ Name: ruleName, EventBusName: busName }));
  await eventBridge.send(new DeleteEventBusCommand({ Name: busName }));
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  eventBridge.destroy();
  sqs.destroy();
});

function updatedEvent(streamName: string, index: number): ChangeEvent {
  const stream = findStream(streamName);
  if (stream === undefined) throw new Error(`stream ${streamName} is missing from the registry`);
  const updatedAt = `2026-11-29T10:00:${String(index).padStart(2, '0')}Z`;
  return buildEvent(
    {
      stream,
      account: 'test-clinic',
      action: 'updated',
      record: { id: String(5000 + index), notes: `synthetic ${index}`, updated_at: updatedAt },
      fingerprint: `fingerprint-${streamName}-${index}`,
      updatedAt,
      occurredAt: updatedAt,
      observedAt: new Date('2026-11-29T10:01:00.000Z'),
      changedFields: ['notes'],
    },
    DEFAULT_EVENT_OPTIONS,
  );
}

describe('EventBridgePublisher against EventBridge (moto)', () => {
  it('delivers every event in several batches, and a rule routes exactly the patient events intact', async () => {
    const patients = Array.from({ length: 14 }, (_, i) => updatedEvent('patients', i));
    const appointments = Array.from({ length: 9 }, (_, i) => updatedEvent('individual_appointments', i));
    const mixed = patients.flatMap((event, i) => [event, ...(appointments[i] ? [appointments[i]] : [])]);
    const publisher = new EventBridgePublisher({ client: eventBridge, busName });

    await publisher.publish(mixed);
    const delivered = await drainQueue(sqs, queueUrl);

    expect(publisher.publisherStats).toMatchObject({ calls: 3, entries: 23, retries: 0 });
    const received = delivered.map((body) => {
      const parsed = safeParseChangeEvent(withEnvelopeAccount(body));
      if (!parsed.success)
        throw new Error(`delivered event does not match the contract: ${parsed.error.message}`);
      return parsed.data;
    });
    expect(received.map((event) => event.detail.eventId).sort()).toEqual(
      patients.map((event) => event.detail.eventId).sort(),
    );
    for (const event of received) {
      const sent = patients.find((candidate) => candidate.detail.eventId === event.detail.eventId);
      expect(event.detail).toEqual(sent?.detail);
      expect(event['detail-type']).toBe('patient.updated');
      expect(event.time).toBe(sent?.time);
    }
  });
});
