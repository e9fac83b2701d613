/**
 * The ordered route on moto, as far as moto goes: events published by the real `EventBridgePublisher`
 * are routed by the construct's own rule pattern (read from the synthesized template) to the buffer
 * queue, carrying the record key and sequence; a rule on `detail.signals` routes only the signalled
 * event (moto's array matching, checked here; Event Ruler checks it in `test:patterns`). moto stores
 * pipes but never runs them, so the test takes the pipe's step itself — the template's JSON paths
 * evaluated on each buffered message, SendMessage to a FIFO queue with the template's attributes —
 * and checks what the FIFO queue makes of it: one message group per record, the re-delivery of an
 * event id dropped, each record's events in order.
 */
import { readFileSync } from 'node:fs';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridgeApp } from '../../infra/bridge-app.js';
import { parseBridgeConfig } from '../../shared/config/index.js';
import { type BuildEventInput, buildEvent, DEFAULT_EVENT_OPTIONS } from '../../shared/events/build.js';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { EventBridgePublisher } from '../../shared/publish/eventbridge-publisher.js';
import { findStream } from '../../shared/streams.js';
import { drainQueue, requireMotoEndpoint, uniqueName, withEnvelopeAccount } from './moto-endpoint.js';

/** What the construct deploys with `orderedConsumer: {}`: the rule's pattern, the pipe's parameters, the FIFO attributes. */
function orderedRoute() {
  const root = (path: string) => new URL(`../../${path}`, import.meta.url);
  const context = (JSON.parse(readFileSync(root('cdk.json'), 'utf8')) as { context: object }).context;
  const config = parseBridgeConfig(JSON.parse(readFileSync(root('config/bridge.example.json'), 'utf8')));
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  const template = Template.fromStack(buildBridgeApp(app, config, { orderedConsumer: {} })).toJSON() as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const resources = Object.entries(template.Resources);
  const [pipeId, pipe] = resources.find(([, r]) => r.Type === 'AWS::Pipes::Pipe') ?? [];
  const rule = resources.find(
    ([id, r]) => r.Type === 'AWS::Events::Rule' && id.includes('OrderedConsumer'),
  )?.[1];
  const fifo = resources.find(
    ([id, r]) =>
      r.Type === 'AWS::SQS::Queue' && r.Properties.FifoQueue === true && !id.includes('DeadLetter'),
  )?.[1];
  if (pipeId === undefined || pipe === undefined || rule === undefined || fifo === undefined) {
    throw new Error('the synthesized template lacks the ordered route');
  }
  const target = pipe.Properties.TargetParameters as {
    InputTemplate: string;
    SqsQueueParameters: { MessageGroupId: string; MessageDeduplicationId: string };
  };
  return {
    source: config.source,
    pattern: rule.Properties.EventPattern as object,
    target,
    fifo: fifo.Properties,
  };
}

/** The JSON paths Pipes evaluates (`$.a.b[0]`), over an SQS record whose JSON body Pipes parses. */
function atPath(record: { body: unknown }, path: string): unknown {
  const steps = path
    .replace(/^\$\./, '')
    .split('.')
    .flatMap((step) => {
      const match = /^([^[]+)((?:\[\d+\])*)$/.exec(step);
      if (match === null) throw new Error(`unsupported JSON path step ${step}`);
      return [match[1] ?? '', ...[...(match[2] ?? '').matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]))];
    });
  let node: unknown = record;
  for (const step of steps) node = (node as Record<string | number, unknown> | undefined)?.[step];
  return node;
}

const route = orderedRoute();
const busName = uniqueName('ordered-bus');
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
let bufferUrl: string;
let signalledUrl: string;
let fifoUrl: string;

async function queueWithRule(pattern: object): Promise<string> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('ordered') }))).QueueUrl ?? '';
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  const rule = uniqueName('ordered-rule');
  await eventBridge.send(
    new PutRuleCommand({ Name: rule, EventBusName: busName, EventPattern: JSON.stringify(pattern) }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: rule,
      EventBusName: busName,
      Targets: [{ Id: 'queue', Arn: Attributes?.QueueArn ?? '' }],
    }),
  );
  return url;
}

const APPOINTMENT = {
  id: '1390726237298631801',
  starts_at: '2026-12-03T02:00:00Z',
  ends_at: '2026-12-03T02:30:00Z',
  cancelled_at: null,
  archived_at: null,
  deleted_at: null,
  updated_at: '2026-11-29T10:15:00Z',
};

function appointmentEvent(overrides: Partial<BuildEventInput>): ChangeEvent {
  const stream = findStream('individual_appointments');
  if (stream === undefined) throw new Error('no individual_appointments stream');
  return buildEvent(
    {
      stream,
      account: 'main-clinic',
      action: 'updated',
      record: APPOINTMENT,
      fingerprint: 'f1',
      updatedAt: APPOINTMENT.updated_at,
      occurredAt: APPOINTMENT.updated_at,
      observedAt: new Date('2026-11-29T10:15:31.204Z'),
      changedFields: ['notes'],
      ...overrides,
    },
    { ...DEFAULT_EVENT_OPTIONS, source: route.source, payload: 'changes' },
  );
}

const rescheduled = appointmentEvent({
  changedFields: ['ends_at', 'starts_at'],
  trackedPrevious: { starts_at: '2026-12-01T09:00:00Z', ends_at: '2026-12-01T09:30:00Z' },
  sequence: 2,
});
const noted = appointmentEvent({ fingerprint: 'f2', updatedAt: '2026-11-29T10:16:00Z', sequence: 3 });
const other = appointmentEvent({ record: { ...APPOINTMENT, id: '1390726237298631802' }, sequence: 1 });

beforeAll(async () => {
  requireMotoEndpoint();
  eventBridge = new EventBridgeClient({});
  sqs = new SQSClient({});
  await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
  bufferUrl = await queueWithRule(route.pattern);
  signalledUrl = await queueWithRule({ detail: { signals: ['rescheduled'] } });
  fifoUrl =
    (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: `${uniqueName('ordered')}.fifo`,
          Attributes: {
            FifoQueue: String(route.fifo.FifoQueue),
            ContentBasedDeduplication: String(route.fifo.ContentBasedDeduplication),
          },
        }),
      )
    ).QueueUrl ?? '';
  const publisher = new EventBridgePublisher({ client: eventBridge, busName });
  // A re-delivery of the reschedule (same event id and sequence) after the later edit.
  await publisher.publish([rescheduled, other, noted, rescheduled]);
});

afterAll(() => {
  eventBridge?.destroy();
  sqs?.destroy();
});

describe('the ordered route on moto', () => {
  let buffered: ChangeEvent[] = [];

  it('routes every event of the bridge to the buffer with its record key and sequence', async () => {
    buffered = (await drainQueue(sqs, bufferUrl)).map((body) => withEnvelopeAccount(body) as ChangeEvent);

    expect(buffered.map((e) => [e.resources, e.detail.sequence])).toEqual([
      [['cliniko:main-clinic:individual_appointments:1390726237298631801'], 2],
      [['cliniko:main-clinic:individual_appointments:1390726237298631802'], 1],
      [['cliniko:main-clinic:individual_appointments:1390726237298631801'], 3],
      [['cliniko:main-clinic:individual_appointments:1390726237298631801'], 2],
    ]);
    expect(buffered[0]?.detail.previous).toEqual({
      starts_at: '2026-12-01T09:00:00Z',
      ends_at: '2026-12-01T09:30:00Z',
    });
  });

  it('matches {"detail":{"signals":["rescheduled"]}} against the array: the reschedules, not the plain edits', async () => {
    const signalled = (await drainQueue(sqs, signalledUrl)) as ChangeEvent[];

    expect(signalled.map((e) => e.detail.eventId)).toEqual([
      rescheduled.detail.eventId,
      rescheduled.detail.eventId,
    ]);
  });

  it('groups the pipe’s FIFO messages by record key, drops the re-delivered event id, keeps each record in order', async () => {
    expect(route.target.InputTemplate).toBe('<$.body>');
    for (const event of buffered) {
      // What Pipes sees of a buffered message: an SQS record whose body is the event's JSON text.
      const record = { body: event };
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: fifoUrl,
          MessageBody: JSON.stringify(atPath(record, '$.body')),
          MessageGroupId: String(atPath(record, route.target.SqsQueueParameters.MessageGroupId)),
          MessageDeduplicationId: String(
            atPath(record, route.target.SqsQueueParameters.MessageDeduplicationId),
          ),
        }),
      );
    }

    const received: Message[] = [];
    for (;;) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: fifoUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['MessageGroupId'],
          VisibilityTimeout: 60,
        }),
      );
      if (Messages === undefined || Messages.length === 0) break;
      received.push(...Messages);
    }
    const groups = received.map((m) => [
      m.Attributes?.MessageGroupId,
      (JSON.parse(m.Body ?? '{}') as ChangeEvent).detail.sequence,
    ]);

    expect(groups).toEqual([
      ['cliniko:main-clinic:individual_appointments:1390726237298631801', 2],
      ['cliniko:main-clinic:individual_appointments:1390726237298631802', 1],
      ['cliniko:main-clinic:individual_appointments:1390726237298631801', 3],
    ]);
  });
});
