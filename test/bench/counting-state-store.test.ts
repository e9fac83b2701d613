import { createHash } from 'node:crypto';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingStateStore, itemBytes } from '../../bench/counting-state-store.js';
import { ClinikoClient } from '../../shared/cliniko/client.js';
import { TokenBucket } from '../../shared/cliniko/token-bucket.js';
import type { RecordState } from '../../shared/engine/ports.js';
import { syncAccount } from '../../shared/engine/sync.js';
import { DynamoDbStateStore } from '../../shared/state/dynamodb-state-store.js';
import { STREAMS } from '../../shared/streams.js';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { USER_AGENT } from '../shared/cliniko/fake-cliniko.js';
import { CapturingLogger, syncOptions } from '../shared/engine/sync-harness.js';
import { TEST_KEYS } from '../support/content-keys.js';
import { type LocalStateTable, startLocalStateTable } from '../support/dynalite.js';
import { InMemoryStateStore } from '../support/memory-state-store.js';
import { RecordingPublisher } from '../support/recording-publisher.js';

describe('itemBytes', () => {
  it('sizes an item by DynamoDB’s published rules', () => {
    // pk 2+1, n 1+(2+1), b 1+1, m 1+3+(1+2+1), l 1+3+(1+1)+(1+2), gone 0
    const item = { pk: 'a', n: 123, b: true, m: { x: 'yz' }, l: ['a', 'bc'], gone: undefined };

    expect(itemBytes(item)).toBe(3 + 4 + 2 + 8 + 9);
  });

  it('counts significant digits of numbers only', () => {
    expect(itemBytes({ n: 1_700_000_000_000 })).toBe(1 + 1 + 1);
    expect(itemBytes({ n: 0.25 })).toBe(1 + 1 + 1);
  });
});

const hashes = Object.fromEntries(
  Array.from({ length: 60 }, (_, i) => [`a_field_name_${i}`, `hash${String(i).padStart(4, '0')}`]),
);
const version = {
  fingerprint: 'f'.repeat(32),
  fieldHashes: hashes,
  updatedAt: '2026-11-29T10:00:00Z',
  archived: false,
  cancelled: false,
  deleted: false,
};

describe('CountingStateStore', () => {
  it('bills a pending first sighting like the confirmed write: its field hashes are not stored twice', async () => {
    const store = new CountingStateStore(new InMemoryStateStore());
    const confirmed: RecordState = { id: '1', ...version };
    const staged: RecordState = { ...confirmed, pending: { ...version, first: true } };

    await store.putRecordStates('clinic', 'patients', [staged], 1);
    const stagedUnits = store.take().wru;
    await store.putRecordStates('clinic', 'patients', [confirmed], 1);
    const confirmedUnits = store.take().wru;

    expect(confirmedUnits).toBe(2);
    expect(stagedUnits).toBe(confirmedUnits);
  });
});

describe('CountingStateStore against dynalite’s consumed capacity', () => {
  let table: LocalStateTable;
  let sim: RunningSimulator;
  let client: ClinikoClient;
  /** What dynalite reports each call consumed, asked for on every request of the store's client. */
  const consumed = { reads: 0, writes: 0 };

  beforeAll(async () => {
    table = await startLocalStateTable();
    table.client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const reported = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
          .ConsumedCapacity;
        const units = [reported ?? []].flat().reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
        const write = ['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand'].includes(
          context.commandName ?? '',
        );
        consumed[write ? 'writes' : 'reads'] += units;
        return result;
      },
      { step: 'initialize', name: 'consumedCapacity' },
    );
    sim = await startSimulator({ seed: 5, patients: 40, appointments: 80, rateLimitPerMinute: 100_000 });
    client = new ClinikoClient({
      apiKey: sim.apiKeys[0] ?? '',
      userAgent: USER_AGENT,
      baseUrl: sim.baseUrl,
      bucket: new TokenBucket({ ratePerMinute: 100_000, capacity: 1000 }),
    });
  });

  afterAll(async () => {
    await client?.close();
    await sim?.close();
    await table?.close();
  });

  it('counts the read and write units dynalite bills for a backfill and polls under churn', async () => {
    const store = new CountingStateStore(
      new DynamoDbStateStore({ client: table.client, tableName: table.tableName }),
    );
    const publisher = new RecordingPublisher();
    const poll = () =>
      syncAccount(
        { cliniko: client, keys: TEST_KEYS, state: store, publisher, logger: new CapturingLogger() },
        syncOptions({ streams: STREAMS, startFrom: 'beginning', reconcileIntervalSeconds: null }),
      );

    await poll();
    for (let round = 0; round < 4; round++) {
      sim.churn(40);
      await poll();
    }

    // Replaced items are billed on the larger of old and new: the confirmation after a pending write.
    expect(publisher.events.length).toBeGreaterThan(100);
    expect(store.traffic.writes.records).toBeGreaterThan(2 * 100);
    expect(store.traffic.wru).toBe(consumed.writes);
    expect(store.traffic.rru).toBe(consumed.reads);
  });

  it('bills a write on the larger of the item it writes and the item it replaces, as DynamoDB does', async () => {
    const store = new CountingStateStore(
      new DynamoDbStateStore({ client: table.client, tableName: table.tableName }),
    );
    const confirmed: RecordState = { id: '1', ...version, fieldHashes: {} };
    // A snapshot that deflates to about 1.7 KB: the pending item takes two units, the confirmed one.
    const notes = Array.from({ length: 50 }, (_, i) => createHash('sha256').update(`${i}`).digest('base64'));
    const snapshot = { id: '1', notes: notes.join('') };
    const before = { ...consumed };
    store.take();

    await store.putRecordStates(
      'units-clinic',
      'patients',
      [{ ...confirmed, pending: { ...version, fieldHashes: {}, snapshot } }],
      1,
    );
    await store.putRecordStates('units-clinic', 'patients', [confirmed], 1);

    expect(consumed.writes - before.writes).toBe(4);
    expect(store.take().wru).toBe(4);
  });
});
