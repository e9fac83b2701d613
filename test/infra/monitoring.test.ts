import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { exampleConfig, resourcesOf, synthBridge } from './bridge-fixture.js';

const config = exampleConfig();
const { template } = synthBridge(config);

interface AlarmProperties {
  readonly TreatMissingData?: string;
  readonly Period?: number;
  readonly EvaluationPeriods?: number;
  readonly DatapointsToAlarm?: number;
  readonly Metrics?: readonly { readonly Expression?: string; readonly Period?: number }[];
}

/** The alarm whose logical id starts with `prefix` (ids are `BridgeMonitoring<Name><hash>`). */
function alarm(from: Template, prefix: string): AlarmProperties {
  const matches = resourcesOf(from, 'AWS::CloudWatch::Alarm').filter(([id]) => id.startsWith(prefix));
  expect(matches.map(([id]) => id)).toHaveLength(1);
  return (matches[0]?.[1].Properties ?? {}) as AlarmProperties;
}

interface MetricAlarmProperties extends AlarmProperties {
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Dimensions?: readonly { Name: string; Value: string }[];
  readonly Statistic?: string;
  readonly Threshold?: number;
  readonly ComparisonOperator?: string;
}

const fleetAlarm = (prefix: string) => alarm(template, `BridgeMonitoring${prefix}`) as MetricAlarmProperties;

describe('what each alarm makes of missing data', () => {
  it('treats missing data as breaching where data must keep coming, and as fine where it only reports trouble', () => {
    const expected: Record<string, string> = {
      // Counted by polls that ran; no polls at all is DispatcherNotRunning's and AccountsOverdue's job.
      BridgeMonitoringPollsFailed: 'notBreaching',
      // The dispatcher reports every tick; its silence is DispatcherNotRunning's.
      BridgeMonitoringAccountsOverdue: 'notBreaching',
      BridgeMonitoringWorstLag: 'notBreaching',
      // No 429 count: nothing was said about 429s.
      BridgeMonitoringRateLimited: 'notBreaching',
      // Lambda reports errors and throttles only for invocations.
      BridgeMonitoringPollerErrors: 'notBreaching',
      BridgeMonitoringPollerThrottles: 'notBreaching',
      BridgeMonitoringDispatcherErrors: 'notBreaching',
      // No invocation at all: the schedule is gone or disabled, and no account is polled.
      BridgeMonitoringDispatcherNotRunning: 'breaching',
      // SQS publishes no data for idle queues: an empty dead-letter queue.
      BridgeDispatcherWorkDeadLetterQueueDepthAlarm: 'notBreaching',
      BridgeDispatcherScheduleDeadLetterQueueDepthAlarm: 'notBreaching',
    };

    for (const [prefix, treatment] of Object.entries(expected)) {
      expect([prefix, alarm(template, prefix).TreatMissingData]).toEqual([prefix, treatment]);
    }
  });

  it('states a missing-data treatment on every alarm', () => {
    for (const [id, resource] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
      expect([id, resource.Properties?.TreatMissingData]).toEqual([
        id,
        expect.stringMatching(/^(notB|b)reaching$/),
      ]);
    }
  });
});

describe('alarms per fleet, not per account', () => {
  it('has the same alarms for one account as for several hundred', () => {
    const ids = (from: Template) =>
      resourcesOf(from, 'AWS::CloudWatch::Alarm')
        .map(([id]) => id)
        .sort();
    const many = synthBridge(
      exampleConfig({
        accounts: Array.from({ length: 300 }, (_, i) => ({
          id: `clinic-${i}`,
          apiKeySecret: `cliniko/clinic-${i}`,
        })),
      }),
    ).template;

    expect(ids(many)).toEqual(ids(template));
    expect(ids(template)).toHaveLength(11);
  });

  it('keeps every custom metric on the service dimension alone: no per-account metric is billed', () => {
    for (const [id, resource] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
      const properties = resource.Properties as MetricAlarmProperties;
      if (properties.Namespace !== 'ClinikoChangeBridge') continue;
      expect([id, properties.Dimensions?.map((d) => d.Name)]).toEqual([id, ['service']]);
    }
  });
});

describe('a broken account still alarms', () => {
  it('alarms as soon as the dispatcher counts one account without a success for 3 intervals', () => {
    const overdue = fleetAlarm('AccountsOverdue');

    expect(overdue).toMatchObject({
      Namespace: 'ClinikoChangeBridge',
      MetricName: 'AccountsOverdue',
      Dimensions: [{ Name: 'service', Value: 'cliniko-bridge-dispatcher' }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
    });
  });

  it('alarms on failed polls, the worst lag and 429s across the fleet at the configured thresholds', () => {
    expect(fleetAlarm('PollsFailed')).toMatchObject({
      MetricName: 'PollsFailed',
      Dimensions: [{ Name: 'service', Value: 'cliniko-bridge-poller' }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: config.alarms.failedPollsPerHour,
    });
    expect(fleetAlarm('WorstLag')).toMatchObject({
      MetricName: 'WorstLagSeconds',
      Dimensions: [{ Name: 'service', Value: 'cliniko-bridge-dispatcher' }],
      Statistic: 'Maximum',
      Threshold: config.alarms.lagSeconds,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 2,
    });
    expect(fleetAlarm('RateLimited')).toMatchObject({
      MetricName: 'RateLimited429',
      Statistic: 'Sum',
      Period: 3600,
      Threshold: config.alarms.rateLimited429PerHour,
    });
  });

  it('alarms when the dispatcher stops ticking for 5 minutes, and on 3 failed ticks in a row', () => {
    expect(fleetAlarm('DispatcherNotRunning')).toMatchObject({
      MetricName: 'Invocations',
      Namespace: 'AWS/Lambda',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
    });
    expect(fleetAlarm('DispatcherErrors')).toMatchObject({
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Period: 60,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
    });
  });

  it('notifies the topic on alarm and on recovery', () => {
    for (const [id, resource] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
      expect([id, resource.Properties?.AlarmActions, resource.Properties?.OKActions]).toEqual([
        id,
        [{ Ref: expect.stringMatching(/^BridgeNotificationsTopic/) }],
        [{ Ref: expect.stringMatching(/^BridgeNotificationsTopic/) }],
      ]);
    }
  });
});
