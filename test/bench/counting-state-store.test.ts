import { describe, expect, it } from 'vitest';
import { CountingStateStore, itemBytes } from '../../bench/counting-state-store.js';
import type { RecordState } from '../../shared/engine/ports.js';
import { InMemoryStateStore } from '../support/memory-state-store.js';

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

describe('CountingStateStore', () => {
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
