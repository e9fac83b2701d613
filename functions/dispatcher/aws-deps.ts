/** The dispatcher's production adapters: S3 (configuration), DynamoDB (registry, statuses) and SQS. */
import type { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsClientDefaults } from '../../shared/aws/client-defaults.js';
import { readBridgeConfigObject } from '../../shared/aws/config-object.js';
import { SqsWorkQueue } from '../../shared/aws/sqs-work-queue.js';
import { DynamoDbAccountRegistry } from '../../shared/fleet/dynamodb-registry.js';
import { seedOnce } from '../../shared/fleet/seed.js';
import { DynamoDbStateStore } from '../../shared/state/dynamodb-state-store.js';
import { lazyClients } from '../poller/aws-deps.js';
import { CONFIG_URI_ENV } from '../poller/poller-environment.js';
import { traced } from '../tracing.js';
import { parseDispatcherEnvironment } from './dispatcher-environment.js';
import type { DispatcherDeps } from './handler.js';

export function awsDispatcherDeps(options: {
  readonly logger: PowertoolsLogger;
  readonly metrics: Metrics;
  readonly env: Readonly<Record<string, string | undefined>>;
}): DispatcherDeps {
  const clients = lazyClients();
  return {
    environment: () => parseDispatcherEnvironment(options.env),
    loadConfig: ({ configUri }) => readBridgeConfigObject(clients.s3(), configUri, CONFIG_URI_ENV),
    createRegistry: ({ stateTableName }) =>
      new DynamoDbAccountRegistry({ client: clients.dynamo(), tableName: stateTableName }),
    createStatusReader: ({ stateTableName }) =>
      new DynamoDbStateStore({ client: clients.dynamo(), tableName: stateTableName }),
    createQueue: ({ workQueueUrl }) =>
      new SqsWorkQueue(traced(new SQSClient(awsClientDefaults())), workQueueUrl),
    seed: async (registry, config, { configUri }) => {
      const result = await seedOnce(registry, config.accounts, configUri, new Date().toISOString());
      const counts: Record<string, number> =
        result === undefined ? { unchangedConfiguration: 1 } : { ...result };
      return counts;
    },
    logger: options.logger,
    metrics: options.metrics,
  };
}
