/**
 * `BridgeDispatcher`: the fleet's dispatcher (functions/dispatcher/handler.ts), invoked every minute
 * by one EventBridge Scheduler schedule whatever the number of accounts, and the work queue it fills
 * for the poller (an encrypted SQS queue with a dead-letter queue).
 *
 * Defaults: Node.js arm64, 256 MB, 1-minute timeout, X-Ray, encrypted log group; schedule retries
 * twice within 2 minutes, then its own dead-letter queue (a missed tick is made good by the next:
 * accounts only skip a slot). The work queue's visibility timeout is six times the poller's timeout
 * (as AWS recommends for Lambda consumers); a message whose invocation died three times goes to the
 * queue's dead-letter queue.
 *
 * @example
 * const dispatcher = new BridgeDispatcher(this, 'Dispatcher', { config, encryptionKey: key, alarmAction,
 *   pollerTimeout: Duration.minutes(5), environment: { STATE_TABLE_NAME, BRIDGE_CONFIG_URI } });
 */
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, LoggingFormat, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, SERVICES } from '../functions/poller/poll-metrics.js';
import type { BridgeConfig } from '../shared/config/index.js';
import { EncryptedQueue } from './encrypted-queue.js';
import { acknowledgeRolePolicy, BUNDLING, functionLogAndRole, POLLER_RUNTIME } from './poller.js';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

export interface BridgeDispatcherProps {
  readonly config: BridgeConfig;
  readonly encryptionKey: IKey;
  readonly alarmAction: IAlarmAction;
  /** The poller's timeout: sizes the work queue's visibility timeout. */
  readonly pollerTimeout: Duration;
  /** `BRIDGE_CONFIG_URI` and `STATE_TABLE_NAME`; the work queue's URL is added here. */
  readonly environment: Readonly<Record<string, string>>;
  /** @default functions/dispatcher/handler.ts of this repository */
  readonly entry?: string;
}

export class BridgeDispatcher extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Accounts handed to the poller, one message per run. */
  readonly workQueue: EncryptedQueue;
  readonly workDeadLetterQueue: EncryptedQueue;
  readonly schedule: Schedule;
  readonly scheduleDeadLetterQueue: EncryptedQueue;

  constructor(scope: Construct, id: string, props: BridgeDispatcherProps) {
    super(scope, id);
    const { config } = props;

    this.workDeadLetterQueue = new EncryptedQueue(this, 'WorkDeadLetterQueue', {
      encryptionKey: props.encryptionKey,
      purpose: 'account runs whose poller invocation died (timed out or crashed) three times',
      alarmAction: props.alarmAction,
    });
    this.workQueue = new EncryptedQueue(this, 'WorkQueue', {
      encryptionKey: props.encryptionKey,
      purpose: 'account runs handed to the poller',
      alarmAction: props.alarmAction,
      deadLetterQueue: { queue: this.workDeadLetterQueue.queue, maxReceiveCount: 3 },
      visibilityTimeout: Duration.seconds(6 * props.pollerTimeout.toSeconds()),
      // A run waits at most one interval for its slot; longer means the poller cannot keep up.
      maxMessageAge: Duration.minutes(config.pollRateMinutes + 5),
    });

    ({ logGroup: this.logGroup, role: this.role } = functionLogAndRole(this, {
      config,
      encryptionKey: props.encryptionKey,
      description: 'Cliniko Change Bridge dispatcher: only the grants the ChangeBridge construct adds',
    }));
    this.workQueue.grantSend(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      description: 'Cliniko Change Bridge dispatcher: hands the accounts due this minute to the poller',
      entry: props.entry ?? `${repositoryRoot}functions/dispatcher/handler.ts`,
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      runtime: POLLER_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(1),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      // One tick at a time is all it ever needs; a second would only hand the same accounts out twice.
      reservedConcurrentExecutions: 1,
      // The schedule invokes it asynchronously: a failed or throttled tick is not retried by Lambda
      // (its default keeps events 6 hours), since a stale tick would hand a past minute out again;
      // the next tick a minute later does the work.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICES.dispatcher,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        WORK_QUEUE_URL: this.workQueue.queue.queueUrl,
        ...props.environment,
      },
      bundling: BUNDLING,
    });
    Validations.of(this.function).acknowledge({
      id: 'HIPAA.Security-LambdaDLQ',
      reason:
        'Invoked by its schedule only, whose own dead-letter queue keeps undelivered ticks; a failed tick is made good by the next one a minute later.',
    });
    Validations.of(this.function).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The dispatcher only calls AWS APIs over TLS (DynamoDB, SQS, S3); a VPC would add endpoints or NAT without protecting any data path.',
    });

    this.scheduleDeadLetterQueue = new EncryptedQueue(this, 'ScheduleDeadLetterQueue', {
      encryptionKey: props.encryptionKey,
      purpose: 'dispatcher ticks EventBridge Scheduler could not deliver',
      alarmAction: props.alarmAction,
    });
    const scheduleRole = new Role(this, 'ScheduleRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description:
        'Cliniko Change Bridge dispatcher schedule: invoke the dispatcher, dead-letter undelivered ticks',
    });
    this.scheduleDeadLetterQueue.grantSend(scheduleRole);
    acknowledgeRolePolicy(scheduleRole, [
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the dispatcher and its versions/aliases (the grant CDK generates); no other function.',
      },
    ]);
    this.schedule = new Schedule(this, 'Tick', {
      description: 'Cliniko Change Bridge: dispatch the accounts due in the coming minute',
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(this.function, {
        role: scheduleRole,
        deadLetterQueue: this.scheduleDeadLetterQueue.queue,
        retryAttempts: 2,
        maxEventAge: Duration.minutes(2),
      }),
    });
  }
}
