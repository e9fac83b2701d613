/**
 * Builds the CDK app from a validated configuration: the `ChangeBridgeStack` plus the cdk-nag
 * AwsSolutions and HIPAA Security packs. Separate from `app.ts` (the entry point) so tests build
 * exactly what `cdk synth` builds.
 */
import type { App } from 'aws-cdk-lib';
import type { BridgeConfig } from '../shared/config/index.js';
import { ChangeBridgeStack, type ChangeBridgeStackProps } from './change-bridge-stack.js';
import { applyCompliancePacks } from './compliance.js';

export const STACK_ID = 'ClinikoChangeBridge';

export type BridgeStackOptions = Omit<ChangeBridgeStackProps, 'config'>;

/** `ClinikoChangeBridge`, or `ClinikoChangeBridge-<stage>` when the configuration names a stage. */
export function stackNameOf(config: Pick<BridgeConfig, 'stage'>): string {
  return config.stage === undefined ? STACK_ID : `${STACK_ID}-${config.stage}`;
}

/** Adds the bridge's stack (named after the configuration's stage) and the compliance packs to `app`. */
export function buildBridgeApp(
  app: App,
  config: BridgeConfig,
  options: BridgeStackOptions = {},
): ChangeBridgeStack {
  const stack = new ChangeBridgeStack(app, stackNameOf(config), { ...options, config });
  applyCompliancePacks(app);
  return stack;
}
