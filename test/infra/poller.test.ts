import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseBridgeConfigJson } from '../../shared/config/index.js';
import { ConfigError } from '../../shared/errors.js';
import { exampleConfig, resourcesOf, synthBridge } from './bridge-fixture.js';

const config = exampleConfig();
const { template } = synthBridge(config);
const dataKey = { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgeDataKey'), 'Arn'] };

describe('BridgePoller', () => {
  it('runs Node.js 24 on arm64 with active tracing, 512 MB, 5 minutes and reserved concurrency 2 × accounts', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      MemorySize: 512,
      Timeout: 300,
      ReservedConcurrentExecutions: 2 * config.accounts.length,
      DeadLetterConfig: {
        TargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BridgePollerDeadLetterQueue'), 'Arn'] },
      },
    });
  });

  it('is not retried by Lambda: the next schedule tick retries from the cursor', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  it('leaves reserved concurrency out when asked to', () => {
    const { template: unreserved } = synthBridge(config, { reservedConcurrency: 'none' });

    unreserved.hasResourceProperties('AWS::Lambda::Function', {
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

  it('receives the validated configuration, the table, the bus and the Powertools settings', () => {
    const [[, fn] = ['', { Type: '' }]] = resourcesOf(template, 'AWS::Lambda::Function');
    const environment = fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined;
    const variables = environment?.Variables ?? {};

    expect(parseBridgeConfigJson(String(variables.BRIDGE_CONFIG))).toEqual(config);
    expect(variables).toMatchObject({
      STATE_TABLE_NAME: { Ref: expect.stringMatching(/^BridgeStateTable/) },
      EVENT_BUS_NAME: { Ref: expect.stringMatching(/^BridgeEventsBus/) },
      POWERTOOLS_SERVICE_NAME: 'cliniko-bridge-poller',
      POWERTOOLS_METRICS_NAMESPACE: 'ClinikoChangeBridge',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('refuses a configuration too large for the Lambda environment, saying what to do', () => {
    const accounts = Array.from({ length: 60 }, (_, i) => ({
      id: `clinic-number-${i}`,
      apiKeySecret: `cliniko-bridge/clinic-number-${i}`,
    }));

    expect(() => synthBridge(exampleConfig({ accounts }))).toThrow(ConfigError);
    expect(() => synthBridge(exampleConfig({ accounts }))).toThrow(
      /over Lambda's 4 KB limit; .* several stacks/,
    );
  });
});
