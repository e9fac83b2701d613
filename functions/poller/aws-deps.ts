/**
 * The poller's production adapters: Secrets Manager, the Cliniko client, DynamoDB and EventBridge.
 * Each factory runs on first use inside an invocation, so importing the handler creates no client.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ClinikoClient } from '../../shared/cliniko/index.js';
import { EventBridgePublisher } from '../../shared/publish/eventbridge-publisher.js';
import { DynamoDbStateStore } from '../../shared/state/dynamodb-state-store.js';
import { CachedApiKeySource, secretsManagerReader } from './api-key-source.js';
import type { PollerDeps } from './poller-container.js';
import { parsePollerEnvironment } from './poller-environment.js';

export interface AwsPollerDepsOptions {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function awsPollerDeps({ logger, metrics, env }: AwsPollerDepsOptions): PollerDeps {
  return {
    environment: () => parsePollerEnvironment(env),
    apiKeys: () => new CachedApiKeySource(secretsManagerReader(new SecretsManagerClient({}))),
    createCliniko: (options) => new ClinikoClient(options),
    createStateStore: ({ stateTableName }) =>
      new DynamoDbStateStore({ client: new DynamoDBClient({}), tableName: stateTableName }),
    createPublisher: ({ eventBusName }) =>
      new EventBridgePublisher({ client: new EventBridgeClient({}), busName: eventBusName }),
    logger,
    metrics,
  };
}
