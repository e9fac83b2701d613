import { describe, expect, it } from 'vitest';
import type { ClinikoRecord } from '../../../shared/engine/ports.js';
import {
  advanceWatermark,
  isDue,
  type ScanSpec,
  scanQuery,
  scanStep,
  startScan,
  windowStart,
} from '../../../shared/engine/window.js';
import { ContractError } from '../../../shared/errors.js';

const spec: ScanSpec = { path: '/patients', field: 'updated_at', filters: ['archived_at:*'], perPage: 3 };
const T0 = '2026-03-02T09:00:00Z';
const T1 = '2026-03-02T09:00:01Z';
const T2 = '2026-03-02T09:00:02Z';

const rec = (id: string, updatedAt: string): ClinikoRecord => ({ id, updated_at: updatedAt });
const page = (records: ClinikoRecord[], nextUrl?: string) => ({ records, nextUrl });

describe('scanQuery', () => {
  it('asks for page 1 with >= (never >) from the floor, sorted by updated_at then id, with the reveal filters', () => {
    expect(scanQuery(spec, startScan(T0))).toEqual({
      filters: ['archived_at:*', `updated_at:>=${T0}`],
      sort: 'updated_at,id',
      perPage: 3,
      page: 1,
    });
  });

  it('drains a tie second by id over the whole second, up to the next one, with no id bound at first', () => {
    const query = scanQuery(spec, {
      floor: T0,
      position: { updatedAt: T1, id: '30' },
      drain: { second: T1 },
    });

    expect(query).toEqual({
      filters: ['archived_at:*', `updated_at:>=${T1}`, `updated_at:<${T2}`],
      sort: 'id',
      perPage: 3,
      page: 1,
    });
  });

  it('bounds a later drain request by the largest id of the previous drain page', () => {
    const state = { floor: T0, position: { updatedAt: T1, id: '30' }, drain: { second: T1, afterId: '42' } };

    expect(scanQuery(spec, state).filters).toEqual([
      'archived_at:*',
      `updated_at:>=${T1}`,
      `updated_at:<${T2}`,
      'id:>42',
    ]);
  });

  it('resumes a saved position from its second', () => {
    expect(scanQuery(spec, startScan(T0, { updatedAt: T2, id: '5' })).filters).toContain(
      `updated_at:>=${T2}`,
    );
  });
});

describe('scanStep', () => {
  it('ends the walk on a short page without a next link, at the largest keyset', () => {
    const step = scanStep(spec, startScan(T0), page([rec('9', T1), rec('2', T2)]));

    expect(step.done).toBe(true);
    expect(step.fresh).toHaveLength(2);
    expect(step.next.position).toEqual({ updatedAt: T2, id: '2' });
  });

  it('moves the floor to the last second seen after a full page, and processes that second again', () => {
    const first = scanStep(spec, startScan(T0), page([rec('1', T0), rec('2', T1), rec('3', T1)]));
    const second = scanStep(spec, first.next, page([rec('2', T1), rec('3', T1), rec('4', T1)]));

    expect(first.next).toEqual({ floor: T1, position: { updatedAt: T1, id: '3' } });
    expect(second.fresh.map((r) => r.id)).toEqual(['2', '3', '4']);
    expect(second.next.drain).toEqual({ second: T1 });
  });

  it('processes a record later in a second than one already seen, even with a smaller id', () => {
    const first = scanStep(
      spec,
      startScan(T0),
      page([rec('1', T0), rec('2', T0), rec('8', '2026-03-02T09:00:01.200Z')]),
    );

    const second = scanStep(
      spec,
      first.next,
      page([rec('8', '2026-03-02T09:00:01.200Z'), rec('5', '2026-03-02T09:00:01.900Z')]),
    );

    expect(second.fresh.map((r) => r.id)).toEqual(['8', '5']);
    expect(second.done).toBe(true);
    expect(second.next.position).toEqual({ updatedAt: T1, id: '8' });
  });

  it('compares ids numerically, not as strings', () => {
    const step = scanStep(spec, startScan(T0), page([rec('900', T0), rec('1000', T0)]));

    expect(step.next.position?.id).toBe('1000');
  });

  it('switches to draining a second, from its first id, when a full page shares one second', () => {
    const step = scanStep(spec, startScan(T0), page([rec('1', T1), rec('2', T1), rec('3', T1)]));

    expect(step.done).toBe(false);
    expect(step.next).toEqual({ floor: T0, position: { updatedAt: T1, id: '3' }, drain: { second: T1 } });
    expect(scanQuery(spec, step.next).filters?.some((f) => f.startsWith('id:'))).toBe(false);
  });

  it('continues a drain after the largest id of a full drain page, whatever the sub-second order', () => {
    const draining = { floor: T0, position: { updatedAt: T1, id: '3' }, drain: { second: T1 } };

    const step = scanStep(
      spec,
      draining,
      page([
        rec('2', '2026-03-02T09:00:01.900Z'),
        rec('7', '2026-03-02T09:00:01.100Z'),
        rec('9', '2026-03-02T09:00:01.500Z'),
      ]),
    );

    expect(step.fresh.map((r) => r.id)).toEqual(['2', '7', '9']);
    expect(step.next.drain).toEqual({ second: T1, afterId: '9' });
  });

  it('moves past the drained second once the drain returns a short page', () => {
    const draining = { floor: T0, position: { updatedAt: T1, id: '3' }, drain: { second: T1, afterId: '3' } };

    const step = scanStep(spec, draining, page([rec('4', T1)]));

    expect(step.done).toBe(false);
    expect(step.fresh.map((r) => r.id)).toEqual(['4']);
    expect(step.next).toEqual({ floor: T2, position: { updatedAt: T1, id: '4' } });
  });

  it('keeps the position inside the drained second when a drain page strays outside it', () => {
    const draining = { floor: T0, position: { updatedAt: T1, id: '3' }, drain: { second: T1 } };

    const step = scanStep(spec, draining, page([rec('4', T1), rec('5', '2026-03-02T09:10:00Z')]));

    expect(step.fresh.map((r) => r.id)).toEqual(['4', '5']);
    expect(step.next).toEqual({ floor: T2, position: { updatedAt: T1, id: '4' } });
  });

  it('refuses to loop when a drain page does not advance the id (stalled keyset)', () => {
    const draining = { floor: T0, position: { updatedAt: T1, id: '3' }, drain: { second: T1, afterId: '3' } };

    expect(() => scanStep(spec, draining, page([rec('1', T1), rec('2', T1), rec('3', T1)]))).toThrow(
      ContractError,
    );
  });

  it('refuses to loop when a full page spanning seconds does not move the floor', () => {
    expect(() => scanStep(spec, startScan(T1), page([rec('1', T0), rec('2', T1), rec('3', T1)]))).toThrow(
      ContractError,
    );
  });

  it('refuses to loop when a full page lies entirely behind the position', () => {
    const state = { floor: T2, position: { updatedAt: T2, id: '9' } };

    expect(() => scanStep(spec, state, page([rec('1', T0), rec('2', T1), rec('3', T0)]))).toThrow(
      ContractError,
    );
  });

  it('processes every record of an out-of-order page and keeps the maximum position', () => {
    const step = scanStep(spec, startScan(T0), page([rec('7', T2), rec('1', T0), rec('7', T2)]));

    expect(step.fresh.map((r) => r.id)).toEqual(['7', '1', '7']);
    expect(step.next.position).toEqual({ updatedAt: T2, id: '7' });
  });

  it('does not take a short page with a next link for the end (a server capping per_page)', () => {
    expect(
      scanStep(spec, startScan(T0), page([rec('1', T0)], 'https://x.test/v1/patients?page=2')).done,
    ).toBe(false);
  });

  it('rejects a record without a valid timestamp as a contract violation', () => {
    expect(() => scanStep(spec, startScan(T0), page([{ id: '1', updated_at: '' }]))).toThrow(ContractError);
  });
});

describe('watermark arithmetic', () => {
  it('starts a pass one overlap before the watermark, never before the epoch', () => {
    expect(windowStart('2026-03-02T09:01:00Z', 60)).toBe(T0);
    expect(windowStart('1970-01-01T00:00:30Z', 60)).toBe('1970-01-01T00:00:00Z');
  });

  it('advances to the pass start minus the settle time, never beyond server time', () => {
    expect(advanceWatermark(T0, '2026-03-02T10:00:00Z', '2026-03-02T10:05:00Z', 10)).toBe(
      '2026-03-02T09:59:50Z',
    );
    expect(advanceWatermark(T0, '2026-03-02T10:05:00Z', '2026-03-02T10:00:00Z', 10)).toBe(
      '2026-03-02T09:59:50Z',
    );
  });

  it('never moves the watermark backwards', () => {
    expect(advanceWatermark('2026-03-02T11:00:00Z', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z', 10)).toBe(
      '2026-03-02T11:00:00Z',
    );
  });

  it('knows when a periodic task is due', () => {
    expect(isDue(undefined, T0, 300)).toBe(true);
    expect(isDue(T0, '2026-03-02T09:04:59Z', 300)).toBe(false);
    expect(isDue(T0, '2026-03-02T09:05:00Z', 300)).toBe(true);
    expect(isDue(undefined, T0, null)).toBe(false);
  });
});
