/**
 * The example consumer: a Lambda behind the example's SQS queue that handles each change event once.
 *
 * Each SQS message is one event as EventBridge delivered it. The body is validated with the events
 * package (`parseChangeEvent`: a malformed message fails, naming paths, never values), then the
 * service's work runs at most once per `detail.eventId` — Powertools Idempotency keeps a record per
 * event id in DynamoDB for `IDEMPOTENCY_HOURS`. A failed message is reported alone (partial batch
 * response), so only it comes back; after five receives it goes to the dead-letter queue.
 *
 * Replace `handleEvent` with what your service does. The idempotency record is completed after it
 * returns, so a crash in between runs it again for that event: make its own writes safe to repeat
 * where you can (a conditional write keyed on the event id, for example).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { type ChangeEvent, parseChangeEvent } from '../../packages/events/src/index.js';
import { awsClientDefaults } from '../../shared/aws/client-defaults.js';
import { safeErrorFields } from '../../shared/errors.js';
import { required } from '../poller/poller-environment.js';
import { traced } from '../tracing.js';

/**
 * How long an event id is remembered. At least a day, because a repeat can come that late: EventBridge
 * delivers at least once and retries a failed delivery to the queue for up to 24 hours (the rule's
 * maximum event age), and a replay from the archive sends events again under their original ids (the
 * README's replay steps). Two days cover both with a margin; a replay reaching further back than that
 * runs the work again for the older events, so filter such a replay to the rules that need it.
 */
export const IDEMPOTENCY_HOURS = 48;

/** The variable the construct sets to the idempotency table's name. */
export const IDEMPOTENCY_TABLE_ENV = 'IDEMPOTENCY_TABLE';

export interface ConsumerDeps {
  /** The idempotency table (`IDEMPOTENCY_TABLE`). */
  readonly tableName: string;
  readonly dynamoDb: DynamoDBClient;
  /** The service's own work for one event. */
  readonly handleEvent: (event: ChangeEvent) => Promise<void>;
  /** Where failed messages are reported (their message id and error type only). */
  readonly logger: Pick<Logger, 'warn'>;
}

export type ConsumerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function makeConsumer(deps: ConsumerDeps): ConsumerHandler {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'detail.eventId',
    expiresAfterSeconds: IDEMPOTENCY_HOURS * 3600,
    throwOnNoIdempotencyKey: true,
  });
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.tableName,
    awsSdkV3Client: deps.dynamoDb,
  });
  const once = makeIdempotent(async (event: ChangeEvent) => deps.handleEvent(event), {
    persistenceStore,
    config,
  });
  const processor = new BatchProcessor(EventType.SQS);
  const handleMessage = async (message: SQSRecord): Promise<void> => {
    try {
      await once(parseChangeEvent(parseBody(message.body)));
    } catch (error) {
      deps.logger.warn('change event failed; the queue delivers it again', {
        messageId: message.messageId,
        ...safeErrorFields(error),
      });
      throw error;
    }
  };
  return async (event, context) => {
    config.registerLambdaContext(context);
    // One message at a time: a repeat within the same batch then finds the first one's record
    // completed and is skipped, rather than finding it in progress and failing back to the queue.
    return processPartialResponse(event, handleMessage, processor, { context, processInParallel: false });
  };
}

/** The body as JSON; a body that is not JSON fails without its text in the error (it may hold PHI). */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new SyntaxError('the message body is not JSON');
  }
}

const logger = new Logger({ serviceName: 'cliniko-bridge-example-consumer' });

/** What the example does with an event: one log line of ids and the type, never record data. */
async function logHandled(event: ChangeEvent): Promise<void> {
  logger.info('change event handled', {
    type: event['detail-type'],
    eventId: event.detail.eventId,
    account: event.detail.account,
    recordId: event.detail.recordId,
  });
}

let consumer: ConsumerHandler | undefined;

/** The Lambda entry point: the environment is checked and the client built on the first invocation. */
export const handler: ConsumerHandler = async (event, context) => {
  consumer ??= makeConsumer({
    tableName: required(process.env, IDEMPOTENCY_TABLE_ENV, 'the name of the idempotency table'),
    dynamoDb: traced(new DynamoDBClient(awsClientDefaults())),
    handleEvent: logHandled,
    logger,
  });
  return consumer(event, context);
};
