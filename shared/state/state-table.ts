/**
 * The single state table: key schema, item keys, item encoding, and table creation for local runs
 * and tests. The layout: docs/design.md, State schema (and the top of `dynamodb-state-store.ts`).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type {
  AccountRunStatus,
  AccountStatus,
  RecordState,
  RecordVersion,
  ReportedEvent,
  StreamCursor,
} from '../engine/ports.js';
import { ACTIONS } from '../events/contract.js';
import { SIGNALS } from '../signals.js';
import { packFieldHashes, unpackFieldHashes } from './packed-field-hashes.js';
import { packJson, unpackJson } from './packed-json.js';
import { StateCorruptError } from './state-errors.js';

/** Key schema of the state table (both keys strings), for the CDK construct and `createStateTable`. */
export const STATE_TABLE_KEYS = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

export const CURSOR_SK = 'CURSOR';
export const LEASE_SK = 'LEASE';
export const RECORD_SK_PREFIX = 'RECORD#';

export const streamPk = (account: string, stream: string): string => `ACCOUNT#${account}#STREAM#${stream}`;
export const accountPk = (account: string): string => `ACCOUNT#${account}`;

/** Cliniko's ids: decimal, no leading zero, at most 20 digits (64-bit). */
const DECIMAL_ID = /^[1-9]\d{0,19}$/;
/** Ids of any other form sort after every decimal one. */
const OTHER_ID_MARK = '~';
/** Just past every record sort key (`$` follows `#`). */
export const RECORD_SK_END = 'RECORD$';

/**
 * A record's sort key. Decimal ids are zero-padded to 20 digits so the keys sort in numeric id
 * order: reconciliation compares a page of Cliniko's id listing with the stored states of exactly
 * that id range.
 */
export function recordSk(id: string): string {
  return DECIMAL_ID.test(id)
    ? `${RECORD_SK_PREFIX}${id.padStart(20, '0')}`
    : `${RECORD_SK_PREFIX}${OTHER_ID_MARK}${id}`;
}

/** The id a record sort key stands for. */
export function idOfRecordSk(sk: string): string {
  const key = sk.slice(RECORD_SK_PREFIX.length);
  return key.startsWith(OTHER_ID_MARK) ? key.slice(OTHER_ID_MARK.length) : key.replace(/^0+(?=\d)/, '');
}

export type StateItem = Record<string, unknown>;

/**
 * The record state as stored. `snapshot` and `tracked` are JSON text, so any record round-trips
 * exactly, deflated when that is smaller (`packed-json.ts`). Field hashes are packed (`fh`,
 * `packed-field-hashes.ts`), with what the table does not name in `fields` (name→hash); items
 * written before packing hold them all in `fields` and read the same. A pending version is a
 * nested map with the same attributes except its field hashes, which are stored as the difference
 * from the top-level version's (`fh` and `changed`: the hashes that differ; `removed`: names), plus
 * `first` when it is set: most of a record's fields are unchanged by an event (all of them on a
 * first sighting, whose top-level version is a copy), and the hashes are most of an item's size.
 */
export function encodeRecordState(pk: string, state: RecordState, fence: number): StateItem {
  const item: StateItem = { pk, sk: recordSk(state.id), fence, ...encodeVersion(state) };
  Object.assign(item, encodeHashes(state.fieldHashes, 'fields'));
  if (state.reported !== undefined) item.reported = { ...state.reported };
  const next = state.pending;
  if (next !== undefined) {
    const pending = encodeVersion(next);
    const changed = Object.fromEntries(
      Object.entries(next.fieldHashes).filter(
        ([name, hash]) => !Object.hasOwn(state.fieldHashes, name) || state.fieldHashes[name] !== hash,
      ),
    );
    Object.assign(pending, encodeHashes(changed, 'changed'));
    const removed = Object.keys(state.fieldHashes).filter((name) => !Object.hasOwn(next.fieldHashes, name));
    if (removed.length > 0) pending.removed = removed;
    if (next.first === true) pending.first = true;
    item.pending = pending;
  }
  return item;
}

/** Field hashes as `fh` (packed) and `<mapName>` (the rest), each left out when empty. */
function encodeHashes(hashes: Readonly<Record<string, string>>, mapName: 'fields' | 'changed'): StateItem {
  const { packed, rest } = packFieldHashes(hashes);
  const item: StateItem = {};
  if (packed !== undefined) item.fh = packed;
  if (Object.keys(rest).length > 0) item[mapName] = rest;
  return item;
}

/** Field hashes from `fh` and `<mapName>`, in either the packed or the older all-map form. */
function decodeHashes(item: StateItem, mapName: 'fields' | 'changed'): Record<string, string> {
  const hashes = stringMap(item[mapName]);
  return item.fh instanceof Uint8Array ? { ...hashes, ...unpackFieldHashes(item.fh) } : hashes;
}

/** A version's attributes other than its field hashes. */
function encodeVersion(version: RecordVersion): StateItem {
  const item: StateItem = {
    fp: version.fingerprint,
    updatedAt: version.updatedAt,
    archived: version.archived,
    cancelled: version.cancelled,
    deleted: version.deleted,
  };
  if (version.keyId !== undefined) item.kid = version.keyId;
  if (version.snapshot !== undefined) item.snapshot = packJson(JSON.stringify(version.snapshot));
  if (version.tracked !== undefined) item.tracked = packJson(JSON.stringify(version.tracked));
  if (version.sequence !== undefined) item.seq = version.sequence;
  return item;
}

export function decodeRecordState(item: StateItem): RecordState {
  const sk = stringAttribute(item, 'sk');
  const reported = decodeReported(item.reported);
  const state: RecordState = {
    id: idOfRecordSk(sk),
    ...decodeVersion(item, decodeHashes(item, 'fields')),
    ...(reported === undefined ? {} : { reported }),
  };
  const stored = item.pending;
  if (typeof stored !== 'object' || stored === null) return state;
  const pendingItem = stored as StateItem;
  const kept: Record<string, string> = { ...state.fieldHashes };
  if (Array.isArray(pendingItem.removed)) {
    for (const name of pendingItem.removed) if (typeof name === 'string') delete kept[name];
  }
  const pending = decodeVersion(pendingItem, { ...kept, ...decodeHashes(pendingItem, 'changed') });
  return { ...state, pending: pendingItem.first === true ? { ...pending, first: true } : pending };
}

/** The event last reported; one of an unexpected shape is left out (resync then sends a snapshot). */
function decodeReported(value: unknown): ReportedEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { eventId, action, occurredAt, signals } = value as Record<string, unknown>;
  const known = ACTIONS.find((candidate) => candidate === action);
  if (typeof eventId !== 'string' || typeof occurredAt !== 'string' || known === undefined) return undefined;
  const held = Array.isArray(signals) ? SIGNALS.filter((signal) => signals.includes(signal)) : [];
  return held.length > 0
    ? { eventId, action: known, occurredAt, signals: held }
    : { eventId, action: known, occurredAt };
}

function decodeVersion(item: StateItem, fieldHashes: Record<string, string>): RecordVersion {
  // Items written before fields were tracked and events numbered have neither: both stay absent.
  const tracked = unpackJson(item.tracked, 'tracked');
  const snapshot = unpackJson(item.snapshot, 'snapshot');
  return {
    fingerprint: stringAttribute(item, 'fp'),
    fieldHashes,
    updatedAt: typeof item.updatedAt === 'string' ? item.updatedAt : null,
    archived: item.archived === true,
    cancelled: item.cancelled === true,
    deleted: item.deleted === true,
    ...(typeof item.kid === 'string' ? { keyId: item.kid } : {}),
    ...(tracked === undefined ? {} : { tracked: JSON.parse(tracked) as Record<string, unknown> }),
    ...(typeof item.seq === 'number' && Number.isSafeInteger(item.seq) ? { sequence: item.seq } : {}),
    ...(snapshot === undefined ? {} : { snapshot: JSON.parse(snapshot) as Record<string, unknown> }),
  };
}

/** The cursor item of a stream; `watermark` and `fence` are top-level so writes can be conditioned on them. */
export function encodeCursorItem(pk: string, cursor: StreamCursor, fence: number): StateItem {
  return { pk, sk: CURSOR_SK, watermark: cursor.watermark, fence, cursor: encodeCursor(cursor) };
}

/** The cursor as a map without undefined members (DynamoDB rejects them). */
function encodeCursor(cursor: StreamCursor): Record<string, unknown> {
  return JSON.parse(JSON.stringify(cursor)) as Record<string, unknown>;
}

export function decodeCursor(item: StateItem): StreamCursor {
  const stored = item.cursor;
  if (typeof stored !== 'object' || stored === null || typeof item.watermark !== 'string') {
    throw new StateCorruptError(
      `State item ${stringAttribute(item, 'sk')} is not a cursor; was the table written by another tool?`,
    );
  }
  return stored as StreamCursor;
}

export function stringAttribute(item: StateItem, name: string): string {
  const value = item[name];
  if (typeof value !== 'string') {
    throw new StateCorruptError(
      `State item attribute ${name} is missing or not a string; was the table written by another tool?`,
    );
  }
  return value;
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  // Built from entries: a field may be named anything, `__proto__` included.
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** Creates the state table (on-demand capacity) unless it exists, and waits until it is active. */
export async function createStateTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: STATE_TABLE_KEYS.partitionKey.name, AttributeType: 'S' },
            { AttributeName: STATE_TABLE_KEYS.sortKey.name, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: STATE_TABLE_KEYS.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: STATE_TABLE_KEYS.sortKey.name, KeyType: 'RANGE' },
          ],
        }),
      );
    } catch (createError) {
      // Another process created it between our describe and create: fine, wait for it below.
      if (!(createError instanceof ResourceInUseException)) throw createError;
    }
  }
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}

/** The lease item's owner, token and expiry. */
export function decodeLease(item: StateItem): { owner: string; token: number; expiresAt: number } {
  const { owner, token, expiresAt } = item;
  if (typeof owner !== 'string' || typeof token !== 'number' || typeof expiresAt !== 'number') {
    throw new StateCorruptError(
      'The lease item has an unexpected shape; was the state table written by another tool?',
    );
  }
  return { owner, token, expiresAt };
}

/** The run status attributes of a lease item (kept when the lease is acquired again). */
export function statusAttributes(item: StateItem): StateItem {
  const kept: StateItem = {};
  if (item.lastRun !== undefined) kept.lastRun = item.lastRun;
  if (item.lastSuccessAt !== undefined) kept.lastSuccessAt = item.lastSuccessAt;
  return kept;
}

/** An account's status from its lease item; fields of an unexpected shape are left out. */
export function decodeAccountStatus(item: StateItem): AccountStatus {
  const run = item.lastRun as Record<string, unknown> | undefined;
  const outcome = run?.outcome;
  const lastRun: AccountRunStatus | undefined =
    run !== undefined &&
    typeof run.at === 'string' &&
    (outcome === 'ok' || outcome === 'incomplete' || outcome === 'failed')
      ? { at: run.at, outcome, lagSeconds: typeof run.lagSeconds === 'number' ? run.lagSeconds : null }
      : undefined;
  return {
    ...(lastRun ? { lastRun } : {}),
    ...(typeof item.lastSuccessAt === 'string' ? { lastSuccessAt: item.lastSuccessAt } : {}),
    ...(typeof item.expiresAt === 'number' ? { leaseExpiresAt: item.expiresAt } : {}),
  };
}
