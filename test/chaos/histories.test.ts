/**
 * Check 7 of the oracle (whole event histories) on hand-made histories: each rule must catch its
 * kind of defect, and tolerate exactly what a failed publish call explains.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../shared/events/contract.js';
import { type Attempt, checkHistories } from './oracle.js';

let counter = 0;
function event(action: string, data: Record<string, unknown> | undefined = {}, id = '1'): ChangeEvent {
  counter += 1;
  return {
    version: '0',
    id: `event-${counter}`,
    'detail-type': `patient.${action}`,
    source: 'cliniko',
    account: 'local',
    time: '2026-06-01T09:00:00Z',
    region: 'local',
    resources: [],
    detail: {
      schemaVersion: 1,
      eventId: `event-${counter}`,
      type: `patient.${action}`,
      account: 'chaos',
      resource: 'patients',
      recordId: id,
      sequence: counter,
      occurredAt: '2026-06-01T09:00:00Z',
      observedAt: '2026-06-01T09:00:00.000Z',
      signals: [],
      changes: null,
      ...(data === undefined ? {} : { data: { id, ...data } }),
    },
  } as ChangeEvent;
}

const check = (
  delivered: ChangeEvent[],
  options: { attempted?: Attempt[]; created?: string[]; unconfirmed?: string[] } = {},
) =>
  checkHistories(
    delivered,
    options.attempted ?? [],
    new Set(options.created ?? []),
    new Set(options.unconfirmed ?? []),
  );

describe('oracle check 7: event histories', () => {
  it('accepts a history a consumer can follow', () => {
    const history = [
      event('created'),
      event('updated'),
      event('archived', { archived_at: '2026-06-01T09:00:00Z' }),
      event('restored', { archived_at: null }),
      event('deleted'),
    ];

    expect(check(history, { created: ['patients/1'] }).problems).toEqual([]);
  });

  it('catches a record whose first event is an update or a restore', () => {
    expect(check([event('updated')]).problems).toHaveLength(1);
    expect(check([event('restored')]).problems.length).toBeGreaterThanOrEqual(1);
  });

  it('catches a snapshot of a record created after the bridge started', () => {
    expect(check([event('snapshot')], { created: ['patients/1'] }).problems).toHaveLength(1);
    expect(check([event('snapshot')]).problems).toEqual([]);
  });

  it('catches a restore without an earlier archive, unless an archive was attempted by a failed call', () => {
    const archive = event('archived', { archived_at: '2026-06-01T09:00:00Z' });
    const history = [event('created'), event('restored', { archived_at: null })];

    expect(check(history).problems).toHaveLength(1);
    expect(check(history, { attempted: [{ event: archive, at: 1 }] })).toMatchObject({
      problems: [],
      tolerated: 1,
    });
  });

  it('tolerates a restore whose archive a failed run staged (and may have published)', () => {
    const history = [event('created'), event('restored', { archived_at: null })];

    const outcome = checkHistories(history, [], new Set(), new Set(), [{ key: 'patients/1', at: 1 }]);

    expect(outcome).toMatchObject({ problems: [], tolerated: 1 });
  });

  it('accepts a restore of a record whose first event showed it archived', () => {
    const history = [
      event('snapshot', { archived_at: '2024-01-01T00:00:00Z' }),
      event('restored', { archived_at: null }),
    ];

    expect(check(history).problems).toEqual([]);
  });

  it('catches anything after a delete, except a repeated delete after a failed run', () => {
    const deleted = event('deleted');

    expect(check([event('created'), deleted, event('updated')]).problems).toHaveLength(1);
    expect(
      check([event('created'), deleted, event('deleted')], { unconfirmed: [deleted.id] }).problems,
    ).toEqual([]);
    expect(check([event('created'), deleted, event('deleted')]).problems).toHaveLength(1);
  });

  it('catches an archive of a record already reported archived, unless it repeats one from a failed run', () => {
    const first = event('archived', { archived_at: '2026-06-01T09:00:00Z' });
    const again = event('archived', { archived_at: '2026-06-01T09:00:00Z' });

    expect(check([event('created'), first, again]).problems).toHaveLength(1);
    expect(check([event('created'), first, again], { unconfirmed: [first.id] }).problems).toEqual([]);
  });

  it('tolerates an archive again after a restore that a failed call attempted in between, and only then', () => {
    const snapshot = event('snapshot', { archived_at: '2024-01-01T00:00:00Z' });
    const restore = event('restored', { archived_at: null });
    const archive = event('archived', { archived_at: '2026-06-01T09:00:00Z' });

    expect(check([snapshot, archive]).problems).toHaveLength(1);
    expect(check([snapshot, archive], { attempted: [{ event: restore, at: 1 }] })).toMatchObject({
      problems: [],
      tolerated: 1,
    });
    // A restore attempted before the archive that was already reported explains nothing.
    const first = event('archived', { archived_at: '2026-06-01T09:00:00Z' });
    expect(
      check([event('created'), first, archive], { attempted: [{ event: restore, at: 0 }] }).problems,
    ).toHaveLength(1);
  });

  it('judges each eventId once: a repeated delivery is not a second event', () => {
    const created = event('created');

    expect(check([created, created]).problems).toEqual([]);
  });
});
