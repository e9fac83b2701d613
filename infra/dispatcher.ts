import { Duration, Stack } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, SERVICES } from '../functions/poller/poll-metrics.js';
import type { BridgeConfig } from '../shared/config/index.js';
import { acknowledgeRolePolicy, bridgeFunction, repositoryRoot } from './bridge-function.js';
import { EncryptedQueue } from './encrypted-queue.js';

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

    ({
      function: this.function,
      role: this.role,
      logGroup: this.logGroup,
    } = bridgeFunction(this, {
      config,
      encryptionKey: props.encryptionKey,
      roleDescription: 'Cliniko Change Bridge dispatcher: only the grants the ChangeBridge construct adds',
      description: 'Cliniko Change Bridge dispatcher: hands the accounts due this minute to the poller',
      entry: props.entry ?? `${repositoryRoot}functions/dispatcher/handler.ts`,
      memorySize: 256,
      timeout: Duration.minutes(1),
      service: SERVICES.dispatcher,
      metricsNamespace: METRIC_NAMESPACE,
      environment: { WORK_QUEUE_URL: this.workQueue.queue.queueUrl, ...props.environment },
      whyNoDeadLetterQueue:
        'Invoked by its schedule only, whose own dead-letter queue keeps undelivered ticks; a failed tick is made good by the next one a minute later.',
      whyNoVpc:
        'The dispatcher only calls AWS APIs over TLS (DynamoDB, SQS, S3); a VPC would add endpoints or NAT without protecting any data path.',
      // One tick at a time is all it ever needs; a second would only hand the same accounts out twice.
      reservedConcurrentExecutions: 1,
      extra: {
        // The schedule invokes it asynchronously: a failed or throttled tick is not retried by Lambda
        // (its default keeps events 6 hours), since a stale tick would hand a past minute out again;
        // the next tick a minute later does the work.
        retryAttempts: 0,
        maxEventAge: Duration.minutes(1),
      },
    }));
    this.workQueue.grantSend(this.role);

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
