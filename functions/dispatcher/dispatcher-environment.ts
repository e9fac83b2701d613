/** The dispatcher's environment: the deployed configuration, the state table and the work queue. */
import { parseS3Uri } from '../../shared/aws/config-object.js';
import { CONFIG_URI_ENV, required } from '../poller/poller-environment.js';

export interface DispatcherEnvironment {
  /** `s3://bucket/key` of the validated bridge configuration. */
  readonly configUri: string;
  readonly stateTableName: string;
  readonly workQueueUrl: string;
}

export function parseDispatcherEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): DispatcherEnvironment {
  const configUri = required(env, CONFIG_URI_ENV, 'the S3 location of the bridge configuration');
  parseS3Uri(configUri, CONFIG_URI_ENV);
  return {
    configUri,
    stateTableName: required(env, 'STATE_TABLE_NAME', 'the DynamoDB state table name'),
    workQueueUrl: required(env, 'WORK_QUEUE_URL', 'the URL of the SQS work queue'),
  };
}
