/**
 * `ChangeBridgeStack`: the one stack of the CDK app — a `ChangeBridge` plus the outputs an operator
 * needs after `cdk deploy`: the bus, the poller's role (for an imported bus's policy), the state
 * table, the content key secret (to rotate it, or to point the CLI's `--table` at the same keys), the
 * alarm topic, the dashboard, the work queue, and the command that onboards a clinic.
 *
 * Environment-agnostic (no account/region lookups), so `cdk synth` works offline.
 *
 * @example
 * new ChangeBridgeStack(app, 'ClinikoChangeBridge', { config });
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { BridgeConfig } from '../shared/config/index.js';
import { ChangeBridge, type ChangeBridgeProps } from './change-bridge.js';

export interface ChangeBridgeStackProps extends StackProps, Omit<ChangeBridgeProps, 'config'> {
  readonly config: BridgeConfig;
}

export class ChangeBridgeStack extends Stack {
  readonly bridge: ChangeBridge;

  constructor(scope: Construct, id: string, props: ChangeBridgeStackProps) {
    super(scope, id, {
      description: 'Cliniko Change Bridge: Cliniko changes as typed events on Amazon EventBridge',
      ...props,
    });
    const bridge = new ChangeBridge(this, 'Bridge', props);
    this.bridge = bridge;

    new CfnOutput(this, 'EventBusName', {
      description: 'Event bus the change events are published to (use it in consumer rules)',
      value: bridge.eventBus.eventBusName,
    });
    new CfnOutput(this, 'EventBusArn', { value: bridge.eventBus.eventBusArn });
    if (bridge.events.archive) {
      new CfnOutput(this, 'ArchiveArn', {
        description: 'Archive to replay events from (aws events start-replay --event-source-arn <this>)',
        value: bridge.events.archive.archiveArn,
      });
    }
    new CfnOutput(this, 'PollerRoleArn', {
      description: `The only principal allowed to put events with source "${props.config.source}" (an imported bus's owner denies everyone else; see infra/README.md)`,
      value: bridge.pollerRole.roleArn,
    });
    new CfnOutput(this, 'StateTableName', { value: bridge.table.tableName });
    new CfnOutput(this, 'ContentKeySecretArn', {
      description:
        'Secret holding the content key ring of the state table (rotate it by hand: README, Rotating the content key; the CLI reads it with CLINIKO_BRIDGE_CONTENT_KEY_SECRET)',
      value: bridge.contentKeySecret.secretArn,
    });
    new CfnOutput(this, 'AlarmTopicArn', { value: bridge.notifications.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: bridge.monitoring.dashboard.dashboardName });
    if (bridge.schemas) {
      new CfnOutput(this, 'SchemaRegistryName', { value: bridge.schemas.registry.attrRegistryName });
    }
    // One output for every account: the template's size must not grow with the fleet.
    new CfnOutput(this, 'AddAccount', {
      description:
        'Onboards a clinic without a redeploy: stores its Cliniko API key (read from stdin) under the cliniko/ prefix and registers it; the next dispatcher tick polls it',
      value: `cliniko-bridge accounts add <account-id> --table ${bridge.table.tableName} --api-key-stdin`,
    });
    new CfnOutput(this, 'WorkQueueUrl', { value: bridge.dispatcher.workQueue.queue.queueUrl });
  }
}
