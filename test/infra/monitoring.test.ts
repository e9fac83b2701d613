import { Match, type Template } from 'aws-cdk-lib/assertions';
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

const lagAlarm = (from: Template, account: string) =>
  alarm(from, `BridgeMonitoringLag${account.replaceAll('-', '')}`);

describe('what each alarm makes of missing data', () => {
  it('treats missing data as breaching where data must keep coming, and as fine where it only reports trouble', () => {
    const account = 'harboursidephysio';
    const expected: Record<string, string> = {
      // Lambda reports errors and throttles only for invocations; silence is PollerNotRunning's job.
      BridgeMonitoringPollerErrors: 'notBreaching',
      BridgeMonitoringPollerThrottles: 'notBreaching',
      // No invocation at all: schedules gone or disabled.
      BridgeMonitoringPollerNotRunning: 'breaching',
      // No lag reported: every run failed before reaching Cliniko, or none ran; the lag is unknown and growing.
      [`BridgeMonitoringLag${account}`]: 'breaching',
      // No 429 count: nothing was said about 429s; absence is covered by NotPolled and Lag.
      [`BridgeMonitoringRateLimited${account}`]: 'notBreaching',
      // No poll of this account finished: its schedule is deleted, disabled or broken.
      [`BridgeMonitoringNotPolled${account}`]: 'breaching',
      // SQS publishes no data for idle queues: an empty dead-letter queue.
      BridgePollerDeadLetterQueueDepthAlarm: 'notBreaching',
      BridgeSchedulesDeadLetterQueueDepthAlarm: 'notBreaching',
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

describe('the lag alarm of each account', () => {
  it('alarms when an account whose runs all fail reports no lag for a period', () => {
    for (const account of config.accounts) {
      const lag = lagAlarm(template, account.id);

      expect(lag.TreatMissingData).toBe('breaching');
      expect(lag.EvaluationPeriods).toBe(1);
      expect(lag.Metrics?.[0]?.Expression).toMatch(new RegExp(`MAX\\(LagSeconds\\).*'${account.id}'`));
    }
  });

  it('uses a period no healthy account can leave without a lag report: poll interval plus poller timeout, at least 10 minutes', () => {
    // A run may last until the 5-minute timeout, and the next report comes from the next tick's run.
    expect(lagAlarm(template, 'harbourside-physio').Metrics?.[0]?.Period).toBe(600);

    const hourly = synthBridge(exampleConfig({ pollRateMinutes: 60 })).template;
    expect(lagAlarm(hourly, 'harbourside-physio').Metrics?.[0]?.Period).toBe((60 + 5 + 2) * 60);
  });

  it('falls back to not breaching when polls are too rare for the 3 hours Metrics Insights alarms can see', () => {
    const rare = synthBridge(exampleConfig({ pollRateMinutes: 240 })).template;
    const lag = lagAlarm(rare, 'harbourside-physio');

    expect(lag.Metrics?.[0]?.Period).toBe(3 * 3600);
    expect(lag.TreatMissingData).toBe('notBreaching');
  });
});

describe('the not-polled alarm of each account', () => {
  it("alarms when the account's own poll metric is absent for 3 intervals and at least 15 minutes", () => {
    for (const account of config.accounts) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'ClinikoChangeBridge',
        MetricName: 'PollsFailed',
        Dimensions: [{ Name: 'Account', Value: account.id }],
        Statistic: 'SampleCount',
        Period: 60,
        EvaluationPeriods: 15,
        DatapointsToAlarm: 15,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^BridgeNotificationsTopic') }],
        OKActions: [{ Ref: Match.stringLikeRegexp('^BridgeNotificationsTopic') }],
      });
    }
  });

  it('counts intervals of the configured poll rate', () => {
    for (const [pollRateMinutes, periods] of [
      [5, 3],
      [4, 4],
      [60, 3],
      [1440, 3],
    ] as const) {
      const other = synthBridge(exampleConfig({ pollRateMinutes })).template;
      const notPolled = alarm(other, 'BridgeMonitoringNotPolledharboursidephysio');

      expect([
        pollRateMinutes,
        notPolled.Period,
        notPolled.EvaluationPeriods,
        notPolled.DatapointsToAlarm,
      ]).toEqual([pollRateMinutes, pollRateMinutes * 60, periods, periods]);
    }
  });
});
