/**
 * The opt-in ordered route (`orderedConsumer`): rule → SQS buffer → EventBridge Pipes → SQS FIFO
 * grouped by record key. Self-contained (its own app and config), beside the other infra tests.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { type BridgeStackOptions, buildBridgeApp } from '../../infra/bridge-app.js';
import { ORDERED_PIPE_PATHS } from '../../infra/ordered-consumer.js';
import { type BridgeConfigInput, parseBridgeConfig } from '../../shared/config/index.js';

const repositoryFile = (path: string) => new URL(`../../${path}`, import.meta.url);
const cdkContext = (JSON.parse(readFileSync(repositoryFile('cdk.json'), 'utf8')) as { context: object })
  .context;
const config = parseBridgeConfig(
  JSON.parse(readFileSync(repositoryFile('config/bridge.example.json'), 'utf8')) as BridgeConfigInput,
);

function synth(options: BridgeStackOptions = {}) {
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = buildBridgeApp(app, config, options);
  return { stack, template: Template.fromStack(stack) };
}

const ordered = synth({ orderedConsumer: {} });

describe('the ordered consumer', () => {
  it('is not deployed unless asked for', () => {
    const plain = synth().template;

    expect(Object.keys(plain.findResources('AWS::Pipes::Pipe'))).toEqual([]);
    expect(Object.keys(plain.findResources('AWS::SQS::Queue', { Properties: { FifoQueue: true } }))).toEqual(
      [],
    );
  });

  it('routes every event of the bridge’s source to a buffer queue, undeliverable ones to its dead-letter queue', () => {
    ordered.template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [config.source] },
      Targets: [
        Match.objectLike({
          DeadLetterConfig: Match.objectLike({ Arn: Match.anyValue() }),
          RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        }),
      ],
    });
  });

  it('pipes the buffer into a FIFO queue with the record key as message group and the event id as deduplication id', () => {
    ordered.template.hasResourceProperties('AWS::Pipes::Pipe', {
      SourceParameters: { SqsQueueParameters: { BatchSize: 1 } },
      TargetParameters: {
        InputTemplate: '<$.body>',
        SqsQueueParameters: {
          MessageGroupId: '$.body.resources[0]',
          MessageDeduplicationId: '$.body.detail.eventId',
        },
      },
    });
    expect(ORDERED_PIPE_PATHS.messageGroupId).toBe('$.body.resources[0]');
    const fifo = ordered.template.findResources('AWS::SQS::Queue', {
      Properties: { FifoQueue: true, ContentBasedDeduplication: false },
    });
    // The consumers' queue and its dead-letter queue, both encrypted with the bridge's key.
    expect(Object.keys(fifo)).toHaveLength(2);
    for (const queue of Object.values(fifo) as { Properties: Record<string, unknown> }[]) {
      expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    }
  });

  it('lets the pipe’s role only consume the buffer and send to the FIFO queue', () => {
    const roles = ordered.template.findResources('AWS::IAM::Role', {
      Properties: {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'pipes.amazonaws.com' } })],
        },
      },
    });
    expect(Object.keys(roles)).toHaveLength(1);
    const roleId = Object.keys(roles)[0];
    const policies = ordered.template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleId }] },
    }) as Record<string, { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }>;
    const actions = Object.values(policies)
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .flatMap((statement) => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]))
      .sort();

    expect([...new Set(actions)]).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
  });

  it('narrows the rule to a given pattern, keeping the bridge’s source', () => {
    const narrowed = synth({
      orderedConsumer: { pattern: { detail: { signals: ['rescheduled'] } } },
    }).template;

    narrowed.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: [config.source], detail: { signals: ['rescheduled'] } },
    });
  });

  it('leaves cdk-nag AwsSolutions and HIPAA Security nothing unacknowledged', () => {
    const findings = [new AwsSolutionsChecks(), new HIPAASecurityChecks()].flatMap((pack) =>
      pack
        .validateScope(ordered.stack)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} ${r.constructPath}`)),
    );

    expect(findings).toEqual([]);
  });
});
