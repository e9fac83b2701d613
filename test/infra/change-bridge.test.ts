import { CfnWaitConditionHandle, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CfnRule, EventBus, Match as EventMatch, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_HOURS } from '../../functions/example-consumer/handler.js';
import { buildBridgeApp } from '../../infra/bridge-app.js';
import { exampleConfig, newApp, resourcesOf, synthBridge } from './bridge-fixture.js';

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

describe('ChangeBridge dispatcher schedule', () => {
  const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule');

  it('ticks the dispatcher once a minute from one schedule, however many accounts', () => {
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.[1].Properties).toMatchObject({
      ScheduleExpression: 'rate(1 minute)',
      Target: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^BridgeDispatcherFunction/), 'Arn'] } },
    });
    const hundreds = exampleConfig({
      accounts: Array.from({ length: 200 }, (_, i) => ({
        id: `clinic-${i}`,
        apiKeySecret: `cliniko/clinic-${i}`,
      })),
      pollRateMinutes: 5,
    });
    expect(resourcesOf(synthBridge(hundreds).template, 'AWS::Scheduler::Schedule')).toHaveLength(1);
  });

  it('keeps the flexible time window off and gives the schedule a retry policy and a dead-letter queue', () => {
    expect(schedules[0]?.[1].Properties).toMatchObject({
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        // A tick older than two minutes is stale: the next one plans afresh.
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 },
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/^BridgeDispatcherScheduleDeadLetterQueue/), 'Arn'] },
        },
      },
    });
  });

  it('runs one dispatcher at a time, with the configuration by location and the work queue by URL', () => {
    const [, dispatcher] =
      resourcesOf(template, 'AWS::Lambda::Function').find(([id]) =>
        id.startsWith('BridgeDispatcherFunction'),
      ) ?? [];
    const environment = dispatcher?.Properties?.Environment as
      | { Variables?: Record<string, unknown> }
      | undefined;
    const variables = environment?.Variables ?? {};

    expect(dispatcher?.Properties).toMatchObject({
      ReservedConcurrentExecutions: 1,
      Timeout: 60,
      MemorySize: 256,
    });
    // A failed tick is not retried hours later by Lambda's asynchronous invocation: the next tick does it.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Match.stringLikeRegexp('^BridgeDispatcherFunction') },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 60,
    });
    expect(variables).toMatchObject({
      WORK_QUEUE_URL: { Ref: expect.stringMatching(/^BridgeDispatcherWorkQueue[0-9A-F]{8}$/) },
      STATE_TABLE_NAME: { Ref: expect.stringMatching(/^BridgeStateTable/) },
    });
    expect(JSON.stringify(variables.BRIDGE_CONFIG_URI)).toContain('s3://');
  });
});

describe('ChangeBridge queues, alarms and dashboard', () => {
  it('encrypts every queue with the customer-managed key and alarms on each dead-letter queue', () => {
    const queues = resourcesOf(template, 'AWS::SQS::Queue');
    expect(queues.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual([
      'BridgeDispatcherScheduleDeadLetterQueue',
      'BridgeDispatcherWorkDeadLetterQueue',
      'BridgeDispatcherWorkQueue',
    ]);
    for (const [, queue] of queues) {
      expect(queue.Properties?.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^BridgeDataKey/), 'Arn'],
      });
    }
    for (const [id] of queues.filter(([id]) => id.includes('DeadLetter'))) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
      });
    }
  });

  it("sends work that fails three times to the work queue's dead-letter queue, and alarms on stuck work", () => {
    const [, work] =
      resourcesOf(template, 'AWS::SQS::Queue').find(([id]) =>
        /^BridgeDispatcherWorkQueue[0-9A-F]{8}$/.test(id),
      ) ?? [];

    expect(work?.Properties?.RedrivePolicy).toEqual({
      deadLetterTargetArn: {
        'Fn::GetAtt': [expect.stringMatching(/^BridgeDispatcherWorkDeadLetterQueue/), 'Arn'],
      },
      maxReceiveCount: 3,
    });
    // Six poller timeouts: a message is never handed to a second worker while the first still runs.
    expect(work?.Properties?.VisibilityTimeout).toBe(6 * 300);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      // A run waits at most its delay within the interval; longer means no worker takes it.
      Threshold: (config.pollRateMinutes + 5) * 60,
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgeDispatcherWorkQueue'), 'QueueName'] },
        },
      ],
    });
  });

  it('notifies through a KMS-encrypted topic with the configured email subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: dataKey });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: config.alarms.email,
    });
  });

  it('has a fleet dashboard: accounts, events, lag, requests, 429s, errors, duration and the worst accounts from the logs', () => {
    const dashboards = resourcesOf(template, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.[1].Properties?.DashboardBody);

    for (const expected of [
      'AccountsRegistered',
      'AccountsOverdue',
      'WorstLagSeconds',
      'Events',
      'ApiRequests',
      'RateLimited429',
      'Errors',
      'Duration',
      // Logs Insights over the poller's log group: per-account detail without per-account metrics.
      'stats',
      'by account',
    ]) {
      expect([expected, body.includes(expected)]).toEqual([expected, true]);
    }
  });
});

describe('ChangeBridge example consumer', () => {
  it('is not deployed unless asked for', () => {
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  it('handles the queue with a Lambda that reports failed messages alone and dedupes on a TTL-expiring idempotency table', () => {
    const { template: withConsumer } = synthBridge(exampleConfig(), { exampleConsumer: true });
    const [functionId = ''] = resourcesOf(withConsumer, 'AWS::Lambda::Function')
      .filter(([, fn]) =>
        String(fn.Properties?.Description ?? '').startsWith('Cliniko Change Bridge example consumer'),
      )
      .map(([id]) => id);

    expect(functionId).not.toBe('');
    withConsumer.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgeExampleConsumerQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    withConsumer.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
    });
    withConsumer.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Cliniko Change Bridge example consumer'),
      Environment: {
        Variables: Match.objectLike({
          IDEMPOTENCY_TABLE: { Ref: Match.stringLikeRegexp('^BridgeExampleConsumerIdempotencyTable') },
        }),
      },
      TracingConfig: { Mode: 'Active' },
    });
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
    // The bridge's three queues, and the consumer's queue and dead-letter queue.
    withConsumer.resourceCountIs('AWS::SQS::Queue', 5);
  });

  it('remembers event ids for longer than EventBridge keeps retrying a delivery to its queue', () => {
    const { template: withConsumer } = synthBridge(config, { exampleConsumer: true });
    const [[, rule] = ['', undefined]] = resourcesOf(withConsumer, 'AWS::Events::Rule');
    const [target] = (rule?.Properties?.Targets ?? []) as {
      RetryPolicy?: { MaximumEventAgeInSeconds?: number };
    }[];
    const retriedFor = target?.RetryPolicy?.MaximumEventAgeInSeconds ?? Number.POSITIVE_INFINITY;

    expect(retriedFor).toBe(24 * 3600);
    expect(IDEMPOTENCY_HOURS * 3600).toBeGreaterThan(retriedFor);
  });
});

describe('ChangeBridge tracing', () => {
  it('traces every function it deploys with X-Ray, and lets each role write its traces', () => {
    const { template: everything } = synthBridge(config, { exampleConsumer: true, orderedConsumer: {} });
    const functions = resourcesOf(everything, 'AWS::Lambda::Function');

    // The dispatcher, the poller and the example consumer.
    expect(functions).toHaveLength(3);
    for (const [id, fn] of functions) {
      expect([id, fn.Properties?.TracingConfig]).toEqual([id, { Mode: 'Active' }]);
      const role = JSON.stringify(fn.Properties?.Role).match(/"(\w+)","Arn"/)?.[1] ?? '';
      everything.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: role }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
              Resource: '*',
            }),
          ]),
        },
      });
    }
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

  it('outputs the bus, the table, the content key secret, the work queue and the one command that onboards a clinic', () => {
    for (const output of [
      'EventBusName',
      'EventBusArn',
      'StateTableName',
      'ContentKeySecretArn',
      'WorkQueueUrl',
    ]) {
      template.hasOutput(output, {});
    }
    template.hasOutput('AddAccount', {
      Value: {
        'Fn::Join': [
          '',
          [
            'cliniko-bridge accounts add <account-id> --table ',
            { Ref: Match.stringLikeRegexp('^BridgeStateTable') },
            ' --api-key-stdin',
          ],
        ],
      },
    });
    // Nothing per account: the outputs are the same for one clinic or hundreds.
    const outputs = Object.keys(template.toJSON().Outputs ?? {}).sort();
    const many = exampleConfig({
      accounts: Array.from({ length: 50 }, (_, i) => ({
        id: `clinic-${i}`,
        apiKeySecret: `cliniko/clinic-${i}`,
      })),
    });
    expect(Object.keys(synthBridge(many).template.toJSON().Outputs ?? {}).sort()).toEqual(outputs);
  });
});

describe('ChangeBridge.addSubscriber', () => {
  it('adds a rule on the bridge’s bus for its own source only, with the given pattern and targets', () => {
    const stack = buildBridgeApp(newApp(), exampleConfig());
    const encryption = QueueEncryption.SQS_MANAGED;
    const dlq = new Queue(stack, 'RemindersDlq', { enforceSSL: true, encryption });
    const queue = new Queue(stack, 'RemindersQueue', {
      enforceSSL: true,
      encryption,
      deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
    });
    const rule = stack.bridge.addSubscriber(
      'Reminders',
      { detail: { signals: ['rescheduled'] } },
      new SqsQueue(queue),
    );
    const template = Template.fromStack(stack);

    expect(rule.ruleArn).toBeDefined();
    template.hasResourceProperties('AWS::Events::Rule', {
      Description: 'Cliniko Change Bridge subscriber Reminders',
      EventBusName: { Ref: Match.stringLikeRegexp('^BridgeEventsBus') },
      EventPattern: { detail: { signals: ['rescheduled'] }, source: ['cliniko'] },
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RemindersQueue'), 'Arn'] } }),
      ],
    });
  });
});

describe('ChangeBridge.addSubscriber forwarding to another account', () => {
  it('targets the other account’s bus through a role that may put events on that bus only', () => {
    const stack = buildBridgeApp(newApp(), exampleConfig());
    const billing = 'arn:aws:events:ap-southeast-2:222222222222:event-bus/billing';
    stack.bridge.addSubscriber(
      'ToBilling',
      { detailType: EventMatch.prefix('invoice.') },
      new EventBusTarget(EventBus.fromEventBusArn(stack, 'Billing', billing)),
    );
    const forwarding = Template.fromStack(stack);
    const [[ruleId, rule] = ['', undefined]] = resourcesOf(forwarding, 'AWS::Events::Rule');
    const [target] = (rule?.Properties?.Targets ?? []) as { Arn?: unknown; RoleArn?: unknown }[];

    expect(rule?.Properties?.EventPattern).toEqual({
      'detail-type': [{ prefix: 'invoice.' }],
      source: ['cliniko'],
    });
    expect(target?.Arn).toBe(billing);
    const [, roleId] = JSON.stringify(target?.RoleArn).match(/"(\w+)","Arn"/) ?? [];
    expect(roleId?.startsWith(ruleId.replace(/[0-9A-F]{8}$/, ''))).toBe(true);
    forwarding.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: billing }],
      },
    });
  });
});

describe('ChangeBridge props', () => {
  it('publishes to a bus the app passes in, creating none, and takes the poller timeout as a Duration', () => {
    const app = newApp();
    const arn = 'arn:aws:events:ap-southeast-2:123456789012:event-bus/clinic-events';
    const elsewhere = new Stack(app, 'Elsewhere');
    // A stack must hold a resource; the bus is only referenced by its ARN.
    new CfnWaitConditionHandle(elsewhere, 'Placeholder');
    const bus = EventBus.fromEventBusArn(elsewhere, 'Bus', arn);
    const stack = buildBridgeApp(app, exampleConfig(), {
      eventBus: bus,
      pollerTimeout: Duration.minutes(10),
    });
    const template = Template.fromStack(stack);

    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.resourceCountIs('AWS::Events::Archive', 0);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Cliniko Change Bridge poller'),
      Timeout: 600,
      Environment: { Variables: Match.objectLike({ EVENT_BUS_NAME: arn }) },
    });
    type Document = { Statement: { Action: unknown; Resource: unknown }[] };
    const puts = resourcesOf(template, 'AWS::IAM::Policy')
      .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as Document | undefined)?.Statement ?? [])
      .filter((statement) => JSON.stringify(statement.Action).includes('events:PutEvents'));
    expect(puts.map((statement) => statement.Resource)).toEqual([arn]);
  });
});

describe('ChangeBridge subscribers in other AWS accounts', () => {
  const busPolicies = (from: Template) =>
    resourcesOf(from, 'AWS::Events::EventBusPolicy').map(([id, policy]) => ({
      id,
      dependsOn: (policy as { DependsOn?: string[] }).DependsOn ?? [],
      statement: policy.Properties?.Statement as Record<string, unknown>,
    }));
  const rootOf = (account: string) => ({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]],
  });

  it('lets the configured accounts manage rules they created on the bus, for the bridge source only', () => {
    const { template: shared } = synthBridge(
      exampleConfig({ eventBus: { mode: 'create', allowSubscribersFrom: ['222222222222', '333333333333'] } }),
    );
    const policies = busPolicies(shared);
    const allow = policies.find((p) => p.statement.Effect === 'Allow');
    const deny = policies.find((p) => p.statement.Effect === 'Deny');

    expect(policies).toHaveLength(2);
    expect(allow?.statement).toEqual({
      Sid: 'cdk-SubscriberAccountsManageTheirOwnRules',
      Effect: 'Allow',
      Principal: { AWS: [rootOf('222222222222'), rootOf('333333333333')] },
      Action: [
        'events:PutRule',
        'events:DeleteRule',
        'events:DescribeRule',
        'events:DisableRule',
        'events:EnableRule',
        'events:PutTargets',
        'events:RemoveTargets',
      ],
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':events:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':rule/',
            { Ref: expect.stringMatching(/^BridgeEventsBus/) },
            '/*',
          ],
        ],
      },
      Condition: {
        StringEqualsIfExists: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the IAM policy variable itself
          'events:creatorAccount': '${aws:PrincipalAccount}',
          'events:source': config.source,
        },
      },
    });
    // Two statements of one bus policy: written one after the other, not at once.
    expect(allow?.dependsOn).toEqual([deny?.id]);
  });

  it('takes the accounts as a prop over the configuration, and adds nothing without any', () => {
    const fromConfig = exampleConfig({
      eventBus: { mode: 'create', allowSubscribersFrom: ['222222222222'] },
    });
    const { template: overridden } = synthBridge(fromConfig, { allowSubscribersFrom: ['444444444444'] });
    const { template: none } = synthBridge(fromConfig, { allowSubscribersFrom: [] });

    const allows = (from: Template) =>
      busPolicies(from)
        .filter((p) => p.statement.Effect === 'Allow')
        .map((p) => p.statement.Principal);
    expect(allows(overridden)).toEqual([{ AWS: rootOf('444444444444') }]);
    expect(allows(none)).toEqual([]);
    expect(allows(template)).toEqual([]);
  });

  it("puts a subscriber's rule on the bridge's bus only when named by ARN (CfnRule); CDK's Rule keeps the name", () => {
    const bridgeBus = 'arn:aws:events:ap-southeast-2:111111111111:event-bus/clinic-events';
    const subscriber = new Stack(newApp(), 'Subscriber', {
      env: { account: '222222222222', region: 'ap-southeast-2' },
    });
    const billing = new EventBus(subscriber, 'Billing', { eventBusName: 'billing' });
    new CfnRule(subscriber, 'InvoicesFromTheBridge', {
      eventBusName: bridgeBus,
      eventPattern: { source: ['cliniko'], 'detail-type': [{ prefix: 'invoice.' }] },
      targets: [{ id: 'billing', arn: billing.eventBusArn }],
    });
    new Rule(subscriber, 'ByName', {
      eventBus: EventBus.fromEventBusArn(subscriber, 'BridgeBus', bridgeBus),
      eventPattern: { source: ['cliniko'] },
    });
    const rules = resourcesOf(Template.fromStack(subscriber), 'AWS::Events::Rule');

    expect(
      rules.map(([id, rule]) => [id.replace(/[0-9A-F]{8}$/, ''), rule.Properties?.EventBusName]),
    ).toEqual([
      ['InvoicesFromTheBridge', bridgeBus],
      // A bus of that name in the subscriber's own account: not the bridge's.
      ['ByName', 'clinic-events'],
    ]);
  });

  it('refuses subscriber accounts on a bus it does not own, and an id that is not an account', () => {
    const app = newApp();
    const bus = EventBus.fromEventBusArn(
      new Stack(app, 'Elsewhere'),
      'Bus',
      'arn:aws:events:ap-southeast-2:123456789012:event-bus/clinic-events',
    );

    expect(() =>
      buildBridgeApp(app, exampleConfig(), { eventBus: bus, allowSubscribersFrom: ['222222222222'] }),
    ).toThrow(/^allowSubscribersFrom: applies to a bus the stack creates/);
    expect(() => synthBridge(exampleConfig(), { allowSubscribersFrom: ['2222-2222-2222'] })).toThrow(
      /^allowSubscribersFrom\[0\]: is not a 12-digit AWS account id/,
    );
  });
});
