import { describe, expect, it } from 'vitest';
import type { RecordState } from '../../../shared/engine/ports.js';
import { judgeListingPage, type Listing, vanishedRecords } from '../../../shared/engine/reconcile.js';

const STARTED = '2026-03-02T10:00:00Z';
const BEFORE = '2026-03-02T09:00:00Z';

const state = (id: string, deleted = false, updatedAt: string | null = BEFORE): RecordState => ({
  id,
  fingerprint: 'f',
  fieldHashes: {},
  updatedAt,
  archived: false,
  cancelled: false,
  deleted,
});

const fresh: Listing = { startedAt: STARTED, listed: 0 };
const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => String(from + i));

describe('judgeListingPage', () => {
  it('trusts a full first page for the ids up to its largest, and remembers what is still to come', () => {
    const verdict = judgeListingPage(fresh, { ids: ids(1, 100), totalEntries: 250, full: true }, '100');

    expect(verdict).toEqual({
      trusted: true,
      range: { through: '100' },
      last: false,
      next: { startedAt: STARTED, listed: 100, afterId: '100', remaining: 150 },
    });
  });

  it('trusts a last page for every id after the previous page', () => {
    const listing: Listing = { startedAt: STARTED, listed: 100, afterId: '100', remaining: 40 };

    const verdict = judgeListingPage(listing, { ids: ids(101, 39), totalEntries: 39, full: false }, '139');

    expect(verdict).toMatchObject({ trusted: true, range: { after: '100' }, last: true, next: undefined });
  });

  it('tolerates the few deletes of normal churn between two pages', () => {
    const listing: Listing = { startedAt: STARTED, listed: 100, afterId: '100', remaining: 1000 };

    expect(
      judgeListingPage(listing, { ids: ids(101, 100), totalEntries: 992, full: true }, '200').trusted,
    ).toBe(true);
  });

  it('refuses a listing whose count shrank suddenly since the previous page', () => {
    const listing: Listing = { startedAt: STARTED, listed: 100, afterId: '100', remaining: 50 };

    expect(judgeListingPage(listing, { ids: ids(101, 10), totalEntries: 10, full: false }, '110')).toEqual({
      trusted: false,
      reason: 'short',
    });
  });

  it('refuses a last page much shorter than its own count', () => {
    expect(judgeListingPage(fresh, { ids: ids(1, 30), totalEntries: 90, full: false }, '30')).toEqual({
      trusted: false,
      reason: 'short',
    });
  });

  it('refuses an empty listing without a count, which cannot be told apart from a broken one', () => {
    expect(judgeListingPage(fresh, { ids: [], totalEntries: undefined, full: false }, undefined)).toEqual({
      trusted: false,
      reason: 'unverifiable',
    });
    expect(judgeListingPage(fresh, { ids: [], totalEntries: 0, full: false }, undefined).trusted).toBe(true);
  });
});

describe('vanishedRecords', () => {
  it('returns stored, not yet deleted records missing from the listing', () => {
    const stored = [state('1'), state('2'), state('3', true)];

    expect(vanishedRecords(stored, new Set(['1']), STARTED, 60).map((s) => s.id)).toEqual(['2']);
  });

  it('leaves records changed since the listing started (less the overlap) for the next reconciliation', () => {
    const stored = [state('1', false, '2026-03-02T09:59:30Z'), state('2', false, '2026-03-02T09:58:59Z')];

    expect(vanishedRecords(stored, new Set(), STARTED, 60).map((s) => s.id)).toEqual(['2']);
  });

  it('includes a record whose deletion is pending, but not one whose confirmed version is deleted too', () => {
    const { id: _id, ...version } = state('x', true);
    const pendingDelete: RecordState = { ...state('4'), pending: version };
    const pendingEdit: RecordState = { ...state('5', true), pending: { ...version, deleted: false } };
    const settled: RecordState = { ...state('6', true), pending: version };

    expect(
      vanishedRecords([pendingDelete, pendingEdit, settled], new Set(), STARTED, 60).map((s) => s.id),
    ).toEqual(['4', '5']);
  });
});
