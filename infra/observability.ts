/**
 * How the bridge tells people something is wrong, and shows what it does.
 *
 * `AlarmNotifications`: the SNS topic every alarm notifies (alarm and OK) — created KMS-encrypted
 * with SSL enforced, or imported from `alarms.snsTopicArn` — with an email subscription when
 * `alarms.email` is set (the recipient must confirm it).
 *
 * `BridgeMonitoring`: the fleet's alarms and dashboard. Every alarm watches the whole fleet, so
 * their number and cost do not grow with the accounts; per-account detail is in the structured
 * logs, which the dashboard queries (Logs Insights) for the worst accounts.
 * - `PollsFailed`: failed polls (any account) per hour ≥ `alarms.failedPollsPerHour` (default 3).
 * - `AccountsOverdue`: an active account has had no successful poll for three poll intervals (or
 *   since it was added): a broken account alarms even while every other one runs. From the
 *   dispatcher, which names the overdue accounts in its log line.
 * - `WorstLag`: the most-behind account's last poll lagged more than `alarms.lagSeconds` (900).
 * - `RateLimited`: Cliniko 429s across the fleet per hour ≥ `alarms.rateLimited429PerHour` (60).
 * - `PollerErrors`, `PollerThrottles`: invocations that died or were throttled per hour.
 * - `DispatcherNotRunning`: no dispatcher tick for 5 minutes (missing data breaching).
 * - `DispatcherErrors`: failed ticks for 3 minutes in a row.
 * - The work queue's oldest message and every dead-letter queue alarm on their own (`EncryptedQueue`).
 * Each alarm chooses what missing data means (see infra/README.md, "Alarms"). Metric names come
 * from functions/poller/poll-metrics.ts (one `service` dimension per function).
 *
 * @example
 * const notifications = new AlarmNotifications(this, 'Notifications', { alarms: config.alarms, encryptionKey: key });
 * new BridgeMonitoring(this, 'Monitoring', { config, poller, pollerLogGroup, dispatcher, dispatcherLogGroup,
 *   alarmAction: notifications.action, deadLetterQueues });
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  LogQueryWidget,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DISPATCHER_METRICS,
  eventMetric,
  METRIC_DIMENSIONS,
  METRIC_NAMESPACE,
  POLLER_METRICS,
  SERVICES,
} from '../functions/poller/poll-metrics.js';
import type { BridgeConfig } from '../shared/config/index.js';
import { ACTIONS } from '../shared/events/contract.js';
import { OVERDUE_INTERVALS } from '../shared/fleet/schedule.js';

export interface AlarmNotificationsProps {
  readonly alarms: BridgeConfig['alarms'];
  /** Encrypts a created topic. */
  readonly encryptionKey: IKey;
}

export class AlarmNotifications extends Construct {
  readonly topic: ITopic;
  readonly action: IAlarmAction;

  constructor(scope: Construct, id: string, props: AlarmNotificationsProps) {
    super(scope, id);
    this.topic = props.alarms.snsTopicArn
      ? Topic.fromTopicArn(this, 'Topic', props.alarms.snsTopicArn)
      : new Topic(this, 'Topic', {
          displayName: 'Cliniko Change Bridge alarms',
          masterKey: props.encryptionKey,
          enforceSSL: true,
        });
    if (props.alarms.email) this.topic.addSubscription(new EmailSubscription(props.alarms.email));
    this.action = new SnsAction(this.topic);
  }
}

export interface BridgeMonitoringProps {
  readonly config: BridgeConfig;
  readonly poller: IFunction;
  /** Queried by the dashboard's per-account views. */
  readonly pollerLogGroup: ILogGroup;
  readonly dispatcher: IFunction;
  readonly dispatcherLogGroup: ILogGroup;
  readonly alarmAction: IAlarmAction;
  /** Dead-letter queues shown on the dashboard (each has its own alarm). */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** Alarms created elsewhere that the dashboard's status widget should list too. */
  readonly otherAlarms?: readonly Alarm[];
}

export class BridgeMonitoring extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  private readonly alarmAction: IAlarmAction;

  constructor(scope: Construct, id: string, props: BridgeMonitoringProps) {
    super(scope, id);
    this.alarmAction = props.alarmAction;
    const { config, poller, dispatcher } = props;
    const hour = Duration.hours(1);
    const fiveMinutes = Duration.minutes(5);
    const failedPerHour = config.alarms.failedPollsPerHour;
    const pollerMetric = (name: string, statistic: string, period: Duration) =>
      fleetMetric(SERVICES.poller, name, statistic, period);
    const dispatcherMetric = (name: string, statistic: string, period: Duration) =>
      fleetMetric(SERVICES.dispatcher, name, statistic, period);

    this.add('PollsFailed', {
      alarmDescription: `Polls failed ${failedPerHour}+ times in an hour across the fleet. The poller's "poll failed" and "poll finished with failed streams" log lines name the accounts (dashboard: Failing accounts).`,
      metric: pollerMetric(POLLER_METRICS.pollsFailed, 'Sum', hour),
      threshold: failedPerHour,
      // Counted by polls that ran; no polls at all is the dispatcher's and the overdue alarm's job.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add('AccountsOverdue', {
      alarmDescription: `An account has had no successful poll for ${OVERDUE_INTERVALS} poll intervals: its key may be refused, its streams failing, or its runs timing out. The dispatcher's log line names it; \`cliniko-bridge accounts list\` shows each account's last success.`,
      metric: dispatcherMetric(DISPATCHER_METRICS.overdue, 'Maximum', fiveMinutes),
      threshold: 1,
      // The dispatcher reports every minute; silence is DispatcherNotRunning's.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add('WorstLag', {
      alarmDescription: `The most-behind account lags Cliniko by more than ${config.alarms.lagSeconds} s: see the dashboard's Worst accounts by lag.`,
      metric: dispatcherMetric(DISPATCHER_METRICS.worstLagSeconds, 'Maximum', fiveMinutes),
      threshold: config.alarms.lagSeconds,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add('RateLimited', {
      alarmDescription: `Cliniko answered 429 ${config.alarms.rateLimited429PerHour}+ times in an hour across the fleet: lower rateLimitPerMinute, or find the accounts whose keys other clients also use (dashboard: Most 429s).`,
      metric: pollerMetric(POLLER_METRICS.rateLimited, 'Sum', hour),
      threshold: config.alarms.rateLimited429PerHour,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add('PollerErrors', {
      alarmDescription: `Poller invocations died ${failedPerHour}+ times in an hour (timeouts, crashes): their messages come back and end in the work dead-letter queue.`,
      metric: poller.metricErrors({ period: hour, statistic: 'Sum' }),
      threshold: failedPerHour,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add('PollerThrottles', {
      alarmDescription: `The poller was throttled ${failedPerHour}+ times in an hour: raise fleet.workerConcurrency or the AWS account's Lambda quota.`,
      metric: poller.metricThrottles({ period: hour, statistic: 'Sum' }),
      threshold: failedPerHour,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add('DispatcherNotRunning', {
      alarmDescription:
        'The dispatcher has not ticked for 5 minutes: no account is being polled. Check its schedule (enabled?) and the schedule dead-letter queue.',
      metric: dispatcher.metricInvocations({ period: fiveMinutes, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data is exactly what this alarm looks for.
      treatMissingData: TreatMissingData.BREACHING,
    });
    this.add('DispatcherErrors', {
      alarmDescription:
        'The dispatcher failed 3 ticks in a row: its "dispatch failed" log lines say why (DynamoDB, SQS or the configuration object).',
      metric: dispatcher.metricErrors({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(
      graph('Accounts', [
        dispatcherMetric(DISPATCHER_METRICS.registered, 'Maximum', fiveMinutes),
        dispatcherMetric(DISPATCHER_METRICS.paused, 'Maximum', fiveMinutes),
        dispatcherMetric(DISPATCHER_METRICS.overdue, 'Maximum', fiveMinutes),
        dispatcherMetric(DISPATCHER_METRICS.failing, 'Maximum', fiveMinutes),
      ]),
      new GraphWidget({
        title: 'Worst lag behind Cliniko (s)',
        left: [dispatcherMetric(DISPATCHER_METRICS.worstLagSeconds, 'Maximum', fiveMinutes)],
        leftAnnotations: [{ value: config.alarms.lagSeconds, label: 'alarm' }],
        width: 8,
      }),
      graph(
        'Events published by action',
        ACTIONS.map((action) => pollerMetric(eventMetric(action), 'Sum', fiveMinutes)),
      ),
    );
    this.dashboard.addWidgets(
      graph('Polls, failures, skips', [
        pollerMetric(POLLER_METRICS.polls, 'Sum', fiveMinutes),
        pollerMetric(POLLER_METRICS.pollsFailed, 'Sum', fiveMinutes),
        pollerMetric(POLLER_METRICS.pollsSkipped, 'Sum', fiveMinutes),
      ]),
      graph('Cliniko requests, 429s and retries', [
        pollerMetric(POLLER_METRICS.apiRequests, 'Sum', fiveMinutes),
        pollerMetric(POLLER_METRICS.rateLimited, 'Sum', fiveMinutes),
        pollerMetric(POLLER_METRICS.retries, 'Sum', fiveMinutes),
      ]),
      graph('Poller invocations, errors, throttles, duration p99 (ms)', [
        poller.metricInvocations({ period: fiveMinutes, statistic: 'Sum' }),
        poller.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        poller.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        poller.metricDuration({ period: fiveMinutes, statistic: 'p99' }),
      ]),
    );
    const logs = [props.pollerLogGroup.logGroupName];
    this.dashboard.addWidgets(
      logWidget('Worst accounts by lag (last 6 h)', logs, [
        'filter message = "poll finished" or message = "poll finished with failed streams"',
        'stats max(maxLagSeconds) as worstLagSeconds, count(*) as polls by account',
        'sort worstLagSeconds desc',
        'limit 20',
      ]),
      logWidget('Failing accounts', logs, [
        'filter message = "poll failed" or message = "poll finished with failed streams"',
        'stats count(*) as failures, latest(errorType) as lastError by account',
        'sort failures desc',
        'limit 20',
      ]),
      logWidget('Most 429s and slowest polls', logs, [
        'filter message = "poll finished"',
        'stats sum(rateLimited) as status429, max(durationMs) as slowestMs, sum(requests) as requests by account',
        'sort status429 desc, slowestMs desc',
        'limit 20',
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Dead-letter queue depth',
        Object.entries(props.deadLetterQueues).map(([label, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: 'Maximum',
            label,
          }),
        ),
      ),
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...this.alarms, ...(props.otherAlarms ?? [])],
        width: 16,
      }),
    );
  }

  private add(
    id: string,
    options: {
      alarmDescription: string;
      metric: IMetric;
      threshold: number;
      comparisonOperator?: ComparisonOperator;
      /** Chosen per alarm: what a period without data means for what this alarm watches. */
      treatMissingData: TreatMissingData;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      ...options,
    });
    alarm.addAlarmAction(this.alarmAction);
    alarm.addOkAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }
}

/** A fleet metric of one function (its only dimension is the service). */
function fleetMetric(service: string, metricName: string, statistic: string, period: Duration): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { [METRIC_DIMENSIONS.service]: service },
    statistic,
    period,
  });
}

function graph(title: string, left: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left, width: 8 });
}

function logWidget(title: string, logGroupNames: string[], queryLines: string[]): LogQueryWidget {
  return new LogQueryWidget({ title, logGroupNames, queryLines, width: 8 });
}
