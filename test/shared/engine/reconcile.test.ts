import { describe, expect, it } from 'vitest';
import type { RecordState } from '../../../shared/engine/ports.js';
import { judgeListing, vanishedRecords } from '../../../shared/engine/reconcile.js';

const state = (id: string, deleted = false): RecordState => ({
  id,
  fingerprint: 'f',
  fieldHashes: {},
  updatedAt: null,
  archived: false,
  cancelled: false,
  deleted,
});

describe('judgeListing', () => {
  it('never trusts a listing that was cut short', () => {
    expect(judgeListing({ completed: false, listed: 500, totalEntries: 500 })).toEqual({
      consistent: false,
      reason: 'incomplete',
    });
  });

  it('trusts a complete listing within the churn tolerance of the first count', () => {
    expect(judgeListing({ completed: true, listed: 995, totalEntries: 1000 }).consistent).toBe(true);
    expect(judgeListing({ completed: true, listed: 1002, totalEntries: 1000 }).consistent).toBe(true);
  });

  it('refuses a listing much shorter than Cliniko said it would be', () => {
    expect(judgeListing({ completed: true, listed: 900, totalEntries: 1000 })).toEqual({
      consistent: false,
      reason: 'short',
    });
  });

  it('refuses an empty listing without a count, which cannot be told apart from a broken one', () => {
    expect(judgeListing({ completed: true, listed: 0, totalEntries: undefined }).consistent).toBe(false);
  });
});

describe('vanishedRecords', () => {
  it('returns stored, not yet deleted records missing from the listing', () => {
    const stored = [state('1'), state('2'), state('3', true)];

    expect(vanishedRecords(stored, new Set(['1'])).map((s) => s.id)).toEqual(['2']);
  });

  it('includes a record whose deletion is pending, but not one whose confirmed version is deleted too', () => {
    const { id: _id, ...version } = state('x', true);
    const pendingDelete: RecordState = { ...state('4'), pending: version };
    const pendingEdit: RecordState = { ...state('5', true), pending: { ...version, deleted: false } };
    const settled: RecordState = { ...state('6', true), pending: version };

    expect(vanishedRecords([pendingDelete, pendingEdit, settled], new Set()).map((s) => s.id)).toEqual([
      '4',
      '5',
    ]);
  });
});
