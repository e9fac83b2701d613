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
 *   or imported by name or ARN (no archive unless `archiveImportedBus`; policy up to its owner). With
 *   `allowSubscribersFrom`, the created bus's policy also lets those AWS accounts manage rules of
 *   their own on it.
 * - [Config] the validated configuration as an S3 asset; the functions read it at start
 *   (`BRIDGE_CONFIG_URI`), so no account data sits in an environment variable and the template's
 *   size and resource count are the same for one account or five hundred.
 * - [Dispatcher] the dispatcher Lambda, invoked every minute by one schedule: it seeds the account
 *   registry (in the state table) from the configuration, and hands the accounts due in the coming
 *   minute to the [Dispatcher/WorkQueue] (encrypted SQS, with a dead-letter queue), each delayed to
 *   its own slot in the interval.
 * - [Poller] the poller Lambda, the fleet's worker: a batch of accounts per invocation from the work
 *   queue, at most `fleet.workerConcurrency` invocations at once (also its reserved concurrency).
 * - [Notifications] the alarm topic (encrypted, SSL only) with the optional email subscription.
 * - [Monitoring] fleet alarms (failed polls, worst lag, 429s, overdue accounts, errors, throttles, a
 *   dispatcher that stopped, a backed-up work queue) and a dashboard with per-account Logs Insights
 *   views.
 * - [Schemas] an EventBridge Schema Registry with one schema per entity, covering its detail-types
 *   (`schemaRegistry`; 32 schemas, see event-schemas.ts for why not one per detail-type).
 * - [ExampleConsumer] only with `exampleConsumer: true`: a rule → SQS queue pattern to copy.
 * - [OrderedConsumer] only with `orderedConsumer`: rule → SQS → Pipes → SQS FIFO grouped by record key
 *   (see ordered-consumer.ts).
 *
 * Access is granted with `grant*` only: the poller may put events on this bus, use exactly the item
 * operations of its state store on the state table, read the content key secret, and read API keys
 * only under the name prefix `cliniko/` (Secrets Manager `GetSecretValue`, SSM `GetParameter`): IAM
 * on a prefix rather than a list of ARNs, so accounts are added without a redeploy — plus the secrets
 * the app passes in `apiKeySecrets` (each its own grant, with its own key). The deployment never
 * creates or sees an API key.
 *
 * @example
 * const config = parseBridgeConfig(JSON.parse(readFileSync('config/bridge.json', 'utf8')));
 * new ChangeBridge(stack, 'Bridge', { config });
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { type EventPattern, type IEventBus, type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { BridgeConfig } from '../shared/config/index.js';
import { ConfigError } from '../shared/errors.js';
import { API_KEY_PREFIX } from '../shared/fleet/registry.js';
import { STATE_TABLE_KEYS } from '../shared/state/dynamodb-state-store.js';
import { grantApiKeySecret, namesSecret } from './api-key-secrets.js';
import { BridgeConfigAsset } from './config-asset.js';
import { BridgeContentKey } from './content-key.js';
import { BridgeDataKey } from './data-key.js';
import { BridgeDispatcher } from './dispatcher.js';
import { BridgeEventBus } from './event-bus.js';
import { EventSchemas } from './event-schemas.js';
import { ExampleConsumer } from './example-consumer.js';
import { AlarmNotifications, BridgeMonitoring } from './observability.js';
import { OrderedConsumer, type OrderedConsumerOptions } from './ordered-consumer.js';
import { BridgePoller } from './poller.js';

export interface ChangeBridgeProps {
  /** The validated configuration (`parseBridgeConfig`), the same the poller receives. */
  readonly config: BridgeConfig;
  /**
   * The bus to publish to, when the app already has it; the configuration's `eventBus` is then
   * ignored and the bus treated as imported (no archive unless `archiveImportedBus`).
   * @default - as `config.eventBus` says: created, or imported by name or ARN
   */
  readonly eventBus?: IEventBus;
  /**
   * API key secrets the app already has — imported (`Secret.fromSecretAttributes` with its
   * `encryptionKey`, `fromSecretCompleteArn`, `fromSecretNameV2`) or created by it: the poller may
   * read each (`GetSecretValue` on that secret) and decrypt it with the secret's own KMS key, wherever
   * it is named. For keys kept outside the `cliniko/` prefix or encrypted with a customer managed key;
   * a configured account names such a secret by name or ARN in `accounts[].apiKeySecret`, as before.
   * @default - none: the poller reads keys under `cliniko/` only, encrypted with the AWS managed key
   */
  readonly apiKeySecrets?: readonly ISecret[];
  /**
   * AWS accounts (12-digit ids) that may subscribe from their own account: the bus policy lets each
   * create, change and delete rules of its own on the bridge's bus, for the bridge's `source`, which
   * forward to an event bus in that account (infra/README.md, "Subscribing from another AWS
   * account"). A created bus only: an imported bus's policy is its owner's.
   * @default config.eventBus.allowSubscribersFrom, else none
   */
  readonly allowSubscribersFrom?: readonly string[];
  /**
   * The poller's timeout: how long an invocation may poll its batch of accounts.
   * @default Duration.minutes(5), or Duration.minutes(15) with `polling.mode: adaptive`
   */
  readonly pollerTimeout?: Duration;
  /**
   * Deploy the example consumer: rule `individual_appointment.cancelled` → encrypted SQS queue →
   * a Lambda that handles each event once.
   * @default false
   */
  readonly exampleConsumer?: boolean;
  /**
   * Deploy an ordered route: the bridge's events (or those matching `pattern`) in an SQS FIFO queue
   * grouped by record key (`bridge.orderedConsumer.queue`), through EventBridge Pipes.
   * @default - none
   */
  readonly orderedConsumer?: OrderedConsumerOptions;
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
   * @default config.fleet.reservedConcurrency, else config.fleet.workerConcurrency (independent of the number of accounts)
   */
  readonly reservedConcurrency?: number | 'none';
  /**
   * The dispatcher's source file.
   * @default functions/dispatcher/handler.ts of this repository
   */
  readonly dispatcherEntry?: string;
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
  /** The dispatcher, its schedule and the work queue. */
  readonly dispatcher: BridgeDispatcher;
  readonly notifications: AlarmNotifications;
  readonly monitoring: BridgeMonitoring;
  /** The secret holding the content key ring (stack output `ContentKeySecretArn`). */
  readonly contentKeySecret: ISecret;
  readonly schemas: EventSchemas | undefined;
  readonly exampleConsumer: ExampleConsumer | undefined;
  readonly orderedConsumer: OrderedConsumer | undefined;

  constructor(scope: Construct, id: string, props: ChangeBridgeProps) {
    super(scope, id);
    const { config } = props;
    const apiKeySecrets = props.apiKeySecrets ?? [];
    assertKeysReadable(config, apiKeySecrets);

    this.key = new BridgeDataKey(this, 'DataKey').key;
    const contentKey = new BridgeContentKey(this, 'ContentKey', { encryptionKey: this.key });
    // aws-cdk-lib's classes declare optional members as `T | undefined`, its interfaces as `T`.
    this.contentKeySecret = contentKey.secret as ISecret;

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
      ...(props.eventBus === undefined ? {} : { bus: props.eventBus }),
    });
    this.eventBus = this.events.bus;
    this.eventBusReference = this.events.busReference;

    this.notifications = new AlarmNotifications(this, 'Notifications', {
      alarms: config.alarms,
      encryptionKey: this.key,
    });
    const alarmAction = this.notifications.action;

    const configAsset = new BridgeConfigAsset(this, 'Config', { config });
    // An adaptive worker keeps its accounts for a whole invocation: the longest one Lambda allows.
    const adaptive = config.polling.mode === 'adaptive';
    const pollerTimeout = props.pollerTimeout ?? Duration.minutes(adaptive ? 15 : 5);
    this.dispatcher = new BridgeDispatcher(this, 'Dispatcher', {
      config,
      encryptionKey: this.key,
      alarmAction,
      pollerTimeout,
      environment: { BRIDGE_CONFIG_URI: configAsset.uri, STATE_TABLE_NAME: this.table.tableName },
      ...(props.dispatcherEntry === undefined ? {} : { entry: props.dispatcherEntry }),
    });
    configAsset.grantRead(this.dispatcher.role);
    this.table.grants.actions(this.dispatcher.role, ...DISPATCHER_TABLE_ACTIONS);
    this.key.grant(this.dispatcher.role, 'kms:Decrypt', 'kms:DescribeKey');

    const poller = new BridgePoller(this, 'Poller', {
      config,
      encryptionKey: this.key,
      workQueue: this.dispatcher.workQueue.queue,
      timeout: pollerTimeout,
      environment: {
        BRIDGE_CONFIG_URI: configAsset.uri,
        STATE_TABLE_NAME: this.table.tableName,
        EVENT_BUS_NAME: this.eventBusReference,
        CONTENT_KEY_SECRET: this.contentKeySecret.secretArn,
        // Where an adaptive worker hands its account on at its deadline.
        ...(adaptive ? { WORK_QUEUE_URL: this.dispatcher.workQueue.queue.queueUrl } : {}),
      },
      ...(props.reservedConcurrency === undefined ? {} : { reservedConcurrency: props.reservedConcurrency }),
      ...(props.pollerEntry === undefined ? {} : { entry: props.pollerEntry }),
    });
    this.poller = poller.function;
    this.pollerRole = poller.role;

    configAsset.grantRead(poller.role);
    this.eventBus.grantPutEventsTo(this.poller);
    this.events.reserveSourceFor(poller.role);
    this.events.allowSubscribersFrom(
      props.allowSubscribersFrom ??
        (config.eventBus.mode === 'create' ? config.eventBus.allowSubscribersFrom : undefined) ??
        [],
    );
    this.table.grants.actions(poller.role, ...POLLER_TABLE_ACTIONS);
    if (adaptive) this.dispatcher.workQueue.grantSend(poller.role);
    // DynamoDB decrypts the table key with the caller's permission; it generates that key itself, at
    // table creation, so the poller needs no GenerateDataKey, Encrypt or ReEncrypt for the table.
    this.key.grant(poller.role, 'kms:Decrypt', 'kms:DescribeKey');
    contentKey.grantRead(poller.role);
    grantApiKeys(this, poller.role);
    for (const secret of apiKeySecrets) grantApiKeySecret(poller.role, secret);
    Validations.of(poller.role).acknowledge(
      ...['secretsmanager', 'ssm'].map((service) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${service === 'ssm' ? 'parameter/' : 'secret:'}${API_KEY_PREFIX}*]`,
        reason:
          'API keys are read by name prefix so clinics are onboarded without a redeploy (the registry, not the template, lists them); GetSecretValue / GetParameter only, and only under the prefix the accounts command stores keys under.',
      })),
    );

    this.schemas =
      (props.schemaRegistry ?? true)
        ? new EventSchemas(this, 'Schemas', { source: config.source })
        : undefined;

    this.exampleConsumer = props.exampleConsumer
      ? new ExampleConsumer(this, 'ExampleConsumer', {
          config,
          bus: this.eventBus,
          source: config.source,
          alarmAction,
        })
      : undefined;

    this.orderedConsumer = props.orderedConsumer
      ? new OrderedConsumer(this, 'OrderedConsumer', {
          ...props.orderedConsumer,
          bus: this.eventBus,
          source: config.source,
          encryptionKey: this.key,
          alarmAction,
        })
      : undefined;

    const deadLetterQueues = {
      'work (poller invocations that died)': this.dispatcher.workDeadLetterQueue,
      'dispatcher schedule (undelivered ticks)': this.dispatcher.scheduleDeadLetterQueue,
      ...(this.exampleConsumer ? { 'example consumer': this.exampleConsumer.deadLetterQueue } : {}),
    };
    this.monitoring = new BridgeMonitoring(this, 'Monitoring', {
      config,
      poller: this.poller,
      pollerLogGroup: poller.logGroup,
      dispatcher: this.dispatcher.function,
      dispatcherLogGroup: this.dispatcher.logGroup,
      alarmAction,
      deadLetterQueues: Object.fromEntries(Object.entries(deadLetterQueues).map(([k, q]) => [k, q.queue])),
      otherAlarms: [...Object.values(deadLetterQueues).map((q) => q.alarm), this.dispatcher.workQueue.alarm],
    });
  }

  /**
   * Subscribes `target` to the bridge's events that match `pattern`: a rule on the bridge's bus with
   * its `source` filled in, so a subscriber never sees another producer's events by accident. E.g.
   * `bridge.addSubscriber('Reminders', { detail: { signals: ['rescheduled'] } }, new SqsQueue(queue))`.
   * @returns the rule, to add targets or tags to
   */
  addSubscriber(id: string, pattern: Omit<EventPattern, 'source'>, ...targets: IRuleTarget[]): Rule {
    const rule = new Rule(this, `Subscriber${id}`, {
      eventBus: this.eventBus,
      description: `Cliniko Change Bridge subscriber ${id}`,
      eventPattern: { ...pattern, source: [this.events.source] },
      targets,
    });
    // A target such as another account's bus gets a role from CDK, with the one grant it needs.
    Validations.of(rule).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        "A role a target of this rule needs (e.g. to put events on another account's bus) holds only the grant CDK generates for that target; a managed policy would be reusable by other principals.",
    });
    return rule;
  }

  /**
   * Lets `grantee` (an operator's role, a pipeline) run `cliniko-bridge accounts
   * add|list|pause|resume|remove|purge --table` on this deployment: the state table's item
   * operations that command sends (`ACCOUNTS_TABLE_ACTIONS`, with Decrypt on the table's key), and
   * storing and deleting API keys under the `cliniko/` prefix, as Secrets Manager secrets or SSM
   * SecureString parameters (`ACCOUNTS_KEY_ACTIONS`). It never reads a stored key back.
   */
  grantManageAccounts(grantee: IGrantable): Grant {
    const stack = Stack.of(this);
    return this.table.grants
      .actions(grantee, ...ACCOUNTS_TABLE_ACTIONS)
      .combine(this.key.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey'))
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ACCOUNTS_KEY_ACTIONS.filter((action) => action.startsWith('secretsmanager:')),
          resourceArns: [apiKeySecretsArn(stack)],
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: ACCOUNTS_KEY_ACTIONS.filter((action) => action.startsWith('ssm:')),
          resourceArns: [apiKeyParametersArn(stack)],
        }),
      );
  }

  /**
   * Lets `grantee` run `cliniko-bridge replay --bus … --archive …` on this deployment's archive:
   * describe the bus and the archive, start a replay from the archive (EventBridge delivers it, so
   * no PutEvents) and follow replays (`REPLAY_ACTIONS`). Throws for a bus without an archive here
   * (imported, without `archiveImportedBus`).
   */
  grantReplay(grantee: IGrantable): Grant {
    const { archive } = this.events;
    if (archive === undefined) {
      throw new Error(
        'grantReplay: this bridge has no archive (an imported bus is archived only with archiveImportedBus: true); grant replay on the archive its owner keeps',
      );
    }
    const stack = Stack.of(this);
    const [describeBus, describeArchive, startReplay, describeReplay] = REPLAY_ACTIONS;
    return Grant.addToPrincipal({
      grantee,
      actions: [describeBus],
      resourceArns: [this.eventBus.eventBusArn],
    })
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: [describeArchive, startReplay],
          resourceArns: [archive.archiveArn],
        }),
      )
      .combine(
        Grant.addToPrincipal({
          grantee,
          actions: [describeReplay],
          resourceArns: [stack.formatArn({ service: 'events', resource: 'replay', resourceName: '*' })],
        }),
      );
  }
}

/**
 * What the dispatcher does on the state table: read the registry and the leases' statuses, and seed
 * the registry from the deployed configuration.
 */
export const DISPATCHER_TABLE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
] as const;

export { API_KEY_PREFIX };

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
] as const;

/**
 * What `cliniko-bridge accounts … --table` sends to the state table: it checks the table exists,
 * reads and writes registry entries, reads the accounts' last runs, and `purge` deletes an
 * account's items in batches.
 */
export const ACCOUNTS_TABLE_ACTIONS = [
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

/** What `cliniko-bridge accounts add|purge` sends to store and delete API keys (never a read). */
export const ACCOUNTS_KEY_ACTIONS = [
  'secretsmanager:CreateSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:DeleteSecret',
  'ssm:PutParameter',
  'ssm:DeleteParameter',
] as const;

/** What `cliniko-bridge replay` sends to EventBridge, in the order grantReplay grants them. */
export const REPLAY_ACTIONS = [
  'events:DescribeEventBus',
  'events:DescribeArchive',
  'events:StartReplay',
  'events:DescribeReplay',
] as const;

/**
 * The poller reads API keys by name prefix, or the secrets the app passed in (`apiKeySecrets`), so a
 * configured account's secret must be one of those: refused at synth, not discovered as an
 * AccessDenied on the first poll.
 */
export function assertKeysReadable(config: BridgeConfig, apiKeySecrets: readonly ISecret[] = []): void {
  config.accounts.forEach((account, index) => {
    if (typeof account.apiKeySecret !== 'string') {
      throw new ConfigError(
        `accounts[${index}].apiKeySecret`,
        `is an inline key, which is for a local \`cliniko-bridge run --config\` only (a deployment would upload it in its configuration asset); store it as the secret ${API_KEY_PREFIX}${account.id} and name that instead, or leave the account out and add it after deploying with \`cliniko-bridge accounts add ${account.id} --table <state table> --api-key-stdin\``,
      );
    }
    const configured = account.apiKeySecret;
    // A name, or an ARN whose resource part is `secret:<name>-<6 random characters>` (or partial).
    const name = configured.startsWith('arn:') ? configured.split(':').slice(6).join(':') : configured;
    if (
      !name.startsWith(API_KEY_PREFIX) &&
      !apiKeySecrets.some((secret) => namesSecret(configured, secret))
    ) {
      throw new ConfigError(
        `accounts[${index}].apiKeySecret`,
        `"${name}" is outside the "${API_KEY_PREFIX}" prefix the poller may read; name the secret ${API_KEY_PREFIX}${account.id} (or store the key with: cliniko-bridge accounts add ${account.id} --table <state table> --api-key-stdin), or pass that secret to the construct in apiKeySecrets`,
      );
    }
  });
}

/**
 * Where the poller may read API keys: Secrets Manager secrets and SSM parameters whose names start
 * with the prefix `cliniko-bridge accounts add` stores keys under — IAM on the name prefix, not a
 * list of ARNs, so accounts come and go without a redeploy. `GetSecretValue` only (`grantRead` would
 * add `DescribeSecret`, which the poller never calls) and `GetParameter` only. A secret's or
 * parameter's own customer managed key is its owner's to open to the poller (infra/README.md); the
 * AWS managed keys need no grant.
 */
function grantApiKeys(scope: Construct, grantee: IGrantable): void {
  const stack = Stack.of(scope);
  Grant.addToPrincipal({
    grantee,
    actions: ['secretsmanager:GetSecretValue'],
    resourceArns: [apiKeySecretsArn(stack)],
  });
  Grant.addToPrincipal({
    grantee,
    actions: ['ssm:GetParameter'],
    resourceArns: [apiKeyParametersArn(stack)],
  });
}

/** Every Secrets Manager secret under the API key prefix. */
const apiKeySecretsArn = (stack: Stack): string =>
  stack.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${API_KEY_PREFIX}*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });

/** Every SSM parameter under the API key prefix (`/cliniko/…`; the ARN drops the leading slash). */
const apiKeyParametersArn = (stack: Stack): string =>
  stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${API_KEY_PREFIX}*` });
