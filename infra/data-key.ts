/**
 * `BridgeDataKey`: the customer-managed KMS key that encrypts everything the bridge stores or
 * queues — the state table, the poller's log group, dead-letter queues, the alarm topic, and (when
 * the bridge creates it) the event bus and its archive. One key keeps the key policy reviewable in
 * one place and costs one key per deployment.
 *
 * Defaults: symmetric, yearly automatic rotation, retained when the stack is deleted (data encrypted
 * with a deleted key is lost for good). The key policy lets CloudWatch Logs use the key for this
 * account's log groups in this region only, and CloudWatch alarms publish to encrypted topics.
 *
 * @example
 * const { key } = new BridgeDataKey(this, 'DataKey');
 */
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export class BridgeDataKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.key = new Key(this, 'Key', {
      description: 'Cliniko Change Bridge: encrypts state, logs, queues, alarm topic and events at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    allowCloudWatchLogs(this.key);

    // CloudWatch alarms publish to the KMS-encrypted alarm topic.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
  }
}

/** CloudWatch Logs encrypts with `key` on a log group's behalf; scoped to this account's log groups. */
export function allowCloudWatchLogs(key: Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'AllowCloudWatchLogsForThisAccount',
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}
