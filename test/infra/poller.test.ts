import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { assertEnvironmentFits } from '../../infra/bridge-function.js';
import { ConfigError } from '../../shared/errors.js';
import { exampleConfig, resourcesOf, synthBridge } from './bridge-fixture.js';

const config = exampleConfig();
const { template } = synthBridge(config);
const dataKey = { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgeDataKey'), 'Arn'] };

/** A function of the stack by the start of its description. */
function functionNamed(prefix: string) {
  const found = resourcesOf(template, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties?.Description ?? '').startsWith(prefix),
  );
  if (found === undefined) throw new Error(`no function described as "${prefix}…"`);
  return found;
}

describe('BridgePoller', () => {
  it('runs Node.js 24 on arm64 with active tracing, 512 MB, 5 minutes and reserved concurrency fleet.workerConcurrency', () => {
    const [, poller] = functionNamed('Cliniko Change Bridge poller');

    expect(poller.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
      Timeout: 300,
      ReservedConcurrentExecutions: config.fleet.workerConcurrency,
    });
    // The same whatever the number of accounts: the runtime's size is the fleet settings'.
    const { template: bigger } = synthBridge(
      exampleConfig({
        accounts: Array.from({ length: 40 }, (_, i) => ({
          id: `clinic-${i}`,
          apiKeySecret: `cliniko/clinic-${i}`,
        })),
      }),
    );
    bigger.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Cliniko Change Bridge poller'),
      ReservedConcurrentExecutions: config.fleet.workerConcurrency,
    });
  });

  it('takes its reserved concurrency from fleet.reservedConcurrency, or none at all', () => {
    const poller = (t: typeof template) =>
      resourcesOf(t, 'AWS::Lambda::Function').find(([, fn]) =>
        String(fn.Properties?.Description ?? '').startsWith('Cliniko Change Bridge poller'),
      )?.[1].Properties;
    const five = synthBridge(exampleConfig({ fleet: { reservedConcurrency: 5 } })).template;
    const none = synthBridge(exampleConfig({ fleet: { reservedConcurrency: 'none' } })).template;

    expect(poller(five)?.ReservedConcurrentExecutions).toBe(5);
    expect(poller(none)).not.toHaveProperty('ReservedConcurrentExecutions');
  });

  it('with adaptive polling runs 15-minute invocations that may hand their accounts on through the work queue', () => {
    const { template: adaptive } = synthBridge(exampleConfig({ polling: { mode: 'adaptive' } }));
    const workQueue = 'BridgeDispatcherWorkQueue';
    const poller = resourcesOf(adaptive, 'AWS::Lambda::Function').find(([, fn]) =>
      String(fn.Properties?.Description ?? '').startsWith('Cliniko Change Bridge poller'),
    )?.[1];

    expect(poller?.Properties).toMatchObject({
      Timeout: 900,
      Environment: {
        Variables: { WORK_QUEUE_URL: { Ref: expect.stringMatching(/^BridgeDispatcherWorkQueue/) } },
      },
    });
    const sends = (t: typeof template) =>
      resourcesOf(t, 'AWS::IAM::Policy').filter(
        ([id, policy]) =>
          id.startsWith('BridgePollerRole') &&
          JSON.stringify(policy.Properties?.PolicyDocument).includes('sqs:SendMessage'),
      );
    expect(sends(adaptive)).toHaveLength(1);
    expect(JSON.stringify(sends(adaptive)[0]?.[1].Properties?.PolicyDocument)).toContain(workQueue);
    // The fixed mode hands nothing on: no queue URL, no send.
    expect(JSON.stringify(functionNamed('Cliniko Change Bridge poller')[1].Properties)).not.toContain(
      'WORK_QUEUE_URL',
    );
    expect(sends(template)).toHaveLength(0);
  });

  it('is fed by the work queue: batches of fleet.accountsPerInvocation, at most fleet.workerConcurrency at once', () => {
    const [pollerId] = functionNamed('Cliniko Change Bridge poller');

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: pollerId },
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgeDispatcherWorkQueue'), 'Arn'] },
      BatchSize: config.fleet.accountsPerInvocation,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: config.fleet.workerConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    // Nothing invokes it asynchronously, so there is no async retry or DLQ to configure for it.
    const invokeConfigs = resourcesOf(template, 'AWS::Lambda::EventInvokeConfig').map(([, c]) =>
      JSON.stringify(c.Properties?.FunctionName),
    );
    expect(invokeConfigs.some((name) => name.includes(pollerId))).toBe(false);
  });

  it('leaves reserved concurrency out when asked to', () => {
    const { template: unreserved } = synthBridge(config, { reservedConcurrency: 'none' });

    unreserved.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Cliniko Change Bridge poller'),
      ReservedConcurrentExecutions: Match.absent(),
    });
  });

  it('logs to its own KMS-encrypted log group with the configured retention', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: config.logRetentionDays,
      KmsKeyId: dataKey,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: {
        LogFormat: 'JSON',
        LogGroup: { Ref: Match.stringLikeRegexp('^BridgePollerLogGroup') },
      },
    });
  });

  it('receives where the configuration, the table, the bus and the content key are, and the Powertools settings; no account data', () => {
    const [, fn] = functionNamed('Cliniko Change Bridge poller');
    const environment = fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
    const variables = environment?.Variables ?? {};

    expect(Object.keys(variables).sort()).toEqual([
      'BRIDGE_CONFIG_URI',
      'CONTENT_KEY_SECRET',
      'EVENT_BUS_NAME',
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_METRICS_NAMESPACE',
      'POWERTOOLS_SERVICE_NAME',
      'STATE_TABLE_NAME',
    ]);
    expect(variables).toMatchObject({
      STATE_TABLE_NAME: { Ref: expect.stringMatching(/^BridgeStateTable/) },
      EVENT_BUS_NAME: { Ref: expect.stringMatching(/^BridgeEventsBus/) },
      POWERTOOLS_SERVICE_NAME: 'cliniko-bridge-poller',
      POWERTOOLS_METRICS_NAMESPACE: 'ClinikoChangeBridge',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    expect(JSON.stringify(variables.BRIDGE_CONFIG_URI)).toMatch(/^\{"Fn::Join":\["",\["s3:\/\/"/);
    for (const account of config.accounts) expect(JSON.stringify(variables)).not.toContain(account.id);
  });

  it('refuses an environment variable over 1 KB, naming it and saying what belongs there', () => {
    expect(() => assertEnvironmentFits({ SMALL: 'x', BRIDGE_CONFIG: 'x'.repeat(1025) })).toThrow(ConfigError);
    expect(() => assertEnvironmentFits({ BRIDGE_CONFIG: 'x'.repeat(1025) })).toThrow(
      /BRIDGE_CONFIG.*1025 bytes; environment variables carry names and locations only/,
    );
    expect(() => assertEnvironmentFits({ BRIDGE_CONFIG: 'x'.repeat(1024) })).not.toThrow();
  });
});
