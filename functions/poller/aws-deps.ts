/**
 * The poller's production adapters: Secrets Manager, the Cliniko client, DynamoDB and EventBridge.
 * Each factory runs on first use inside an invocation, so importing the handler creates no client.
 */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsClientDefaults } from '../../shared/aws/client-defaults.js';
import { readContentKeys, secretsManagerReader } from '../../shared/aws/secrets.js';
import { ClinikoClient } from '../../shared/cliniko/index.js';
import { EventBridgePublisher } from '../../shared/publish/eventbridge-publisher.js';
import { DynamoDbStateStore } from '../../shared/state/dynamodb-state-store.js';
import { CachedApiKeySource } from './api-key-source.js';
import type { PollerDeps } from './poller-container.js';
import { parsePollerEnvironment } from './poller-environment.js';

export interface AwsPollerDepsOptions {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function awsPollerDeps({ logger, metrics, env }: AwsPollerDepsOptions): PollerDeps {
  let secrets: SecretsManagerClient | undefined;
  const reader = (field: string) => (id: string) => {
    secrets ??= new SecretsManagerClient(awsClientDefaults());
    return secretsManagerReader(secrets, field)(id);
  };
  return {
    environment: () => parsePollerEnvironment(env),
    apiKeys: () => new CachedApiKeySource(reader('apiKeySecret')),
    contentKeys: ({ contentKeySecret }) => readContentKeys(reader('CONTENT_KEY_SECRET'), contentKeySecret),
    createCliniko: (options) => new ClinikoClient(options),
    createStateStore: ({ stateTableName }) =>
      new DynamoDbStateStore({ client: new DynamoDBClient(awsClientDefaults()), tableName: stateTableName }),
    createPublisher: ({ eventBusName }) =>
      new EventBridgePublisher({ client: new EventBridgeClient(awsClientDefaults()), busName: eventBusName }),
    logger,
    metrics,
  };
}
