/**
 * `OrderedConsumer`: the bridge's events in an SQS FIFO queue grouped by record, so a consumer handles
 * each record's events one at a time (records in parallel) — EventBridge rule → SQS buffer queue →
 * EventBridge Pipes → SQS FIFO queue. A rule target cannot give each event its own FIFO message group
 * (its `MessageGroupId` is one fixed value), a pipe can: it sets the message group to the record key
 * (`$.body.resources[0]`, `cliniko:<account>:<resource>:<recordId>`) and the deduplication id to the
 * event id (`$.body.detail.eventId`), so a re-delivery within SQS's five-minute window is dropped.
 * The FIFO message body is the event itself (`<$.body>`).
 *
 * Order across the buffer is delivery order, which EventBridge does not promise to be the order of
 * the versions: the consumer still drops an event whose `detail.sequence` is not above the last one
 * it applied for the record (README, "Ordered consumers"). What the FIFO adds is that no two events
 * of one record are ever processed at the same time, so that comparison cannot race.
 *
 * Every queue is encrypted with the given key, refuses plain HTTP, has a dead-letter queue (the
 * rule's undeliverable events go to the buffer's) and alarms; the pipe's role may only consume the
 * buffer and send to the FIFO queue.
 *
 * @example
 * new ChangeBridge(this, 'Bridge', { config, orderedConsumer: {} });
 * // consumers read bridge.orderedConsumer.queue.queue (grantConsumeMessages)
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Construct } from 'constructs';
import { EncryptedQueue } from './encrypted-queue.js';

/** The pipe's dynamic parameters: JSON paths into the buffered SQS message, whose body is the event. */
export const ORDERED_PIPE_PATHS = {
  messageGroupId: '$.body.resources[0]',
  messageDeduplicationId: '$.body.detail.eventId',
  inputTemplate: '<$.body>',
} as const;

export interface OrderedConsumerOptions {
  /**
   * Which events to route, besides the bridge's `source` (always matched): e.g.
   * `{ detailType: [{ prefix: 'individual_appointment.' }] }` or `{ detail: { signals: ['rescheduled'] } }`.
   * @default every event of the bridge
   */
  readonly pattern?: Omit<EventPattern, 'source'>;
}

export interface OrderedConsumerProps extends OrderedConsumerOptions {
  readonly bus: IEventBus;
  /** The bridge's event `source`. */
  readonly source: string;
  /** Encrypts every queue of the route. */
  readonly encryptionKey: IKey;
  readonly alarmAction: IAlarmAction;
}

export class OrderedConsumer extends Construct {
  readonly rule: Rule;
  /** Where the rule delivers: a standard queue the pipe drains. */
  readonly buffer: EncryptedQueue;
  readonly bufferDeadLetterQueue: EncryptedQueue;
  /** The FIFO queue consumers read, grouped by record key. */
  readonly queue: EncryptedQueue;
  readonly deadLetterQueue: EncryptedQueue;
  readonly pipe: CfnPipe;
  readonly pipeRole: Role;

  constructor(scope: Construct, id: string, props: OrderedConsumerProps) {
    super(scope, id);
    const common = { encryptionKey: props.encryptionKey, alarmAction: props.alarmAction };
    this.bufferDeadLetterQueue = new EncryptedQueue(this, 'BufferDeadLetterQueue', {
      ...common,
      purpose: 'ordered consumer: events EventBridge could not deliver, or the pipe could not forward',
    });
    this.buffer = new EncryptedQueue(this, 'Buffer', {
      ...common,
      purpose: 'ordered consumer: events on their way to the FIFO queue',
      deadLetterQueue: { queue: this.bufferDeadLetterQueue.queue, maxReceiveCount: 5 },
      visibilityTimeout: Duration.minutes(1),
    });
    this.deadLetterQueue = new EncryptedQueue(this, 'DeadLetterQueue', {
      ...common,
      purpose: 'ordered consumer: events the consumer failed to process 5 times',
      fifo: true,
    });
    this.queue = new EncryptedQueue(this, 'Queue', {
      ...common,
      purpose: 'ordered consumer: events grouped by record key',
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: 5 },
      visibilityTimeout: Duration.minutes(1),
      fifo: true,
    });

    this.rule = new Rule(this, 'Rule', {
      description: 'Ordered consumer: the bridge events to the buffer queue of the FIFO route',
      eventBus: props.bus,
      eventPattern: { ...props.pattern, source: [props.source] },
    });
    this.rule.addTarget(
      new SqsQueue(this.buffer.queue, {
        deadLetterQueue: this.bufferDeadLetterQueue.queue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );

    this.pipeRole = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com'),
      description: 'Ordered consumer pipe: consumes the buffer queue, sends to the FIFO queue',
    });
    this.buffer.queue.grantConsumeMessages(this.pipeRole);
    this.queue.grantSend(this.pipeRole);
    this.pipe = new CfnPipe(this, 'Pipe', {
      description: 'Ordered consumer: buffer queue to FIFO queue, message group = record key',
      roleArn: this.pipeRole.roleArn,
      source: this.buffer.queue.queueArn,
      sourceParameters: { sqsQueueParameters: { batchSize: 1 } },
      target: this.queue.queue.queueArn,
      targetParameters: {
        inputTemplate: ORDERED_PIPE_PATHS.inputTemplate,
        sqsQueueParameters: {
          messageGroupId: ORDERED_PIPE_PATHS.messageGroupId,
          messageDeduplicationId: ORDERED_PIPE_PATHS.messageDeduplicationId,
        },
      },
    });
    // The pipe checks its role's permissions when it is created: wait for the grants (the role itself
    // is already a dependency through RoleArn).
    const grants = this.pipeRole.node.tryFindChild('DefaultPolicy');
    if (grants !== undefined) this.pipe.node.addDependency(grants);
    Validations.of(this.pipeRole).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        "The pipe role's default policy holds only the grants CDK generates for the two queues and their key; a managed policy would be reusable by other principals.",
    });
  }
}
