import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { exampleConfig, resourcesOf, synthBridge } from './bridge-fixture.js';

const config = exampleConfig();
const { template } = synthBridge(config);
const dataKey = { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgeDataKey'), 'Arn'] };

describe('ChangeBridge state table', () => {
  it('has string keys pk and sk, on-demand billing, PITR, the data key and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: dataKey },
      DeletionProtectionEnabled: true,
    });
  });

  it('is retained, as are the data key, the content key secret, the log group, the bus and its archive', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::KMS::Key',
      'AWS::SecretsManager::Secret',
      'AWS::Logs::LogGroup',
      'AWS::Events::EventBus',
      'AWS::Events::Archive',
    ]) {
      const resources = resourcesOf(template, type);
      expect(resources.length, type).toBeGreaterThan(0);
      for (const [id, resource] of resources) {
        expect([id, resource.DeletionPolicy, resource.UpdateReplacePolicy]).toEqual([id, 'Retain', 'Retain']);
      }
    }
  });
});

describe('ChangeBridge data key', () => {
  it('rotates automatically', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    for (const [, key] of resourcesOf(template, 'AWS::KMS::Key')) {
      expect(key.Properties?.EnableKeyRotation).toBe(true);
    }
  });
});

describe('ChangeBridge event bus', () => {
  it('is created encrypted with the data key and archived for the configured days', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { KmsKeyIdentifier: dataKey });
    template.hasResourceProperties('AWS::Events::Archive', {
      RetentionDays: config.archiveRetentionDays,
      EventPattern: { source: [config.source] },
      KmsKeyIdentifier: dataKey,
    });
  });

  it("denies PutEvents with the bridge's source to every principal but the poller's role", () => {
    const policies = resourcesOf(template, 'AWS::Events::EventBusPolicy');

    expect(policies).toHaveLength(1);
    expect(policies[0]?.[1].Properties).toEqual({
      EventBusName: { Ref: expect.stringMatching(/^BridgeEventsBus/) },
      StatementId: expect.any(String),
      Statement: {
        Sid: expect.any(String),
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^BridgeEventsBus/), 'Arn'] },
        Condition: {
          'ForAnyValue:StringEquals': { 'events:source': config.source },
          ArnNotEquals: {
            'aws:PrincipalArn': { 'Fn::GetAtt': [expect.stringMatching(/^BridgePollerRole/), 'Arn'] },
          },
        },
      },
    });
  });

  it('reserves the configured source, whatever it is', () => {
    const { template: custom } = synthBridge(exampleConfig({ source: 'acme.cliniko' }));

    custom.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Condition: Match.objectLike({ 'ForAnyValue:StringEquals': { 'events:source': 'acme.cliniko' } }),
      }),
    });
  });

  it("leaves an imported bus's policy to its owner and outputs the poller's role for it", () => {
    const imported = synthBridge(
      exampleConfig({ eventBus: { mode: 'import', name: 'clinic-events' } }),
    ).template;

    imported.resourceCountIs('AWS::Events::EventBusPolicy', 0);
    imported.hasOutput('PollerRoleArn', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgePollerRole'), 'Arn'] },
    });
  });

  it('is imported by ARN without creating a bus or an archive, and the poller publishes to that ARN', () => {
    const arn = 'arn:aws:events:ap-southeast-2:123456789012:event-bus/clinic-events';
    const imported = synthBridge(exampleConfig({ eventBus: { mode: 'import', arn } })).template;

    imported.resourceCountIs('AWS::Events::EventBus', 0);
    imported.resourceCountIs('AWS::Events::Archive', 0);
    imported.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: arn }) },
    });
    imported.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'events:PutEvents', Resource: arn })]),
      },
    });
  });
});

describe('ChangeBridge schedules', () => {
  const polls = resourcesOf(template, 'AWS::Scheduler::Schedule').filter(([id]) => id.includes('Poll'));

  it('polls each configured account once a minute by default', () => {
    expect(
      polls.map(([, s]) => (s.Properties?.Target as { Input?: string } | undefined)?.Input).sort(),
    ).toEqual(config.accounts.map((account) => JSON.stringify({ account: account.id })).sort());
    for (const [, schedule] of polls) expect(schedule.Properties?.ScheduleExpression).toBe('rate(1 minute)');
  });

  it('keeps the flexible time window off and gives every schedule a retry policy and a dead-letter queue', () => {
    const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(2 * config.accounts.length);
    for (const [, schedule] of schedules) {
      expect(schedule.Properties).toMatchObject({
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [expect.stringMatching(/^BridgeSchedulesDeadLetterQueue/), 'Arn'] },
          },
        },
      });
    }
  });

  it('reconciles each account at the configured interval', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 day)',
      Target: Match.objectLike({
        Input: JSON.stringify({ account: 'harbourside-physio', task: 'reconcile' }),
      }),
    });
  });

  it('follows the configured poll rate and creates no reconciliation schedule when it is disabled', () => {
    const custom = exampleConfig({ pollRateMinutes: 5, reconciliation: { enabled: false } });
    const { template: other } = synthBridge(custom);

    const schedules = resourcesOf(other, 'AWS::Scheduler::Schedule');
    expect(schedules.map(([, s]) => s.Properties?.ScheduleExpression)).toEqual([
      'rate(5 minutes)',
      'rate(5 minutes)',
    ]);
  });
});

describe('ChangeBridge queues, alarms and dashboard', () => {
  it('encrypts every queue with a customer-managed key and alarms on each dead-letter queue', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues).toHaveLength(2);
    for (const [, queue] of queues) {
      expect(queue.Properties?.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^BridgeDataKey/), 'Arn'],
      });
    }
    for (const [id] of queues) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
      });
    }
  });

  it('alarms on poller errors, throttles and silence, and on lag and 429s per account, notifying the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Throttles',
      Namespace: 'AWS/Lambda',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Invocations',
      TreatMissingData: 'breaching',
    });
    for (const account of config.accounts) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Threshold: config.alarms.lagSeconds,
        Metrics: [
          Match.objectLike({ Expression: Match.stringLikeRegexp(`MAX\\(LagSeconds\\).*'${account.id}'`) }),
        ],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'RateLimited429',
        Namespace: 'ClinikoChangeBridge',
        Threshold: config.alarms.rateLimited429PerHour,
        Dimensions: [{ Name: 'Account', Value: account.id }],
      });
    }
    for (const [, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
      const topic = [{ Ref: expect.stringMatching(/^BridgeNotificationsTopic/) }];
      expect([alarm.Properties?.AlarmActions, alarm.Properties?.OKActions]).toEqual([topic, topic]);
    }
  });

  it('notifies through a KMS-encrypted topic with the configured email subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: dataKey });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: config.alarms.email,
    });
  });

  it('has a dashboard with events by action, lag, API requests, 429s, errors and duration', () => {
    const [[, dashboard] = ['', { Type: '' }]] = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties?.DashboardBody);

    for (const expected of [
      'SUM(Events)',
      'GROUP BY Action',
      'MAX(LagSeconds)',
      'SUM(ApiRequests)',
      'SUM(RateLimited429)',
      'Errors',
      'Duration',
    ]) {
      expect(body).toContain(expected);
    }
  });
});

describe('ChangeBridge example consumer', () => {
  it('is not deployed unless asked for', () => {
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('routes cancelled individual appointments to an encrypted queue with its own dead-letter queue and alarm', () => {
    const { template: withConsumer } = synthBridge(config, { exampleConsumer: true });

    withConsumer.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['cliniko'], 'detail-type': ['individual_appointment.cancelled'] },
      Targets: [Match.objectLike({ DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }) })],
    });
    withConsumer.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgeExampleConsumerKey'), 'Arn'] },
    });
    withConsumer.resourceCountIs('AWS::SQS::Queue', 4);
  });
});

describe('ChangeBridge secrets and names', () => {
  it('creates one secret, the content key: API keys are put into existing secrets by the operator', () => {
    const secrets = resourcesOf(template, 'AWS::SecretsManager::Secret');

    expect(secrets.map(([id]) => id)).toEqual([expect.stringMatching(/^BridgeContentKeySecret/)]);
  });

  it('sets no physical names on the table, queues, function, log group or topic', () => {
    const nameFields: Record<string, string> = {
      'AWS::DynamoDB::Table': 'TableName',
      'AWS::SQS::Queue': 'QueueName',
      'AWS::Lambda::Function': 'FunctionName',
      'AWS::Logs::LogGroup': 'LogGroupName',
      'AWS::SNS::Topic': 'TopicName',
    };
    for (const [type, field] of Object.entries(nameFields)) {
      for (const [id, resource] of resourcesOf(template, type))
        expect([id, resource.Properties?.[field]]).toEqual([id, undefined]);
    }
  });

  it('outputs the bus, the table, the content key secret and a command per account that stores its API key', () => {
    template.hasOutput('EventBusName', {});
    template.hasOutput('EventBusArn', {});
    template.hasOutput('StateTableName', {});
    template.hasOutput('ContentKeySecretArn', {});
    template.hasOutput('PutApiKeyharboursidephysio', {
      Value: Match.stringLikeRegexp(
        "aws secretsmanager put-secret-value --secret-id 'cliniko-bridge/harbourside-physio' --secret-string file:///dev/stdin",
      ),
    });
  });
});
