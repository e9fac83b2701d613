/**
 * The poller's environment, validated once per container: where the deployed configuration is
 * (`BRIDGE_CONFIG_URI`, an S3 object the CDK app uploads: no account data in the environment), the
 * state table, the event bus, the secret holding the content key and, with adaptive polling, the
 * work queue.
 */
import { parseS3Uri } from '../../shared/aws/config-object.js';
import { ConfigError } from '../../shared/errors.js';

export interface PollerEnvironment {
  /** `s3://bucket/key` of the validated bridge configuration. */
  readonly configUri: string;
  readonly stateTableName: string;
  /** Event bus name or ARN (PutEvents accepts either). */
  readonly eventBusName: string;
  /** The Lambda's region; the envelope `region` of the events. */
  readonly region: string;
  /** Secrets Manager secret (name or ARN) holding the content key ring (see `content-key.ts`). */
  readonly contentKeySecret: string;
  /** The work queue, where an adaptive worker hands its account on at its deadline (adaptive only). */
  readonly workQueueUrl?: string;
}

export const CONFIG_URI_ENV = 'BRIDGE_CONFIG_URI';

/** What every bridge function reads: where the deployed configuration and the state table are. */
export function parseDeploymentEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Pick<PollerEnvironment, 'configUri' | 'stateTableName'> {
  const configUri = required(env, CONFIG_URI_ENV, 'the S3 location of the bridge configuration');
  parseS3Uri(configUri, CONFIG_URI_ENV);
  return {
    configUri,
    stateTableName: required(env, 'STATE_TABLE_NAME', 'the DynamoDB state table name'),
  };
}

export function parsePollerEnvironment(env: Readonly<Record<string, string | undefined>>): PollerEnvironment {
  return {
    ...parseDeploymentEnvironment(env),
    eventBusName: required(env, 'EVENT_BUS_NAME', 'the EventBridge bus name or ARN'),
    contentKeySecret: required(
      env,
      'CONTENT_KEY_SECRET',
      'the Secrets Manager secret holding the content key',
    ),
    region: env.AWS_REGION?.trim() || 'local',
    ...(env.WORK_QUEUE_URL?.trim() ? { workQueueUrl: env.WORK_QUEUE_URL.trim() } : {}),
  };
}

export function required(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  what: string,
): string {
  const value = env[name]?.trim();
  if (!value) {
    throw new ConfigError(name, `is not set; the deployment must set it to ${what} (the CDK app does this)`);
  }
  return value;
}
