/** The dispatcher's environment: the deployed configuration, the state table and the work queue. */
import { parseDeploymentEnvironment, required } from '../poller/poller-environment.js';

export interface DispatcherEnvironment {
  /** `s3://bucket/key` of the validated bridge configuration. */
  readonly configUri: string;
  readonly stateTableName: string;
  readonly workQueueUrl: string;
}

export function parseDispatcherEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): DispatcherEnvironment {
  return {
    ...parseDeploymentEnvironment(env),
    workQueueUrl: required(env, 'WORK_QUEUE_URL', 'the URL of the SQS work queue'),
  };
}
