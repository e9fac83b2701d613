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

  it('drains a tie second by id within that second', () => {
    const query = scanQuery(spec, { floor: T0, position: { updatedAt: T1, id: '30' }, drainSecond: T1 });

    expect(query).toEqual({
      filters: ['archived_at:*', `updated_at:>=${T1}`, `updated_at:<=${T1}`, 'id:>30'],
      sort: 'id',
      perPage: 3,
      page: 1,
    });
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

  it('moves the floor to the last second seen after a full page, and skips re-read records', () => {
    const first = scanStep(spec, startScan(T0), page([rec('1', T0), rec('2', T1), rec('3', T1)]));
    const second = scanStep(spec, first.next, page([rec('2', T1), rec('3', T1), rec('4', T1)]));

    expect(first.next).toEqual({ floor: T1, position: { updatedAt: T1, id: '3' } });
    expect(second.fresh.map((r) => r.id)).toEqual(['4']);
    expect(second.next.drainSecond).toBe(T1);
  });

  it('compares ids numerically, not as strings', () => {
    const step = scanStep(spec, startScan(T0), page([rec('900', T0), rec('1000', T0)]));

    expect(step.next.position?.id).toBe('1000');
  });

  it('switches to draining a second when a full page shares one second', () => {
    const step = scanStep(spec, startScan(T0), page([rec('1', T1), rec('2', T1), rec('3', T1)]));

    expect(step.done).toBe(false);
    expect(step.next).toEqual({ floor: T0, position: { updatedAt: T1, id: '3' }, drainSecond: T1 });
  });

  it('moves past the drained second once the drain returns a short page', () => {
    const draining = { floor: T0, position: { updatedAt: T1, id: '3' }, drainSecond: T1 };

    const step = scanStep(spec, draining, page([rec('4', T1)]));

    expect(step.done).toBe(false);
    expect(step.fresh.map((r) => r.id)).toEqual(['4']);
    expect(step.next).toEqual({ floor: T2, position: { updatedAt: T1, id: '4' } });
  });

  it('refuses to loop when a drain page does not advance the id (stalled keyset)', () => {
    const draining = { floor: T0, position: { updatedAt: T1, id: '3' }, drainSecond: T1 };

    expect(() => scanStep(spec, draining, page([rec('1', T1), rec('2', T1), rec('3', T1)]))).toThrow(
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
