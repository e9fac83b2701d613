import { describe, expect, it } from 'vitest';
import { describeStateStoreConformance } from '../shared/state/state-store-conformance.js';
import { InMemoryStateStore } from './memory-state-store.js';

describeStateStoreConformance('InMemoryStateStore', {
  makeStore: ({ pageSize }) => new InMemoryStateStore({ pageSize }),
});

describe('InMemoryStateStore', () => {
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
