/**
 * The poller's production adapters: S3 (the deployed configuration), Secrets Manager and SSM (API
 * keys and the content key), the Cliniko client, DynamoDB (state and registry), EventBridge and,
 * with adaptive polling, SQS (the hand-on).
 * Each factory runs on first use inside an invocation, so importing the handler creates no client.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsApiKeyReader } from '../../shared/aws/api-key-reader.js';
import { awsClientDefaults } from '../../shared/aws/client-defaults.js';
import { readBridgeConfigObject } from '../../shared/aws/config-object.js';
import { readContentKeys, secretsManagerReader } from '../../shared/aws/secrets.js';
import { SqsWorkQueue } from '../../shared/aws/sqs-work-queue.js';
import { ClinikoClient } from '../../shared/cliniko/index.js';
import { DynamoDbAccountRegistry } from '../../shared/fleet/dynamodb-registry.js';
import { EventBridgePublisher } from '../../shared/publish/eventbridge-publisher.js';
import { DynamoDbStateStore } from '../../shared/state/dynamodb-state-store.js';
import { traced } from '../tracing.js';
import type { PollerDeps } from './poller-container.js';
import { CONFIG_URI_ENV, parsePollerEnvironment } from './poller-environment.js';

export interface AwsPollerDepsOptions {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One client of each kind per container, built on first use, its calls traced (X-Ray). */
export function lazyClients() {
  let dynamo: DynamoDBClient | undefined;
  let secrets: SecretsManagerClient | undefined;
  let ssm: SSMClient | undefined;
  let s3: S3Client | undefined;
  return {
    dynamo: () => {
      dynamo ??= traced(new DynamoDBClient(awsClientDefaults()));
      return dynamo;
    },
    secrets: () => {
      secrets ??= traced(new SecretsManagerClient(awsClientDefaults()));
      return secrets;
    },
    ssm: () => {
      ssm ??= traced(new SSMClient(awsClientDefaults()));
      return ssm;
    },
    s3: () => {
      s3 ??= traced(new S3Client(awsClientDefaults()));
      return s3;
    },
  };
}

export function awsPollerDeps({ logger, metrics, env }: AwsPollerDepsOptions): PollerDeps {
  const clients = lazyClients();
  return {
    environment: () => parsePollerEnvironment(env),
    loadConfig: ({ configUri }) => readBridgeConfigObject(clients.s3(), configUri, CONFIG_URI_ENV),
    readApiKey: awsApiKeyReader(clients),
    contentKeys: ({ contentKeySecret }) =>
      readContentKeys(secretsManagerReader(clients.secrets(), 'CONTENT_KEY_SECRET'), contentKeySecret),
    createCliniko: (options) => new ClinikoClient(options),
    createStateStore: ({ stateTableName }) =>
      new DynamoDbStateStore({ client: clients.dynamo(), tableName: stateTableName }),
    createRegistry: ({ stateTableName }) =>
      new DynamoDbAccountRegistry({ client: clients.dynamo(), tableName: stateTableName }),
    createWorkQueue: ({ workQueueUrl }) =>
      workQueueUrl === undefined
        ? undefined
        : new SqsWorkQueue(traced(new SQSClient(awsClientDefaults())), workQueueUrl),
    createPublisher: ({ eventBusName }) =>
      new EventBridgePublisher({
        client: traced(new EventBridgeClient(awsClientDefaults())),
        busName: eventBusName,
      }),
    logger,
    metrics,
  };
}
