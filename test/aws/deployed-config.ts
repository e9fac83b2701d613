/**
 * What `cdk deploy` and the dispatcher's first tick leave behind for a poller test on moto: the
 * validated configuration as an object in S3 (its `BRIDGE_CONFIG_URI`) and the registry seeded from
 * its accounts.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import type { PollerHandler, PollResult } from '../../functions/poller/handler.js';
import { type BridgeConfigInput, parseBridgeConfig } from '../../shared/config/index.js';
import { DynamoDbAccountRegistry } from '../../shared/fleet/dynamodb-registry.js';
import { seedRegistry } from '../../shared/fleet/seed.js';
import { lambdaContext } from '../functions/poller/poller-harness.js';
import { uniqueName } from './moto-endpoint.js';

/** Uploads the configuration, seeds the registry in `tableName`; answers the configuration's URI. */
export async function deployConfig(config: BridgeConfigInput, tableName: string): Promise<string> {
  const parsed = parseBridgeConfig(config);
  const s3 = new S3Client({ forcePathStyle: true });
  const dynamo = new DynamoDBClient({});
  try {
    const bucket = uniqueName('bridge-assets');
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'bridge-config.json', Body: JSON.stringify(parsed) }),
    );
    const registry = new DynamoDbAccountRegistry({ client: dynamo, tableName });
    await seedRegistry(registry, parsed.accounts, new Date().toISOString());
    return `s3://${bucket}/bridge-config.json`;
  } finally {
    s3.destroy();
    dynamo.destroy();
  }
}

/** Invokes the poller directly (as `aws lambda invoke` would) and answers its result. */
export async function invokeDirect(
  handler: PollerHandler,
  input: unknown,
  context: Context = lambdaContext(),
): Promise<PollResult> {
  const result = await handler(input, context);
  if (!('stopped' in result)) throw new Error('a direct invocation answered like an SQS batch');
  return result;
}
