import { Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildBridgeApp } from '../../infra/bridge-app.js';
import { exampleConfig, newApp } from './bridge-fixture.js';

/** Unacknowledged cdk-nag findings (errors and warnings) of both packs, as `rule path` lines. */
function nagFindings(scope: IConstruct): string[] {
  return [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
  );
}

const NAG_RULE = Match.stringLikeRegexp('AwsSolutions-.*|HIPAA.*');

const variants = {
  'the example configuration': () => buildBridgeApp(newApp(), exampleConfig()),
  'the example consumer': () => buildBridgeApp(newApp(), exampleConfig(), { exampleConsumer: true }),
  'an imported bus': () =>
    buildBridgeApp(newApp(), exampleConfig({ eventBus: { mode: 'import', name: 'clinic-events' } })),
  'no reserved concurrency': () => buildBridgeApp(newApp(), exampleConfig(), { reservedConcurrency: 'none' }),
  'subscriber accounts': () =>
    buildBridgeApp(newApp(), exampleConfig(), { allowSubscribersFrom: ['222222222222'] }),
  'an imported alarm topic without email': () =>
    buildBridgeApp(
      newApp(),
      exampleConfig({ alarms: { snsTopicArn: 'arn:aws:sns:ap-southeast-2:123456789012:oncall' } }),
    ),
};

describe('cdk-nag AwsSolutions and HIPAA Security', () => {
  for (const [name, build] of Object.entries(variants)) {
    it(`finds nothing unacknowledged with ${name}`, () => {
      const stack = build();

      expect(nagFindings(stack)).toEqual([]);
      Template.fromStack(stack);
      expect(Annotations.fromStack(stack).findError('*', NAG_RULE)).toEqual([]);
      expect(Annotations.fromStack(stack).findWarning('*', NAG_RULE)).toEqual([]);
    });
  }

  it('reports a resource that breaks the rules, so a clean result means something', () => {
    const stack = buildBridgeApp(newApp(), exampleConfig());
    new Queue(stack, 'PlainQueue');

    expect(nagFindings(stack)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS3 ClinikoChangeBridge/PlainQueue/Resource',
        'AwsSolutions-SQS4 ClinikoChangeBridge/PlainQueue/Resource',
      ]),
    );
  });

  it('fails synthesis on an unacknowledged finding (buildBridgeApp applies the packs)', () => {
    const stack = buildBridgeApp(newApp(), exampleConfig());
    new Queue(stack, 'PlainQueue');

    expect(() => Template.fromStack(stack)).toThrow(/AwsSolutions-SQS4/);
  });

  it('gives every acknowledgement a specific reason', () => {
    const stack = buildBridgeApp(newApp(), exampleConfig(), {
      exampleConsumer: true,
      reservedConcurrency: 'none',
    });
    const acknowledgements = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
      .flatMap((m) => Object.entries(m.data as Record<string, string>));

    expect(acknowledgements.length).toBeGreaterThan(5);
    for (const [rule, reason] of acknowledgements) {
      expect(rule).toMatch(/AwsSolutions-|HIPAA\.Security-/);
      expect(reason.length, rule).toBeGreaterThan(60);
    }
  });
});
