/**
 * `PollSchedules`: one EventBridge Scheduler schedule per configured Cliniko account that invokes
 * the poller with `{"account": "<id>"}`, and — when reconciliation is enabled — one more per account
 * with `{"account": "<id>", "task": "reconcile"}`.
 *
 * Defaults: poll rate from `pollRateMinutes` (1 minute), reconciliation every
 * `reconciliation.intervalHours` (24 h), flexible time window off (polls keep their cadence), two
 * delivery retries within 5 minutes, then a KMS-encrypted dead-letter queue with a depth alarm. The
 * schedules share one role that may only invoke the poller and send to that queue.
 *
 * Construct ids are `Poll-<account id>` and `Reconcile-<account id>`: renaming an account replaces
 * its schedules, which is harmless (its cursors are keyed by the account id in the state table).
 *
 * @example
 * new PollSchedules(this, 'Schedules', { config, target: poller.function, encryptionKey: key, alarmAction });
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import type { BridgeConfig } from '../shared/config/index.js';
import { EncryptedQueue } from './encrypted-queue.js';
import { acknowledgeRolePolicy } from './poller.js';

export interface PollSchedulesProps {
  readonly config: BridgeConfig;
  /** The poller function. */
  readonly target: IFunction;
  /** Encrypts the dead-letter queue. */
  readonly encryptionKey: IKey;
  /** Notified by the dead-letter queue's alarm. */
  readonly alarmAction: IAlarmAction;
  /**
   * Delivery retries before an invocation goes to the dead-letter queue.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long Scheduler keeps retrying one invocation; older ones are dead-lettered.
   * @default Duration.minutes(5)
   */
  readonly maxEventAge?: Duration;
}

export class PollSchedules extends Construct {
  /** Poll schedule per account id. */
  readonly polls: ReadonlyMap<string, Schedule>;
  /** Reconciliation schedule per account id (empty when reconciliation is disabled). */
  readonly reconciliations: ReadonlyMap<string, Schedule>;
  readonly deadLetterQueue: EncryptedQueue;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: PollSchedulesProps) {
    super(scope, id);
    const { config } = props;

    this.deadLetterQueue = new EncryptedQueue(this, 'DeadLetterQueue', {
      encryptionKey: props.encryptionKey,
      purpose: 'scheduled poller invocations that EventBridge Scheduler could not deliver',
      alarmAction: props.alarmAction,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description:
        'Cliniko Change Bridge schedules: invoke the poller, dead-letter undeliverable invocations',
    });
    // The target's own DLQ grant lacks the KMS permissions an encrypted queue needs.
    this.deadLetterQueue.grantSend(this.role);
    acknowledgeRolePolicy(this.role, [
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(props.target.node.defaultChild as CfnFunction)}.Arn>:*]`,
        reason:
          'lambda:InvokeFunction on the poller and its versions/aliases (the grant CDK generates); no other function.',
      },
    ]);

    const target = (input: Record<string, string>) =>
      new LambdaInvoke(props.target, {
        role: this.role,
        input: ScheduleTargetInput.fromObject(input),
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: props.retryAttempts ?? 2,
        maxEventAge: props.maxEventAge ?? Duration.minutes(5),
      });

    const polls = new Map<string, Schedule>();
    const reconciliations = new Map<string, Schedule>();
    for (const account of config.accounts) {
      polls.set(
        account.id,
        new Schedule(this, `Poll-${account.id}`, {
          description: `Poll Cliniko account ${account.id} every ${config.pollRateMinutes} min`,
          schedule: ScheduleExpression.rate(Duration.minutes(config.pollRateMinutes)),
          timeWindow: TimeWindow.off(),
          target: target({ account: account.id }),
        }),
      );
      if (!config.reconciliation.enabled) continue;
      reconciliations.set(
        account.id,
        new Schedule(this, `Reconcile-${account.id}`, {
          description: `Reconcile Cliniko account ${account.id} every ${config.reconciliation.intervalHours} h`,
          schedule: ScheduleExpression.rate(Duration.hours(config.reconciliation.intervalHours)),
          timeWindow: TimeWindow.off(),
          target: target({ account: account.id, task: 'reconcile' }),
        }),
      );
    }
    this.polls = polls;
    this.reconciliations = reconciliations;
  }
}
