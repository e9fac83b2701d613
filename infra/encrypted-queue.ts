/**
 * `EncryptedQueue`: an SQS queue encrypted with a customer-managed KMS key, refusing plain-HTTP
 * access, holding messages for 14 days, with an alarm when it is not empty (for dead-letter queues)
 * or when its oldest message is getting old (for work queues).
 *
 * Defaults: KMS SSE with the given key, `enforceSSL`, 14-day retention, alarm on depth ≥ 1.
 *
 * `grantSend` gives a producer `sqs:SendMessage` and, on the key, only what SQS asks of a producer
 * under a customer managed key: `kms:GenerateDataKey` and `kms:Decrypt` (not `grantSendMessages`,
 * which adds `kms:Encrypt`, `kms:ReEncrypt*` and the queue-attribute reads).
 *
 * @example
 * const dlq = new EncryptedQueue(this, 'ScheduleDeadLetterQueue', {
 *   encryptionKey: key,
 *   purpose: 'EventBridge Scheduler invocations that could not be delivered to the poller',
 *   alarmAction: new SnsAction(topic),
 * });
 */
import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, type IAlarmAction, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type DeadLetterQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface EncryptedQueueProps {
  /** Customer-managed key that encrypts the messages. */
  readonly encryptionKey: IKey;
  /** What ends up in this queue; used in the alarm description. */
  readonly purpose: string;
  /** Where the alarm notifies (alarm and OK). */
  readonly alarmAction: IAlarmAction;
  /**
   * Where messages that failed `maxReceiveCount` times go. Without it the queue is treated as a
   * dead-letter queue itself: the alarm fires as soon as one message is visible.
   * @default - this queue is a dead-letter queue
   */
  readonly deadLetterQueue?: DeadLetterQueue;
  /**
   * Age of the oldest message that raises the alarm on a work queue (one with `deadLetterQueue`).
   * @default Duration.minutes(15)
   */
  readonly maxMessageAge?: Duration;
  /** @default Duration.seconds(30) */
  readonly visibilityTimeout?: Duration;
  /**
   * A FIFO queue (its dead-letter queue must be one too). Deduplication ids come from the sender, not
   * from the content.
   * @default false
   */
  readonly fifo?: boolean;
}

export class EncryptedQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;
  private readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: EncryptedQueueProps) {
    super(scope, id);
    this.encryptionKey = props.encryptionKey;
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: props.encryptionKey,
      // Data keys are reused for 5 minutes, so a busy queue costs few KMS calls.
      dataKeyReuse: Duration.minutes(5),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      ...(props.visibilityTimeout ? { visibilityTimeout: props.visibilityTimeout } : {}),
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      ...(props.fifo ? { fifo: true, contentBasedDeduplication: false } : {}),
    });

    if (props.deadLetterQueue) {
      const maxAge = props.maxMessageAge ?? Duration.minutes(15);
      this.alarm = new Alarm(this, 'OldestMessageAlarm', {
        alarmDescription: `Messages wait longer than ${maxAge.toHumanString()}: ${props.purpose}. Check the consumer.`,
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) }),
        threshold: maxAge.toSeconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    } else {
      this.alarm = new Alarm(this, 'DepthAlarm', {
        alarmDescription: `Dead-letter queue is not empty: ${props.purpose}. Inspect the messages, fix the cause, then redrive or purge.`,
        metric: this.queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      Validations.of(this.queue).acknowledge({
        id: 'AwsSolutions-SQS3',
        reason: `This queue is itself a dead-letter queue (${props.purpose}); it is alarmed on depth instead.`,
      });
    }
    this.alarm.addAlarmAction(props.alarmAction);
    this.alarm.addOkAction(props.alarmAction);
  }

  /**
   * Lets `grantee` send messages: `sqs:SendMessage` on this queue, and `kms:GenerateDataKey` (a new
   * data key when the reuse period ends) and `kms:Decrypt` (SQS verifies that data key) on its key.
   */
  grantSend(grantee: IGrantable): Grant {
    this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt');
    return this.queue.grant(grantee, 'sqs:SendMessage');
  }
}
