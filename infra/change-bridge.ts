/**
 * `ChangeBridge`: Cliniko Change Bridge on AWS — polls Cliniko accounts and publishes typed change
 * events to EventBridge. Secure by default and clean under the cdk-nag AwsSolutions and HIPAA
 * Security packs.
 *
 * What it creates (construct ids in brackets are a contract; renaming one replaces the resource):
 * - [DataKey] a customer-managed KMS key, rotation on, retained.
 * - [ContentKey] the content key secret (Secrets Manager): a key ring generated at deploy time,
 *   encrypted with the key, retained, rotated by hand (see content-key.ts); the poller gets its ARN
 *   in `CONTENT_KEY_SECRET`.
 * - [StateTable] the DynamoDB state table (`pk`/`sk` strings): on demand, point-in-time recovery,
 *   encrypted with the key, deletion protection, retained.
 * - [Events] the event bus — created (encrypted with the key, archived for replay, both retained,
 *   with a resource policy that lets only the poller's role put events with the bridge's `source`)
 *   or imported by name or ARN (no archive unless `archiveImportedBus`; policy up to its owner).
 * - [Poller] the poller Lambda (Node.js, arm64, X-Ray, encrypted log group with the configured
 *   retention, dead-letter queue, reserved concurrency 2 × accounts).
 * - [Schedules] one EventBridge Scheduler schedule per account (rate `pollRateMinutes`) and one
 *   reconciliation schedule per account when enabled; retries, then a dead-letter queue.
 * - [Notifications] the alarm topic (encrypted, SSL only) with the optional email subscription.
 * - [Monitoring] alarms (errors, throttles, not running; lag, 429s and not polled per account) and a
 *   dashboard.
 * - [Schemas] an EventBridge Schema Registry with one schema per entity, covering its detail-types
 *   (`schemaRegistry`; 32 schemas, see event-schemas.ts for why not one per detail-type).
 * - [ExampleConsumer] only with `exampleConsumer: true`: a rule → SQS queue pattern to copy.
 *
 * Access is granted with `grant*` only: the poller may put events on this bus, use exactly the item
 * operations of its state store on the state table, and call `secretsmanager:GetSecretValue` (nothing
 * else) on the content key secret and on the configured API key secrets — those by name or ARN,
 * never created here, and never given a value by the deployment.
 *
 * @example
 * const config = parseBridgeConfig(JSON.parse(readFileSync('config/bridge.json', 'utf8')));
 * new ChangeBridge(stack, 'Bridge', { config });
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { AccountConfig, BridgeConfig } from '../shared/config/index.js';
import { STATE_TABLE_KEYS } from '../shared/state/dynamodb-state-store.js';
import { BridgeContentKey } from './content-key.js';
import { BridgeDataKey } from './data-key.js';
import { BridgeEventBus } from './event-bus.js';
import { EventSchemas } from './event-schemas.js';
import { ExampleConsumer } from './example-consumer.js';
import { AlarmNotifications, BridgeMonitoring } from './observability.js';
import { PollSchedules } from './poll-schedules.js';
import { BridgePoller } from './poller.js';

export interface ChangeBridgeProps {
  /** The validated configuration (`parseBridgeConfig`), the same the poller receives. */
  readonly config: BridgeConfig;
  /**
   * Deploy the example consumer: rule `individual_appointment.cancelled` → encrypted SQS queue.
   * @default false
   */
  readonly exampleConsumer?: boolean;
  /**
   * Register the events' JSON Schemas in an EventBridge Schema Registry: one schema per entity
   * (`<source>@patient` covers every `patient.*` detail-type), 33 resources for the 32 streams.
   * @default true
   */
  readonly schemaRegistry?: boolean;
  /**
   * Encrypt a created bus and its archive with the bridge's key rather than an AWS owned key.
   * @default true
   */
  readonly encryptEventBus?: boolean;
  /**
   * Archive an imported bus from this stack (same account and region only).
   * @default false
   */
  readonly archiveImportedBus?: boolean;
  /**
   * The poller's reserved concurrency, or `'none'` for AWS accounts whose quota cannot reserve any.
   * @default 2 × the number of accounts
   */
  readonly reservedConcurrency?: number | 'none';
  /**
   * The poller's source file.
   * @default functions/poller/handler.ts of this repository
   */
  readonly pollerEntry?: string;
}

export class ChangeBridge extends Construct {
  readonly key: IKey;
  readonly table: Table;
  readonly eventBus: IEventBus;
  /** What the poller passes to PutEvents (name, or ARN for a bus imported by ARN). */
  readonly eventBusReference: string;
  readonly events: BridgeEventBus;
  readonly poller: IFunction;
  /** The poller's role: the only principal that may put events with the bridge's `source` on a created bus. */
  readonly pollerRole: IRole;
  readonly schedules: PollSchedules;
  readonly notifications: AlarmNotifications;
  readonly monitoring: BridgeMonitoring;
  readonly apiKeySecrets: ReadonlyMap<string, ISecret>;
  /** The secret holding the content key ring (stack output `ContentKeySecretArn`). */
  readonly contentKeySecret: ISecret;
  readonly schemas: EventSchemas | undefined;
  readonly exampleConsumer: ExampleConsumer | undefined;

  constructor(scope: Construct, id: string, props: ChangeBridgeProps) {
    super(scope, id);
    const { config } = props;

    this.key = new BridgeDataKey(this, 'DataKey').key;
    const contentKey = new BridgeContentKey(this, 'ContentKey', { encryptionKey: this.key });
    this.contentKeySecret = contentKey.secret;

    this.table = new Table(this, 'StateTable', {
      partitionKey: { name: STATE_TABLE_KEYS.partitionKey.name, type: AttributeType.STRING },
      sortKey: { name: STATE_TABLE_KEYS.sortKey.name, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.table).acknowledge({
      id: 'HIPAA.Security-DynamoDBInBackupPlan',
      reason:
        'Point-in-time recovery keeps 35 days of continuous backups; the table only holds cursors, leases and field hashes that a re-poll rebuilds. Add it to an AWS Backup plan if your policy requires one.',
    });

    this.events = new BridgeEventBus(this, 'Events', {
      config: config.eventBus,
      source: config.source,
      archiveRetentionDays: config.archiveRetentionDays,
      encryptionKey: this.key,
      customerManagedEncryption: props.encryptEventBus ?? true,
      archiveImportedBus: props.archiveImportedBus ?? false,
    });
    this.eventBus = this.events.bus;
    this.eventBusReference = this.events.busReference;

    this.notifications = new AlarmNotifications(this, 'Notifications', {
      alarms: config.alarms,
      encryptionKey: this.key,
    });
    const alarmAction = this.notifications.action;

    const poller = new BridgePoller(this, 'Poller', {
      config,
      encryptionKey: this.key,
      alarmAction,
      environment: {
        STATE_TABLE_NAME: this.table.tableName,
        EVENT_BUS_NAME: this.eventBusReference,
        CONTENT_KEY_SECRET: this.contentKeySecret.secretArn,
      },
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
      ...(props.pollerEntry === undefined ? {} : { entry: props.pollerEntry }),
    });
    this.poller = poller.function;
    this.pollerRole = poller.role;

    this.eventBus.grantPutEventsTo(this.poller);
    this.events.reserveSourceFor(poller.role);
    this.table.grants.actions(poller.role, ...POLLER_TABLE_ACTIONS);
    // DynamoDB decrypts the table key with the caller's permission; it generates that key itself, at
    // table creation, so the poller needs no GenerateDataKey, Encrypt or ReEncrypt for the table.
    this.key.grant(poller.role, 'kms:Decrypt', 'kms:DescribeKey');
    contentKey.grantRead(poller.role);
    const secrets = new Map<string, ISecret>();
    for (const account of config.accounts) {
      const secret = importApiKeySecret(this, account);
      grantSecretValue(secret, poller.role);
      secrets.set(account.id, secret);
    }
    this.apiKeySecrets = secrets;

    this.schedules = new PollSchedules(this, 'Schedules', {
      config,
      target: this.poller,
      encryptionKey: this.key,
      alarmAction,
    });

    this.schemas =
      (props.schemaRegistry ?? true)
        ? new EventSchemas(this, 'Schemas', { source: config.source })
        : undefined;

    this.exampleConsumer = props.exampleConsumer
      ? new ExampleConsumer(this, 'ExampleConsumer', {
          bus: this.eventBus,
          source: config.source,
          alarmAction,
        })
      : undefined;

    const deadLetterQueues = {
      'poller (failed invocations)': poller.deadLetterQueue,
      'schedules (undelivered)': this.schedules.deadLetterQueue,
      ...(this.exampleConsumer ? { 'example consumer': this.exampleConsumer.deadLetterQueue } : {}),
    };
    this.monitoring = new BridgeMonitoring(this, 'Monitoring', {
      config,
      poller: this.poller,
      ...(poller.function.timeout ? { pollerTimeout: poller.function.timeout } : {}),
      alarmAction,
      deadLetterQueues: Object.fromEntries(Object.entries(deadLetterQueues).map(([k, q]) => [k, q.queue])),
      otherAlarms: Object.values(deadLetterQueues).map((q) => q.alarm),
    });
  }
}

/**
 * The item operations the poller's `DynamoDbStateStore` sends (shared/state/dynamodb-state-store.ts):
 * reads of cursors, leases and record state, conditional writes and updates, and batches. No Scan,
 * DeleteItem, DescribeTable (local tools only) or stream reads.
 */
export const POLLER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:BatchWriteItem',
] as const;

/**
 * `secretsmanager:GetSecretValue` on an API key secret: `grantRead` would add `DescribeSecret`, which
 * the poller never calls. The secret's own KMS key, if it is not the AWS managed one, is its owner's
 * to open to the poller (infra/README.md, Deploy).
 */
function grantSecretValue(secret: ISecret, grantee: IGrantable): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue'],
    // A name or partial ARN matches the complete ARN only with the 6 characters Secrets Manager appends.
    resourceArns: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
  });
}

/** Secrets Manager appends `-` and 6 random characters to a secret's name in its complete ARN. */
const COMPLETE_SECRET_ARN = /:secret:.+-[A-Za-z0-9]{6}$/;

/** The account's API key secret, by name, complete ARN or partial ARN. Never created here. */
function importApiKeySecret(scope: Construct, account: AccountConfig): ISecret {
  const id = `ApiKeySecret-${account.id}`;
  const ref = account.apiKeySecret;
  if (!ref.startsWith('arn:')) return Secret.fromSecretNameV2(scope, id, ref);
  return COMPLETE_SECRET_ARN.test(ref)
    ? Secret.fromSecretCompleteArn(scope, id, ref)
    : Secret.fromSecretPartialArn(scope, id, ref);
}
