/**
 * The example consumer: a Lambda behind the example's SQS queue that handles each change event once.
 * EventBridge delivers at least once, and a replay from the archive sends events again, so it
 * dedupes on `detail.eventId` with Powertools Idempotency, the records kept in DynamoDB for
 * `IDEMPOTENCY_HOURS` — longer than any redelivery and than the replays you would run by hand. Each
 * SQS message is one event; a failed one is reported alone (partial batch response), so only it comes
 * back, and after five receives it goes to the dead-letter queue.
 *
 * Replace `handleEvent` with what your service does; keep it idempotent-safe: the record is written
 * after it returns, so a crash in between runs it again for that event.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** At least a day (the README's at-least-once section): redeliveries, and replays of the last hours. */
export const IDEMPOTENCY_HOURS = 48;

/** What the example does with an event; only ids and the type, never record data, reach the log. */
export interface ChangeEventEnvelope {
  readonly 'detail-type': string;
  readonly detail: { readonly eventId: string; readonly account: string; readonly recordId: string };
}

export interface ConsumerDeps {
  /** The idempotency table (`IDEMPOTENCY_TABLE`). */
  readonly tableName: string;
  /** The service's own work for one event. */
  readonly handleEvent: (event: ChangeEventEnvelope) => Promise<void>;
  readonly dynamoDb?: DynamoDBClient;
}

export function makeConsumer(deps: ConsumerDeps) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'detail.eventId',
    expiresAfterSeconds: IDEMPOTENCY_HOURS * 3600,
    throwOnNoIdempotencyKey: true,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.tableName,
    ...(deps.dynamoDb ? { awsSdkV3Client: deps.dynamoDb } : {}),
  });
  const once = makeIdempotent(async (event: ChangeEventEnvelope) => deps.handleEvent(event), {
    persistenceStore,
    config,
  });
  const processor = new BatchProcessor(EventType.SQS);
  const record = async (message: SQSRecord) => once(JSON.parse(message.body) as ChangeEventEnvelope);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    config.registerLambdaContext(context);
    return processPartialResponse(event, record, processor, { context });
  };
}

const logger = new Logger({ serviceName: 'cliniko-bridge-example-consumer' });

export const handler = makeConsumer({
  tableName: process.env.IDEMPOTENCY_TABLE ?? '',
  handleEvent: async (event) => {
    logger.info('change event handled', {
      type: event['detail-type'],
      eventId: event.detail.eventId,
      account: event.detail.account,
    });
  },
});
