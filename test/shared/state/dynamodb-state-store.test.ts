import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDbClient } from '../../../shared/state/dynalite-server.js';
import { createStateTable, DynamoDbStateStore } from '../../../shared/state/dynamodb-state-store.js';
import { StateUnavailableError } from '../../../shared/state/state-errors.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import { describeStateStoreConformance } from './state-store-conformance.js';

let table: LocalStateTable;

beforeAll(async () => {
  table = await startLocalStateTable();
});

afterAll(async () => {
  await table.close();
});

describeStateStoreConformance('DynamoDbStateStore on dynalite', {
  makeStore: ({ pageSize }) =>
    new DynamoDbStateStore({ client: table.client, tableName: table.tableName, listPageSize: pageSize }),
});

describe('DynamoDbStateStore item layout', () => {
  it('stores cursor, record state and lease under the documented keys, without an absent snapshot', async () => {
    const store = new DynamoDbStateStore({ client: table.client, tableName: table.tableName });
    const documents = DynamoDBDocumentClient.from(table.client);
    await store.putCursor(
      'layout-clinic',
      'patients',
      { watermark: 'w', origin: 'o', backfill: false, polledAt: 'p' },
      3,
    );
    await store.putRecordStates(
      'layout-clinic',
      'patients',
      [
        {
          id: '9',
          fingerprint: 'f',
          fieldHashes: { a: 'h' },
          updatedAt: null,
          archived: false,
          cancelled: false,
          deleted: false,
          keyId: 'k1',
        },
      ],
      3,
    );
    await store.acquireLease('layout-clinic', 'poller-a', 1000, 5000);

    const item = async (pk: string, sk: string) =>
      (await documents.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk } }))).Item;

    expect(await item('ACCOUNT#layout-clinic#STREAM#patients', 'CURSOR')).toMatchObject({
      watermark: 'w',
      fence: 3,
    });
    // Decimal ids are zero-padded to 20 digits so sort keys order numerically.
    const record = await item('ACCOUNT#layout-clinic#STREAM#patients', 'RECORD#00000000000000000009');
    expect(record).toMatchObject({ fp: 'f', kid: 'k1', fence: 3, fields: { a: 'h' }, updatedAt: null });
    expect(record && 'snapshot' in record).toBe(false);
    expect(record && 'pending' in record).toBe(false);
    expect(await item('ACCOUNT#layout-clinic', 'LEASE')).toMatchObject({
      owner: 'poller-a',
      token: 1,
      expiresAt: 6000,
    });
  });

  it('stores tracked values as JSON text under `tracked` and the sequence number under `seq`', async () => {
    const store = new DynamoDbStateStore({ client: table.client, tableName: table.tableName });
    const documents = DynamoDBDocumentClient.from(table.client);
    const state = {
      id: '11',
      fingerprint: 'f',
      fieldHashes: { status: 'h' },
      updatedAt: '2026-11-29T10:00:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
      tracked: { status: 20 },
      sequence: 4,
    };
    await store.putRecordStates('layout-clinic', 'invoices', [state], 2);

    const { Item } = await documents.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: 'ACCOUNT#layout-clinic#STREAM#invoices', sk: 'RECORD#00000000000000000011' },
      }),
    );

    expect(Item).toMatchObject({ tracked: '{"status":20}', seq: 4 });
  });

  it('reads an item written before tracked values and sequence numbers existed as a state without them', async () => {
    const store = new DynamoDbStateStore({ client: table.client, tableName: table.tableName });
    const documents = DynamoDBDocumentClient.from(table.client);
    const legacy = {
      pk: 'ACCOUNT#legacy-clinic#STREAM#individual_appointments',
      sk: 'RECORD#00000000000000000012',
      fence: 1,
      fp: 'f',
      kid: 'k1',
      fields: { starts_at: 'h' },
      updatedAt: '2026-11-29T10:00:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
      pending: {
        fp: 'g',
        changed: { starts_at: 'i' },
        updatedAt: '2026-11-29T10:00:05Z',
        archived: false,
        cancelled: false,
        deleted: false,
      },
    };
    await documents.send(new PutCommand({ TableName: table.tableName, Item: legacy }));

    const found = (await store.getRecordStates('legacy-clinic', 'individual_appointments', ['12'])).get('12');

    expect(found).toEqual({
      id: '12',
      fingerprint: 'f',
      keyId: 'k1',
      fieldHashes: { starts_at: 'h' },
      updatedAt: '2026-11-29T10:00:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
      pending: {
        fingerprint: 'g',
        fieldHashes: { starts_at: 'i' },
        updatedAt: '2026-11-29T10:00:05Z',
        archived: false,
        cancelled: false,
        deleted: false,
      },
    });
  });

  it('stores a pending version as a nested map under the documented attribute names', async () => {
    const store = new DynamoDbStateStore({ client: table.client, tableName: table.tableName });
    const documents = DynamoDBDocumentClient.from(table.client);
    const confirmed = {
      fingerprint: 'f',
      fieldHashes: { a: 'h', b: 'i', c: 'j' },
      updatedAt: '2026-11-29T10:00:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
    };
    const pending = {
      ...confirmed,
      fingerprint: 'g',
      fieldHashes: { a: 'h', b: 'k', d: 'l' },
      archived: true,
      snapshot: { id: '10' },
      first: true,
    };
    await store.putRecordStates('layout-clinic', 'patients', [{ id: '10', ...confirmed, pending }], 2);

    const { Item } = await documents.send(
      new GetCommand({
        TableName: table.tableName,
        Key: { pk: 'ACCOUNT#layout-clinic#STREAM#patients', sk: 'RECORD#00000000000000000010' },
      }),
    );

    // The pending field hashes are stored as their difference from the top-level ones.
    expect(Item).toEqual({
      pk: 'ACCOUNT#layout-clinic#STREAM#patients',
      sk: 'RECORD#00000000000000000010',
      fence: 2,
      fp: 'f',
      fields: { a: 'h', b: 'i', c: 'j' },
      updatedAt: '2026-11-29T10:00:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
      pending: {
        fp: 'g',
        changed: { b: 'k', d: 'l' },
        removed: ['c'],
        updatedAt: '2026-11-29T10:00:00Z',
        archived: true,
        cancelled: false,
        deleted: false,
        snapshot: '{"id":"10"}',
        first: true,
      },
    });
    const found = await store.getRecordStates('layout-clinic', 'patients', ['10']);
    expect(found.get('10')).toEqual({ id: '10', ...confirmed, pending });
  });

  it('creates the table only once when asked again', async () => {
    await createStateTable(table.client, table.tableName);

    const { Table } = await table.client.send(new DescribeTableCommand({ TableName: table.tableName }));

    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });
});

describe('DynamoDbStateStore unprocessed batch reads (throttling, injected)', () => {
  // Only this one client is mocked; the dynalite tests above use real clients.
  const mockedDocuments = DynamoDBDocumentClient.from(localDynamoDbClient('http://127.0.0.1:9'));
  const documentsMock = mockClient(mockedDocuments);
  const noSleep = async (): Promise<void> => {};
  const storeWithMock = () =>
    new DynamoDbStateStore({
      client: mockedDocuments,
      tableName: 'state',
      maxAttempts: 3,
      sleep: noSleep,
    });

  afterEach(() => {
    documentsMock.reset();
  });
  afterAll(() => {
    documentsMock.restore();
  });

  it('retries unprocessed reads and merges what each attempt returned', async () => {
    const item = (id: string) => ({
      pk: 'p',
      sk: `RECORD#${id.padStart(20, '0')}`,
      fp: `f${id}`,
      fields: {},
      updatedAt: null,
    });
    const leftOver = { state: { Keys: [{ pk: 'p', sk: 'RECORD#2' }] } };
    documentsMock
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { state: [item('1')] }, UnprocessedKeys: leftOver })
      .resolves({ Responses: { state: [item('2')] } });

    const found = await storeWithMock().getRecordStates('clinic', 'patients', ['1', '2']);

    expect([...found.keys()].sort()).toEqual(['1', '2']);
    expect(documentsMock.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems).toEqual(leftOver);
  });

  it('throws StateUnavailableError when reads stay unprocessed past the budget', async () => {
    documentsMock
      .on(BatchGetCommand)
      .resolves({ UnprocessedKeys: { state: { Keys: [{ pk: 'p', sk: 'RECORD#1' }] } } });

    await expect(storeWithMock().getRecordStates('clinic', 'patients', ['1'])).rejects.toBeInstanceOf(
      StateUnavailableError,
    );
  });
});
