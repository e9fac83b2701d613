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
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** The moto endpoint `scripts/test-aws.sh` started; SDK clients pick it up from AWS_ENDPOINT_URL. */
export function requireMotoEndpoint(): string {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (endpoint === undefined || !/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) {
    throw new Error('The test:aws tier runs against a local moto server: start it with `npm run test:aws`.');
  }
  return endpoint;
}

/** Unique resource names per run, so reruns against one moto server do not collide. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/** moto 5.2.5's delivery template leaves out the envelope `account` that EventBridge sends; add it back. */
export function withEnvelopeAccount(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || 'account' in body) return body;
  return { ...body, account: '123456789012' };
}

/** Every message body waiting in the queue, parsed as JSON, until a receive comes back empty. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<unknown[]> {
  const bodies: unknown[] = [];
  for (;;) {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    if (Messages === undefined || Messages.length === 0) return bodies;
    for (const message of Messages) bodies.push(JSON.parse(message.Body ?? 'null'));
  }
}

/** Creates a bus and a queue that receives, through a rule with `pattern`, what the bus matches. */
export async function busRoutedToQueue(
  sqs: SQSClient,
  busName: string,
  pattern: Record<string, unknown>,
): Promise<string> {
  const eventBridge = new EventBridgeClient({});
  try {
    await eventBridge.send(new CreateEventBusCommand({ Name: busName }));
    const queueUrl =
      (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('routed') }))).QueueUrl ?? '';
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    const rule = uniqueName('route');
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
    return queueUrl;
  } finally {
    eventBridge.destroy();
  }
}
