/**
 * `StateStore` on one DynamoDB table with string keys `pk` / `sk` (on-demand, PITR and KMS in AWS);
 * the whole table, registry included: docs/design.md, State schema.
 *
 * | item         | pk                                   | sk              | attributes                                      |
 * |--------------|--------------------------------------|-----------------|-------------------------------------------------|
 * | cursor       | `ACCOUNT#<account>#STREAM#<stream>`  | `CURSOR`        | `watermark` (S), `fence` (N), `cursor` (M: the StreamCursor) |
 * | record state | `ACCOUNT#<account>#STREAM#<stream>`  | `RECORD#<id>` (decimal ids zero-padded to 20 digits) | `fence` (N), `fp` (S), `kid` (S), `fh` (B: the field hashes of known field names, packed) and `fields` (M name→hash: the others; all of them in items written before packing), `updatedAt` (S/NULL), `archived`, `cancelled`, `deleted` (BOOL), `snapshot` (S JSON, or B deflated JSON; only in `previous` mode), `tracked` (S JSON, or B deflated JSON: the values of the stream's tracked fields, operational only; absent in items written before fields were tracked), `seq` (N: the sequence number of the event that reported this version; absent in older items), `reported` (M `eventId`, `action`, `occurredAt`, `signals` (L, when any): the event last published for the confirmed version, which `resync` sends again), `pending` (M, only while an event is in flight: the same attributes for the new version except the field hashes, given as the ones that differ (`fh`, and `changed` M name→hash) and `removed` (L of names) relative to the top-level ones, plus `first` (BOOL) on a first sighting) |
 * | lease        | `ACCOUNT#<account>`                  | `LEASE`         | `owner` (S), `token` (N), `expiresAt` (N, epoch ms); from the first release on `lastRun` (M: `at`, `outcome`, `lagSeconds`) and `lastSuccessAt` (S) |
 *
 * - Cursor writes are conditional: `(attribute_not_exists(pk) OR watermark <= :wm) AND
 *   (attribute_not_exists(fence) OR fence <= :fence)`; a loss is a `StaleWriteError`.
 * - The lease is acquired with a put conditioned on the version just read (absent, or same token and
 *   expiry), so of two racing pollers exactly one wins and the token goes up by one. Releasing
 *   expires the item instead of deleting it, so fencing tokens never go backwards.
 * - Record states are written twice per event, around PutEvents: first with the new version as
 *   `pending` (the top-level attributes stay the version the event was classified against), then
 *   with it as the top-level version and no `pending`. A run that fails in between leaves `pending`
 *   behind, which tells the next run that the event may have reached consumers (see
 *   `shared/engine/pending-version.ts`). With snapshots on, an item may briefly hold two of them.
 *   Records without an event are not written.
 * - Record states are written with one conditional PutItem each (BatchWriteItem takes no
 *   conditions): `attribute_not_exists(fence) OR fence <= :fence`, so a poller whose lease was taken
 *   over can never overwrite a state a newer lease holder wrote; a loss is a `StaleWriteError`.
 * - Field hashes and JSON are packed (`packed-field-hashes.ts`, `packed-json.ts`) so that a state
 *   and its pending version fit in one write unit; items in the older, unpacked form read the same.
 * - Sort keys of decimal ids are zero-padded, so a Query between two ids returns exactly the stored
 *   states of that id range (reconciliation compares Cliniko's id listing page by page).
 * - No transactions, no TTL, no PartiQL, so dynalite serves locally. Account ids and stream names
 *   must not contain `#`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { Retries } from '../backoff.js';
import type {
  AccountRunStatus,
  AccountStatus,
  AccountStatusReader,
  IdRange,
  Lease,
  RecordState,
  StateStore,
  StreamCursor,
} from '../engine/ports.js';
import { LeaseLostError, StaleWriteError } from '../errors.js';
import { StateUnavailableError } from './state-errors.js';
import {
  accountPk,
  CURSOR_SK,
  decodeAccountStatus,
  decodeCursor,
  decodeLease,
  decodeRecordState,
  encodeCursorItem,
  encodeRecordState,
  LEASE_SK,
  RECORD_SK_END,
  RECORD_SK_PREFIX,
  recordSk,
  statusAttributes,
  streamPk,
} from './state-table.js';

export { createStateTable, STATE_TABLE_KEYS } from './state-table.js';

/** Write operations issued, including ones a condition rejected (DynamoDB bills those too). */
export interface StateWriteCounts {
  /** `putCursor` calls. */
  cursor: number;
  /** Record state items written (one per state, not per batch). */
  records: number;
  /** Lease writes: acquisitions, renewals and releases. */
  lease: number;
}

export interface DynamoDbStateStoreOptions {
  /** A plain client is wrapped in a document client; a document client is used as given. */
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName: string;
  /** Query `Limit` of `listRecordStates` pages; DynamoDB's 1 MB pages when absent. */
  readonly listPageSize?: number | undefined;
  /** Attempts of a BatchGetItem while keys stay unprocessed (call-level retries are the SDK's). @default 8 */
  readonly maxAttempts?: number;
  /** @default 50 */
  readonly baseDelayMs?: number;
  /** @default 2000 */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const GET_BATCH = 100;
/** Conditional PutItem calls in flight at once. */
const WRITE_CONCURRENCY = 25;
/** Concurrent pollers racing for the lease re-read it at most this many times. */
const LEASE_RACE_ATTEMPTS = 3;

export class DynamoDbStateStore implements StateStore, AccountStatusReader {
  /** Write requests issued (record states counted per item), including conditional losses. */
  readonly writes: StateWriteCounts = { cursor: 0, records: 0, lease: 0 };
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly listPageSize: number | undefined;
  private readonly retries: Retries;

  constructor(options: DynamoDbStateStoreOptions) {
    this.documents =
      options.client instanceof DynamoDBDocumentClient
        ? options.client
        : DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.tableName = options.tableName;
    this.listPageSize = options.listPageSize;
    this.retries = new Retries(options, { maxAttempts: 8, baseDelayMs: 50, maxDelayMs: 2000 });
  }

  async getCursor(account: string, stream: string): Promise<StreamCursor | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: streamPk(account, stream), sk: CURSOR_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : decodeCursor(Item);
  }

  async putCursor(account: string, stream: string, cursor: StreamCursor, fence: number): Promise<void> {
    this.writes.cursor += 1;
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: encodeCursorItem(streamPk(account, stream), cursor, fence),
          ConditionExpression:
            '(attribute_not_exists(pk) OR #wm <= :wm) AND (attribute_not_exists(#fence) OR #fence <= :fence)',
          ExpressionAttributeNames: { '#wm': 'watermark', '#fence': 'fence' },
          ExpressionAttributeValues: { ':wm': cursor.watermark, ':fence': fence },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new StaleWriteError(
        `Cursor write for stream ${stream} rejected: the stored cursor is further ahead or was written by a newer lease holder`,
        { cause: error },
      );
    }
  }

  async acquireLease(
    account: string,
    owner: string,
    ttlMs: number,
    nowMs: number,
  ): Promise<Lease | undefined> {
    const Key = { pk: accountPk(account), sk: LEASE_SK };
    for (let attempt = 0; attempt < LEASE_RACE_ATTEMPTS; attempt += 1) {
      const { Item } = await this.documents.send(
        new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }),
      );
      const current = Item === undefined ? undefined : decodeLease(Item);
      if (current !== undefined && current.owner !== owner && current.expiresAt > nowMs) return undefined;
      const lease: Lease = { account, owner, token: (current?.token ?? 0) + 1, expiresAt: nowMs + ttlMs };
      this.writes.lease += 1;
      // The status of earlier runs stays with the item.
      const kept = Item === undefined ? {} : statusAttributes(Item);
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...kept, ...Key, owner, token: lease.token, expiresAt: lease.expiresAt },
            // Put only over the exact version read: a racing acquire, renew or release makes us re-read.
            ...(current === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#token = :token AND expiresAt = :expiresAt',
                  ExpressionAttributeNames: { '#token': 'token' },
                  ExpressionAttributeValues: { ':token': current.token, ':expiresAt': current.expiresAt },
                }),
          }),
        );
        return lease;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // The item kept changing under us: other pollers are actively contending, so stand back.
    return undefined;
  }

  async renewLease(lease: Lease, ttlMs: number, nowMs: number, status?: AccountRunStatus): Promise<Lease> {
    const expiresAt = nowMs + ttlMs;
    this.writes.lease += 1;
    const updated = await this.updateOwnLease(lease, expiresAt, status);
    if (!updated) {
      throw new LeaseLostError(
        `Lease of account ${lease.account} was taken over by another poller; stopping without further writes`,
      );
    }
    return { ...lease, expiresAt };
  }

  async releaseLease(lease: Lease, status?: AccountRunStatus): Promise<void> {
    this.writes.lease += 1;
    // A lease someone else took over is theirs: losing the condition here is not an error.
    await this.updateOwnLease(lease, 0, status);
  }

  /** Each account's last run, last success and lease expiry (accounts never run are absent). */
  async getAccountStatuses(accounts: readonly string[]): Promise<Map<string, AccountStatus>> {
    const statuses = new Map<string, AccountStatus>();
    const keys = accounts.map((account) => ({ pk: accountPk(account), sk: LEASE_SK }));
    for (let start = 0; start < keys.length; start += GET_BATCH) {
      let pending: BatchGetCommandInput['RequestItems'] = {
        [this.tableName]: { Keys: keys.slice(start, start + GET_BATCH) },
      };
      for (let attempt = 1; pending && Object.keys(pending).length > 0; attempt += 1) {
        if (attempt > 1) await this.backoffOrThrow(attempt - 1, 'account statuses');
        const page: BatchGetCommandOutput = await this.documents.send(
          new BatchGetCommand({ RequestItems: pending }),
        );
        for (const item of page.Responses?.[this.tableName] ?? []) {
          const account = String(item.pk).slice('ACCOUNT#'.length);
          statuses.set(account, decodeAccountStatus(item));
        }
        pending = page.UnprocessedKeys;
      }
    }
    return statuses;
  }

  async getRecordStates(
    account: string,
    stream: string,
    ids: readonly string[],
  ): Promise<Map<string, RecordState>> {
    const pk = streamPk(account, stream);
    const unique = [...new Set(ids)];
    const found = new Map<string, RecordState>();
    for (let start = 0; start < unique.length; start += GET_BATCH) {
      let keys: NonNullable<BatchGetCommandInput['RequestItems']> = {
        [this.tableName]: {
          Keys: unique.slice(start, start + GET_BATCH).map((id) => ({ pk, sk: recordSk(id) })),
          ConsistentRead: true,
        },
      };
      for (let attempt = 1; ; attempt += 1) {
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await this.documents.send(
          new BatchGetCommand({ RequestItems: keys }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          const state = decodeRecordState(item);
          found.set(state.id, state);
        }
        const left = UnprocessedKeys?.[this.tableName]?.Keys?.length ?? 0;
        if (left === 0 || UnprocessedKeys === undefined) break;
        await this.backoffOrThrow(attempt, `${left} record state reads of stream ${stream}`);
        keys = UnprocessedKeys;
      }
    }
    return found;
  }

  async putRecordStates(
    account: string,
    stream: string,
    states: readonly RecordState[],
    fence: number,
  ): Promise<void> {
    const pk = streamPk(account, stream);
    // Two writes of one id in a call: the last state wins, as its event comes last.
    const latest = [...new Map(states.map((state) => [state.id, state])).values()];
    for (let start = 0; start < latest.length; start += WRITE_CONCURRENCY) {
      const chunk = latest.slice(start, start + WRITE_CONCURRENCY);
      const outcomes = await Promise.allSettled(chunk.map((state) => this.putFenced(pk, state, fence)));
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failed?.status === 'rejected') {
        const stale = outcomes.some((o) => o.status === 'rejected' && o.reason instanceof StaleWriteError);
        throw stale
          ? new StaleWriteError(staleRecordMessage(stream), { cause: failed.reason })
          : failed.reason;
      }
    }
  }

  private async putFenced(pk: string, state: RecordState, fence: number): Promise<void> {
    this.writes.records += 1;
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: encodeRecordState(pk, state, fence),
          ConditionExpression: 'attribute_not_exists(#fence) OR #fence <= :fence',
          ExpressionAttributeNames: { '#fence': 'fence' },
          ExpressionAttributeValues: { ':fence': fence },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StaleWriteError('fenced record write lost');
      throw error;
    }
  }

  async *listRecordStates(
    account: string,
    stream: string,
    range: IdRange = {},
  ): AsyncIterable<readonly RecordState[]> {
    let startKey: Record<string, unknown> | undefined;
    const lower = range.after === undefined ? RECORD_SK_PREFIX : recordSk(range.after);
    const upper = range.through === undefined ? RECORD_SK_END : recordSk(range.through);
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lower AND :upper',
          ExpressionAttributeValues: { ':pk': streamPk(account, stream), ':lower': lower, ':upper': upper },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
          Limit: this.listPageSize,
        }),
      );
      // BETWEEN includes its bounds: `after` itself is outside the range.
      const states = (page.Items ?? [])
        .filter((item) => item.sk !== lower || range.after === undefined)
        .map((item) => decodeRecordState(item));
      if (states.length > 0) yield states;
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /** Sets the expiry of a lease we still hold (and the run's status); false when it now belongs to someone else. */
  private async updateOwnLease(lease: Lease, expiresAt: number, status?: AccountRunStatus): Promise<boolean> {
    const sets = ['expiresAt = :expiresAt'];
    const values: Record<string, unknown> = { ':expiresAt': expiresAt };
    if (status !== undefined) {
      sets.push('lastRun = :lastRun');
      values[':lastRun'] = { ...status };
      if (status.outcome === 'ok') {
        sets.push('lastSuccessAt = :at');
        values[':at'] = status.at;
      }
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: accountPk(lease.account), sk: LEASE_SK },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: '#owner = :owner AND #token = :token',
          ExpressionAttributeNames: { '#owner': 'owner', '#token': 'token' },
          ExpressionAttributeValues: { ':owner': lease.owner, ':token': lease.token, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async backoffOrThrow(attempt: number, what: string): Promise<void> {
    if (attempt >= this.retries.maxAttempts) {
      throw new StateUnavailableError(
        `DynamoDB left ${what} unprocessed after ${attempt} attempts (throttled); the run will retry later`,
      );
    }
    await this.retries.wait(attempt - 1);
  }
}

function staleRecordMessage(stream: string): string {
  return `Record state write for stream ${stream} rejected: a newer lease holder wrote it; stopping without further writes`;
}
