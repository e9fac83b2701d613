import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDbClient } from '../../../shared/state/dynalite-server.js';
import { createStateTable, DynamoDbStateStore } from '../../../shared/state/dynamodb-state-store.js';
import { unpackJson } from '../../../shared/state/packed-json.js';
import { StateUnavailableError } from '../../../shared/state/state-errors.js';
import { encodeRecordState } from '../../../shared/state/state-table.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import { describeStateStoreConformance } from './state-store-conformance.js';

let table: LocalStateTable;
const spec = JSON.parse(
  readFileSync(new URL('../../simulator/fixtures/spec-2023-lists.json', import.meta.url), 'utf8'),
) as Record<string, { fields: Record<string, string> }>;

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

  it('stores tracked values as deflated JSON under `tracked` and the sequence number under `seq`', async () => {
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

    expect(Item).toMatchObject({ seq: 4 });
    expect(unpackJson(Item?.tracked, 'tracked')).toBe('{"status":20}');
    expect(Item?.tracked).toBeInstanceOf(Uint8Array);
    expect((await store.getRecordStates('layout-clinic', 'invoices', ['11'])).get('11')).toEqual(state);
  });

  it('reads a state written before packing (hashes in maps, JSON as text) as the same state, and writes it back packed', async () => {
    const store = new DynamoDbStateStore({ client: table.client, tableName: table.tableName });
    const documents = DynamoDBDocumentClient.from(table.client);
    const key = {
      pk: 'ACCOUNT#legacy-clinic#STREAM#individual_appointments',
      sk: 'RECORD#00000000000000000013',
    };
    const tracked = {
      starts_at: '2026-12-07T09:30:00Z',
      business: { links: { self: 'https://x/v1/businesses/1' } },
    };
    const unpacked = {
      ...key,
      fence: 1,
      fp: 'f',
      kid: 'k1',
      fields: { starts_at: 'AAAAAAAA', business: 'BBBBBBBB', some_new_field: 'CCCCCCCC' },
      updatedAt: '2026-11-29T10:00:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
      tracked: JSON.stringify(tracked),
      seq: 3,
      pending: {
        fp: 'g',
        changed: { starts_at: 'DDDDDDDD' },
        updatedAt: '2026-11-29T10:00:05Z',
        archived: false,
        cancelled: false,
        deleted: false,
        tracked: JSON.stringify({ ...tracked, starts_at: '2026-12-08T09:30:00Z' }),
        snapshot: '{"id":"13"}',
      },
    };
    await documents.send(new PutCommand({ TableName: table.tableName, Item: unpacked }));

    const read = (await store.getRecordStates('legacy-clinic', 'individual_appointments', ['13'])).get('13');

    const expected = {
      id: '13',
      fingerprint: 'f',
      keyId: 'k1',
      fieldHashes: unpacked.fields,
      updatedAt: '2026-11-29T10:00:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
      tracked,
      sequence: 3,
      pending: {
        fingerprint: 'g',
        fieldHashes: { ...unpacked.fields, starts_at: 'DDDDDDDD' },
        updatedAt: '2026-11-29T10:00:05Z',
        archived: false,
        cancelled: false,
        deleted: false,
        tracked: { ...tracked, starts_at: '2026-12-08T09:30:00Z' },
        snapshot: { id: '13' },
      },
    };
    expect(read).toEqual(expected);

    await store.putRecordStates('legacy-clinic', 'individual_appointments', [expected], 1);
    const { Item } = await documents.send(new GetCommand({ TableName: table.tableName, Key: key }));

    // Table names packed; the name the table does not hold stays in the map.
    expect(Item?.fh).toBeInstanceOf(Uint8Array);
    expect(Item?.fields).toEqual({ some_new_field: 'CCCCCCCC' });
    expect(Item?.pending.changed).toBeUndefined();
    expect(Item?.pending.fh).toBeInstanceOf(Uint8Array);
    expect(
      (await store.getRecordStates('legacy-clinic', 'individual_appointments', ['13'])).get('13'),
    ).toEqual(expected);
  });

  it('keeps the state of a patient and of an appointment within one write unit, pending version included', async () => {
    // Sizes as dynalite bills them (its own implementation of DynamoDB's sizing rules).
    const documents = DynamoDBDocumentClient.from(table.client);
    const hashesOf = (names: readonly string[], salt: string) =>
      Object.fromEntries(
        names.map((name) => [
          name,
          createHash('sha256')
            .update(salt + name)
            .digest('base64url')
            .slice(0, 8),
        ]),
      );
    const link = (path: string) => ({
      links: { self: `https://api.au4.cliniko.com/v1/${path}/1296468398371546213` },
    });
    const version = (names: readonly string[], salt: string, tracked?: Record<string, unknown>) => ({
      fingerprint: 'f'.repeat(32),
      keyId: 'k2026-12',
      fieldHashes: hashesOf(names, salt),
      updatedAt: '2026-12-07T09:30:00Z',
      archived: false,
      cancelled: false,
      deleted: false,
      sequence: 1_234_567,
      ...(tracked === undefined ? {} : { tracked }),
    });
    const cases = [
      { stream: 'patients', tracked: undefined },
      {
        stream: 'individual_appointments',
        tracked: {
          starts_at: '2026-12-07T09:30:00Z',
          ends_at: '2026-12-07T10:00:00Z',
          practitioner: link('practitioners'),
          appointment_type: link('appointment_types'),
          business: link('businesses'),
        },
      },
    ];
    for (const { stream, tracked } of cases) {
      const names = Object.keys(spec[stream]?.fields ?? {});
      const confirmed = version(names, 'a', tracked);
      const moved = tracked === undefined ? undefined : { ...tracked, starts_at: '2026-12-08T09:30:00Z' };
      // Three fields changed, as a reschedule or an edited address would.
      const pending = { ...version(names, 'a', moved), fingerprint: 'e'.repeat(32) };
      for (const name of names.slice(0, 3)) pending.fieldHashes[name] = 'ZZZZZZZZ';
      const reported = {
        eventId: '0f8f1b9a2c3d4e5f6a7b8c9d0e1f2a3b',
        action: 'updated' as const,
        occurredAt: '2026-12-07T09:30:01Z',
        signals: ['rescheduled' as const],
      };
      const state = { id: '1296468398371546213', ...confirmed, reported, pending };
      const item = encodeRecordState(`ACCOUNT#a-clinic-with-a-longer-id-42#STREAM#${stream}`, state, 12);

      const { ConsumedCapacity } = await documents.send(
        new PutCommand({ TableName: table.tableName, Item: item, ReturnConsumedCapacity: 'TOTAL' }),
      );

      expect(names.length).toBeGreaterThan(stream === 'patients' ? 50 : 30);
      expect({ stream, units: ConsumedCapacity?.CapacityUnits }).toEqual({ stream, units: 1 });
    }
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
