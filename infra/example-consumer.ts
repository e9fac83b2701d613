/**
 * `ExampleConsumer`: the pattern a downstream service copies to receive change events — an
 * EventBridge rule on the bridge's bus matching one detail-type (by default
 * `individual_appointment.cancelled`) that delivers to an SQS queue, read by a Lambda
 * (functions/example-consumer/handler.ts) that handles each event once.
 *
 * Everything a consumer needs to own is here: its own customer-managed key (rotation on), a work
 * queue encrypted with it and refusing plain HTTP, a dead-letter queue for messages the service
 * failed to process 5 times *and* for events EventBridge could not deliver, an alarm on that
 * dead-letter queue and one on messages waiting longer than 15 minutes. The Lambda (X-Ray, its own
 * encrypted log group, 2 reserved executions) reports failed messages alone and dedupes on
 * `detail.eventId` with Powertools Idempotency in an encrypted DynamoDB table whose records expire
 * by TTL (attribute `expiration`); its role may use that table's items and nothing else. The rule's
 * pattern is the only thing to change for another entity, action or changed field.
 *
 * @example
 * new ExampleConsumer(this, 'CancelledAppointments', { config, bus, source: 'cliniko', alarmAction });
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { BridgeConfig } from '../shared/config/index.js';
import { bridgeFunction, repositoryRoot } from './bridge-function.js';
import { allowCloudWatchLogs } from './data-key.js';
import { EncryptedQueue } from './encrypted-queue.js';

export interface ExampleConsumerProps {
  /** The bridge's configuration (log retention). */
  readonly config: BridgeConfig;
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

/** The item operations of Powertools Idempotency's DynamoDB persistence layer. */
export const IDEMPOTENCY_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
] as const;

export class ExampleConsumer extends Construct {
  readonly rule: Rule;
  readonly queue: EncryptedQueue;
  readonly deadLetterQueue: EncryptedQueue;
  /** The consumer Lambda (functions/example-consumer/handler.ts), fed by `queue`. */
  readonly function: NodejsFunction;
  /** Its idempotency records: one per `detail.eventId` handled, expiring after two days (TTL). */
  readonly idempotencyTable: Table;

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

    this.idempotencyTable = new Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.idempotencyTable).acknowledge({
      id: 'HIPAA.Security-DynamoDBInBackupPlan',
      reason: 'Holds only event ids and their expiry, two days at most: nothing to restore.',
    });
    const consumer = new Construct(this, 'Consumer');
    const { function: fn, role } = bridgeFunction(consumer, {
      config: props.config,
      encryptionKey: key,
      roleDescription: 'Cliniko Change Bridge example consumer: handles each change event once',
      description:
        'Cliniko Change Bridge example consumer: handles each change event once (idempotent on eventId)',
      entry: `${repositoryRoot}functions/example-consumer/handler.ts`,
      memorySize: 256,
      timeout: Duration.seconds(30),
      reservedConcurrentExecutions: 2,
      service: 'cliniko-bridge-example-consumer',
      environment: { IDEMPOTENCY_TABLE: this.idempotencyTable.tableName },
      whyNoDeadLetterQueue: 'Invoked by its SQS queue only, whose dead-letter queue (5 receives) is alarmed.',
      whyNoVpc: 'Calls only DynamoDB over TLS; your own service may need a VPC.',
    });
    this.function = fn;
    allowCloudWatchLogs(key);
    this.function.addEventSource(
      new SqsEventSource(this.queue.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
    // What Powertools Idempotency sends, and on the key only what reading and writing items takes
    // (as for the bridge's own table: DynamoDB made the table key's data key at creation).
    this.idempotencyTable.grant(role, ...IDEMPOTENCY_TABLE_ACTIONS);
    key.grant(role, 'kms:Decrypt', 'kms:DescribeKey');
  }
}
