/**
 * How the bridge tells people something is wrong, and shows what it does.
 *
 * `AlarmNotifications`: the SNS topic every alarm notifies (alarm and OK) — created KMS-encrypted
 * with SSL enforced, or imported from `alarms.snsTopicArn` — with an email subscription when
 * `alarms.email` is set (the recipient must confirm it).
 *
 * `BridgeMonitoring`: the alarms and the dashboard.
 * - `PollerErrors`: failed invocations per hour ≥ `alarms.failedPollsPerHour` (default 3).
 * - `PollerThrottles`: throttled invocations per hour ≥ `alarms.failedPollsPerHour`.
 * - `PollerNotRunning`: no invocation for 3 poll intervals (at least 15 min): schedules disabled or deleted.
 * - `Lag-<account>`: the account's most-behind stream lags more than `alarms.lagSeconds` (default 900),
 *   or the account reported no lag for a whole period (poll interval + poller timeout + 2 min, at
 *   least 10 min): missing lag is breaching, since an account whose runs all fail reports none.
 * - `RateLimited-<account>`: Cliniko 429s per hour ≥ `alarms.rateLimited429PerHour` (default 60).
 * - `NotPolled-<account>`: no poll of the account finished in 3 consecutive poll intervals (at least
 *   15 min): its schedule was deleted, disabled or broken while other accounts still run, so
 *   `PollerNotRunning` stays quiet. Built on the account's own `PollsFailed` metric being absent.
 * - Every dead-letter queue alarms on its own (see `EncryptedQueue`).
 * Each alarm chooses what missing data means (see infra/README.md, "Alarms").
 * Lag and 429s are the poller's EMF metrics (namespace and names from functions/poller/poll-metrics.ts),
 * queried with CloudWatch Metrics Insights so one alarm covers all of an account's streams.
 *
 * @example
 * const notifications = new AlarmNotifications(this, 'Notifications', { alarms: config.alarms, encryptionKey: key });
 * new BridgeMonitoring(this, 'Monitoring', { config, poller: fn, alarmAction: notifications.action, deadLetterQueues });
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
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRIC_NAMESPACE, POLLER_METRICS } from '../functions/poller/poll-metrics.js';
import type { BridgeConfig } from '../shared/config/index.js';

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
  /**
   * The poller's timeout: a run may last this long, so a healthy account can go this long plus one
   * poll interval without reporting its lag.
   * @default Duration.minutes(5)
   */
  readonly pollerTimeout?: Duration;
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
    const { config, poller } = props;
    const hour = Duration.hours(1);
    const failedPerHour = config.alarms.failedPollsPerHour;

    this.add('PollerErrors', {
      alarmDescription: `The poller failed ${failedPerHour}+ times in an hour. Read its "poll failed" log lines: Cliniko auth (check the API key secret), Cliniko outages, or AWS permissions.`,
      metric: poller.metricErrors({ period: hour, statistic: 'Sum' }),
      threshold: failedPerHour,
      // Lambda reports errors for invocations only; no invocation at all is PollerNotRunning's job.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add('PollerThrottles', {
      alarmDescription: `The poller was throttled ${failedPerHour}+ times in an hour: raise its reserved concurrency or the account's Lambda quota.`,
      metric: poller.metricThrottles({ period: hour, statistic: 'Sum' }),
      threshold: failedPerHour,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const silence = Duration.minutes(Math.min(Math.max(3 * config.pollRateMinutes, 15), 1440));
    this.add('PollerNotRunning', {
      alarmDescription: `The poller has not run for ${silence.toHumanString()}: check that its schedules exist and are enabled.`,
      metric: poller.metricInvocations({ period: silence, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      // No data is exactly what this alarm looks for.
      treatMissingData: TreatMissingData.BREACHING,
    });

    const lagWindow = lagAlarmWindow(config.pollRateMinutes, props.pollerTimeout ?? Duration.minutes(5));
    for (const account of config.accounts) {
      this.add(`Lag-${account.id}`, {
        alarmDescription: `A stream of Cliniko account ${account.id} is more than ${config.alarms.lagSeconds} s behind${
          lagWindow.missingIsBreaching
            ? `, or the account reported no lag for ${lagWindow.period.toHumanString()} (every run failed before reaching Cliniko, or none ran)`
            : ''
        }: see the dashboard's lag graph and the poller's "poll failed" log lines.`,
        metric: insights(
          `SELECT MAX(${POLLER_METRICS.lagSeconds}) FROM ${from} WHERE ${METRIC_DIMENSIONS.account} = '${account.id}'`,
          `max lag ${account.id}`,
          lagWindow.period,
        ),
        threshold: config.alarms.lagSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        // Lag is reported by every run that reached Cliniko. None in a whole window means the lag is
        // unknown and growing, which is as bad as a lag over the threshold.
        treatMissingData: lagWindow.missingIsBreaching
          ? TreatMissingData.BREACHING
          : TreatMissingData.NOT_BREACHING,
      });
      this.add(`RateLimited-${account.id}`, {
        alarmDescription: `Cliniko answered 429 to account ${account.id} ${config.alarms.rateLimited429PerHour}+ times in an hour: lower rateLimitPerMinute or check what else uses this API key.`,
        metric: new Metric({
          namespace: METRIC_NAMESPACE,
          metricName: POLLER_METRICS.rateLimited,
          dimensionsMap: { [METRIC_DIMENSIONS.account]: account.id },
          statistic: 'Sum',
          period: hour,
        }),
        threshold: config.alarms.rateLimited429PerHour,
        // Counted by runs that finished; no count says nothing about 429s (NotPolled and Lag cover silence).
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      const notPolled = notPolledWindow(config.pollRateMinutes);
      this.add(`NotPolled-${account.id}`, {
        alarmDescription: `No poll of Cliniko account ${account.id} finished for ${notPolled.evaluationPeriods} poll intervals (${Duration.minutes(notPolled.evaluationPeriods * config.pollRateMinutes).toHumanString()}) while the poller may still run for other accounts: check that schedule Poll-${account.id} exists, is enabled and targets the poller, the schedules' dead-letter queue, and poller timeouts.`,
        // Every invocation for a configured account stores PollsFailed (0 or 1, also when skipped or
        // failed), so its sample count is the number of finished polls of this account.
        metric: new Metric({
          namespace: METRIC_NAMESPACE,
          metricName: POLLER_METRICS.pollsFailed,
          dimensionsMap: { [METRIC_DIMENSIONS.account]: account.id },
          statistic: 'SampleCount',
          period: Duration.minutes(config.pollRateMinutes),
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: notPolled.evaluationPeriods,
        datapointsToAlarm: notPolled.evaluationPeriods,
        // An interval without the metric is an interval without a poll of this account.
        treatMissingData: TreatMissingData.BREACHING,
      });
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    const fiveMinutes = Duration.minutes(5);
    const byGroup = (metric: string, stat: string, group: string) =>
      insights(`SELECT ${stat}(${metric}) FROM ${from} GROUP BY ${group}`, '', fiveMinutes);
    const { account, stream, action } = METRIC_DIMENSIONS;
    this.dashboard.addWidgets(
      graph('Events published by action', [byGroup(POLLER_METRICS.events, 'SUM', action)]),
      graph('Events published by stream', [byGroup(POLLER_METRICS.events, 'SUM', stream)]),
      graph('Records read by stream', [byGroup(POLLER_METRICS.recordsRead, 'SUM', stream)]),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lag behind Cliniko (s), per account and stream',
        left: [byGroup(POLLER_METRICS.lagSeconds, 'MAX', `${account}, ${stream}`)],
        leftAnnotations: [{ value: config.alarms.lagSeconds, label: 'alarm' }],
        width: 8,
      }),
      graph('Cliniko API requests by account', [byGroup(POLLER_METRICS.apiRequests, 'SUM', account)]),
      graph('Cliniko 429s and retries by account', [
        byGroup(POLLER_METRICS.rateLimited, 'SUM', account),
        byGroup(POLLER_METRICS.retries, 'SUM', account),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Poller invocations, errors, throttles', [
        poller.metricInvocations({ period: fiveMinutes, statistic: 'Sum' }),
        poller.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        poller.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        byGroup(POLLER_METRICS.pollsFailed, 'SUM', account),
        byGroup(POLLER_METRICS.pollsSkipped, 'SUM', account),
      ]),
      graph('Poller duration (ms)', [
        poller.metricDuration({ period: fiveMinutes, statistic: 'p50' }),
        poller.metricDuration({ period: fiveMinutes, statistic: 'p99' }),
        poller.metricDuration({ period: fiveMinutes, statistic: 'Maximum' }),
      ]),
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
    );
    this.dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...this.alarms, ...(props.otherAlarms ?? [])],
        width: 24,
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

// The whole namespace: each metric has its own dimension set (Account; Account+Stream; +Action).
const from = `"${METRIC_NAMESPACE}"`;

/**
 * How many consecutive poll intervals without a poll make an account "not polled": 3, and at least
 * 15 minutes (like PollerNotRunning), so a late tick or a slow metric delivery never alarms. One
 * interval per period keeps the alarm exact: N empty intervals in a row, not N minutes of a window.
 */
export function notPolledWindow(pollRateMinutes: number): { evaluationPeriods: number } {
  return { evaluationPeriods: Math.max(3, Math.ceil(15 / pollRateMinutes)) };
}

/** CloudWatch evaluates alarms on Metrics Insights queries over the latest 3 hours of data only. */
const METRICS_INSIGHTS_ALARM_WINDOW_MINUTES = 180;

/**
 * The lag alarm's period: long enough that a healthy account always reports its lag within it. The
 * longest gap between two reports is one poll interval plus one run (a run may last until the
 * poller's timeout; the ticks during it are skipped), plus 2 minutes for delivery and ingestion.
 * Where that exceeds what a Metrics Insights alarm can see, missing data cannot be told from a
 * healthy pause, so it is not treated as breaching there.
 */
export function lagAlarmWindow(
  pollRateMinutes: number,
  pollerTimeout: Duration,
): { period: Duration; missingIsBreaching: boolean } {
  const longestGap = pollRateMinutes + Math.ceil(pollerTimeout.toSeconds() / 60) + 2;
  const minutes = Math.max(10, longestGap);
  return minutes <= METRICS_INSIGHTS_ALARM_WINDOW_MINUTES
    ? { period: Duration.minutes(minutes), missingIsBreaching: true }
    : { period: Duration.minutes(METRICS_INSIGHTS_ALARM_WINDOW_MINUTES), missingIsBreaching: false };
}

function insights(expression: string, label: string, period: Duration): MathExpression {
  return new MathExpression({ expression, label, period, usingMetrics: {} });
}

function graph(title: string, left: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left, width: 8 });
}
