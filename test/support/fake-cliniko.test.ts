import { describe, expect, it } from 'vitest';
import { ClinikoRequestError } from '../../shared/errors.js';
import { InMemoryCliniko } from './fake-cliniko.js';

describe('InMemoryCliniko queries (the simulator’s own filters and sort)', () => {
  it('refuses what the simulator refuses: an unknown column, an operator its type lacks', async () => {
    const cliniko = new InMemoryCliniko();
    cliniko.create('patients', { first_name: 'Synthetic' });

    for (const filters of [['no_such_field:=1'], ['updated_at:=2026-03-02T09:00:00Z']]) {
      await expect(cliniko.listPage('/patients', 'patients', { filters })).rejects.toBeInstanceOf(
        ClinikoRequestError,
      );
    }
    await expect(cliniko.listPage('/patients', 'patients', { sort: 'no_such_field' })).rejects.toBeInstanceOf(
      ClinikoRequestError,
    );
  });

  it('filters on timestamps and id lists and sorts by several columns, ties by id', async () => {
    const cliniko = new InMemoryCliniko();
    const first = cliniko.create('patients');
    const second = cliniko.create('patients');
    cliniko.advance(5);
    const third = cliniko.create('patients');
    cliniko.update('patients', first, { first_name: 'Later' });

    const since = await cliniko.listPage('/patients', 'patients', {
      filters: ['updated_at:>=2026-03-02T09:00:05Z'],
      sort: 'updated_at:desc,id',
    });
    const byIds = await cliniko.listPage('/patients', 'patients', { filters: [`id:=${second},${third}`] });

    expect(since.records.map((r) => r.id)).toEqual(
      [first, third].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
    );
    expect(byIds.records.map((r) => r.id).sort()).toEqual([second, third].sort());
  });
});
