/**
 * The poller's environment, validated once per container: the bridge configuration (the same JSON
 * the CDK app validated, in `BRIDGE_CONFIG`), the state table, the event bus and the secret holding
 * the content key.
 */
import { type BridgeConfig, parseBridgeConfigJson } from '../../shared/config/index.js';
import { ConfigError } from '../../shared/errors.js';

export interface PollerEnvironment {
  readonly config: BridgeConfig;
  readonly stateTableName: string;
  /** Event bus name or ARN (PutEvents accepts either). */
  readonly eventBusName: string;
  /** The Lambda's region; the envelope `region` of the events. */
  readonly region: string;
  /** Secrets Manager secret (name or ARN) holding the content key ring (see `content-key.ts`). */
  readonly contentKeySecret: string;
}

export function parsePollerEnvironment(env: Readonly<Record<string, string | undefined>>): PollerEnvironment {
  return {
    config: parseBridgeConfigJson(
      required(env, 'BRIDGE_CONFIG', 'the bridge configuration as JSON'),
      'BRIDGE_CONFIG',
    ),
    stateTableName: required(env, 'STATE_TABLE_NAME', 'the DynamoDB state table name'),
    eventBusName: required(env, 'EVENT_BUS_NAME', 'the EventBridge bus name or ARN'),
    contentKeySecret: required(
      env,
      'CONTENT_KEY_SECRET',
      'the Secrets Manager secret holding the content key',
    ),
    region: env.AWS_REGION?.trim() || 'local',
  };
}

function required(env: Readonly<Record<string, string | undefined>>, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ConfigError(name, `is not set; the deployment must set it to ${what} (the CDK app does this)`);
  }
  return value;
}
