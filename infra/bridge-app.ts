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

/** Adds the bridge's stack and the compliance packs to `app`. */
export function buildBridgeApp(
  app: App,
  config: BridgeConfig,
  options: BridgeStackOptions = {},
): ChangeBridgeStack {
  const stack = new ChangeBridgeStack(app, STACK_ID, { ...options, config });
  applyCompliancePacks(app);
  return stack;
}
