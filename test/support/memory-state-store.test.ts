import { describe, expect, it } from 'vitest';
import { StaleWriteError } from '../../shared/errors.js';
import { describeStateStoreConformance } from '../shared/state/state-store-conformance.js';
import { InMemoryStateStore } from './memory-state-store.js';

describeStateStoreConformance('InMemoryStateStore', {
  makeStore: ({ pageSize }) => new InMemoryStateStore({ pageSize }),
});

describe('InMemoryStateStore fault injection', () => {
  it('fails the next call of an operation with the given error and leaves state untouched', async () => {
    const store = new InMemoryStateStore();
    const fault = new StaleWriteError('injected');
    store.failNext('putRecordStates', fault);
    const state = {
      id: '1',
      fingerprint: 'fp',
      fieldHashes: {},
      updatedAt: null,
      archived: false,
      cancelled: false,
      deleted: false,
    };

    const first = store.putRecordStates('clinic', 'patients', [state], 1);

    await expect(first).rejects.toBe(fault);
    expect((await store.getRecordStates('clinic', 'patients', ['1'])).size).toBe(0);
    await store.putRecordStates('clinic', 'patients', [state], 1);
    expect((await store.getRecordStates('clinic', 'patients', ['1'])).size).toBe(1);
  });

  it('can let a number of calls through before the injected failure strikes', async () => {
    const store = new InMemoryStateStore();
    const fault = new StaleWriteError('injected');
    store.failNext('putCursor', fault, 1, 2);
    const cursor = { watermark: 'w', origin: 'o', backfill: false, polledAt: 'p' };

    await store.putCursor('clinic', 'patients', cursor, 1);
    await store.putCursor('clinic', 'patients', cursor, 1);
    const third = store.putCursor('clinic', 'patients', cursor, 1);

    await expect(third).rejects.toBe(fault);
    await expect(store.putCursor('clinic', 'patients', cursor, 1)).resolves.toBeUndefined();
    expect(store.writes.cursor).toBe(3);
  });

  it('returns copies, so callers cannot change stored state by mutating results', async () => {
    const store = new InMemoryStateStore();
    await store.putCursor(
      'clinic',
      'patients',
      { watermark: 'w', origin: 'o', backfill: false, polledAt: 'p' },
      1,
    );

    const read = await store.getCursor('clinic', 'patients');
    if (read) (read as { watermark: string }).watermark = 'changed';

    expect((await store.getCursor('clinic', 'patients'))?.watermark).toBe('w');
  });
});
