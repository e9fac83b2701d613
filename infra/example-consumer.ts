/**
 * `ExampleConsumer`: the pattern a downstream service copies to receive change events — an
 * EventBridge rule on the bridge's bus matching one detail-type (by default
 * `individual_appointment.cancelled`) that delivers to an SQS queue the service reads.
 *
 * Everything a consumer needs to own is here: its own customer-managed key (rotation on), a work
 * queue encrypted with it and refusing plain HTTP, a dead-letter queue for messages the service
 * failed to process 5 times *and* for events EventBridge could not deliver, an alarm on that
 * dead-letter queue and one on messages waiting longer than 15 minutes. The rule's pattern is
 * the only thing to change for another entity, action or changed field.
 *
 * @example
 * new ExampleConsumer(this, 'CancelledAppointments', { bus, source: 'cliniko', alarmAction });
 */
import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { EncryptedQueue } from './encrypted-queue.js';

export interface ExampleConsumerProps {
  readonly bus: IEventBus;
  /** The bridge's event `source`. */
  readonly source: string;
  readonly alarmAction: IAlarmAction;
  /**
   * The event pattern's `detail-type` list.
   * @default ['individual_appointment.cancelled']
   */
  readonly detailTypes?: readonly string[];
}

export class ExampleConsumer extends Construct {
  readonly rule: Rule;
  readonly queue: EncryptedQueue;
  readonly deadLetterQueue: EncryptedQueue;

  constructor(scope: Construct, id: string, props: ExampleConsumerProps) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Cliniko Change Bridge example consumer: encrypts its queues',
      enableKeyRotation: true,
    });
    this.deadLetterQueue = new EncryptedQueue(this, 'DeadLetterQueue', {
      encryptionKey: key,
      purpose: 'example consumer: events it failed to process, or EventBridge failed to deliver',
      alarmAction: props.alarmAction,
    });
    this.queue = new EncryptedQueue(this, 'Queue', {
      encryptionKey: key,
      purpose: 'example consumer work queue',
      alarmAction: props.alarmAction,
      deadLetterQueue: { queue: this.deadLetterQueue.queue, maxReceiveCount: 5 },
      visibilityTimeout: Duration.minutes(1),
    });

    const pattern: EventPattern = {
      source: [props.source],
      detailType: [...(props.detailTypes ?? ['individual_appointment.cancelled'])],
    };
    this.rule = new Rule(this, 'Rule', {
      description: 'Example consumer: cancelled individual appointments to an SQS queue',
      eventBus: props.bus,
      eventPattern: pattern,
    });
    this.rule.addTarget(
      new SqsQueue(this.queue.queue, {
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );
    // The target writes the DLQ's queue policy; the key grant EventBridge needs to encrypt into it
    // comes from the work queue's grant, as both queues share this key.
  }
}
