import { describe, expect, it } from 'vitest';
import { PublishError, StaleWriteError } from '../../../shared/errors.js';
import { failBefore, publishFailsLast } from '../../support/fault-plan.js';
import { ACCOUNT, Harness } from './sync-harness.js';

describe('syncAccount: starting a stream', () => {
  it('emits existing records as snapshots and later ones as created when starting from the beginning', async () => {
    const h = new Harness({ startFrom: 'beginning' });
    const old = h.cliniko.create('patients', { first_name: 'Old' });
    h.cliniko.advance(3600);

    await h.poll();
    h.cliniko.advance(5);
    const fresh = h.cliniko.create('patients', { first_name: 'New' });
    h.cliniko.advance(5);
    await h.poll();

    expect(h.actions(old)).toEqual(['snapshot']);
    expect(h.actions(fresh)).toEqual(['created']);
  });

  it('ignores history when starting from now, then reports what happens next', async () => {
    const h = new Harness({ startFrom: 'now' });
    h.cliniko.create('patients', { first_name: 'Old' });
    h.cliniko.advance(3600);

    const first = await h.poll();
    h.cliniko.advance(5);
    const fresh = h.cliniko.create('patients');
    h.cliniko.advance(5);
    await h.poll();

    expect(first.streams[0]?.events).toEqual({});
    expect(h.publisher.events.map((e) => e.detail.recordId)).toEqual([fresh]);
    expect(h.actions(fresh)).toEqual(['created']);
  });

  it('starts from an ISO instant: records created since then are created, older ones changed since are updated', async () => {
    const h = new Harness({ startFrom: { at: '2026-03-02T09:30:00Z' } });
    const old = h.cliniko.create('patients');
    h.cliniko.advance(3600);
    h.cliniko.update('patients', old, { email: 'x@example.test' });
    const recent = h.cliniko.create('patients');
    h.cliniko.advance(60);

    await h.poll();

    expect(h.actions(old)).toEqual(['updated']);
    expect(h.events({ recordId: old })[0]?.detail.changes).toBeNull();
    expect(h.actions(recent)).toEqual(['created']);
  });

  it('resumes from its cursor whatever start-from says once the stream has state', async () => {
    const h = new Harness({ startFrom: 'beginning' });
    h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(30);

    const again = await h.poll({ startFrom: 'now' });

    expect(again.streams[0]?.events).toEqual({});
    expect(h.publisher.events).toHaveLength(1);
  });
});

describe('invariant 1 — no lost change', () => {
  it('strict > would lose it: a record updated in the same second as the watermark is still caught', async () => {
    const h = new Harness({ overlapSeconds: 0, settleSeconds: 0 });
    const a = h.cliniko.create('patients');
    await h.poll();

    // Same second as the watermark the first poll left behind.
    const b = h.cliniko.create('patients');
    await h.poll();

    expect(h.actions(a)).toEqual(['created']);
    expect(h.actions(b)).toEqual(['created']);
    const changePasses = h.cliniko.requests.filter((r) => r.sort === 'updated_at,id');
    expect(changePasses.at(-1)?.filters.some((f) => f.startsWith('updated_at:>='))).toBe(true);
  });

  it('does not skip rows that move while a pass pages through them (unstable offset paging)', async () => {
    const h = new Harness();
    const ids: string[] = [];
    for (let i = 0; i < 150; i += 1) {
      ids.push(h.cliniko.create('patients', { n: i }));
      h.cliniko.advance(1);
    }
    let moved = false;
    h.cliniko.beforeRequest = () => {
      // After page one was read, an early record is updated and jumps to the end of the order.
      if (h.cliniko.requests.length === 2 && !moved) {
        moved = true;
        h.cliniko.update('patients', ids[0] ?? '', { n: 'changed' });
      }
    };

    await h.poll();

    expect(new Set(h.events({ action: 'snapshot' }).map((e) => e.detail.recordId)).size).toBe(150);
    expect(h.actions(ids[0] ?? '')).toEqual(['snapshot', 'updated']);
    expect(h.deepPageRequests()).toBe(0);
  });
});

describe('invariant 2 — cursors only move forward; a failed run leaves them where they were', () => {
  it('keeps the cursor when publishing fails, and the re-run re-publishes with the same event ids', async () => {
    const h = new Harness();
    h.cliniko.create('patients', { first_name: 'A' });
    h.cliniko.create('patients', { first_name: 'B' });
    h.publisherFaults.next('publish', publishFailsLast(1));

    await expect(h.poll()).rejects.toThrow(PublishError);
    const cursorAfterFailure = await h.state.getCursor(ACCOUNT, 'patients');
    await h.poll();

    expect(cursorAfterFailure).toBeUndefined();
    const byId = new Map<string, unknown[]>();
    for (const e of h.publisher.events) byId.set(e.id, [...(byId.get(e.id) ?? []), e.detail.data]);
    expect(h.publisher.events).toHaveLength(3);
    expect(byId.size).toBe(2);
    for (const copies of byId.values()) for (const copy of copies) expect(copy).toEqual(copies[0]);
  });

  it('re-publishes when the record-state write fails after a successful publish', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    // The first write stages the event's version as pending; the second, after publishing, fails.
    h.stateFaults.next('putRecordStates', failBefore(new Error('throttled')), { after: 1 });

    await expect(h.poll()).rejects.toThrow('throttled');
    await h.poll();

    const events = h.events({ recordId: id });
    expect(events).toHaveLength(2);
    expect(events[1]?.id).toBe(events[0]?.id);
  });

  it('stops at once when a newer lease holder wrote the cursor (fencing)', async () => {
    const h = new Harness();
    h.cliniko.create('patients');
    h.stateFaults.next('putCursor', failBefore(new StaleWriteError('newer holder')));

    await expect(h.poll()).rejects.toThrow(StaleWriteError);
  });
});

describe('invariant 3 — change detection by content, not timestamps', () => {
  it('two versions in one second give two events with different ids', async () => {
    const h = new Harness({ overlapSeconds: 0, settleSeconds: 0 });
    const id = h.cliniko.create('patients', { email: 'one@example.test' });
    await h.poll();

    h.cliniko.update('patients', id, { email: 'two@example.test' });
    await h.poll();
    h.cliniko.update('patients', id, { email: 'three@example.test' });
    await h.poll();

    const updates = h.events({ recordId: id, action: 'updated' });
    expect(updates.map((e) => e.detail.data?.email)).toEqual(['two@example.test', 'three@example.test']);
    expect(updates[0]?.detail.occurredAt).toBe(updates[1]?.detail.occurredAt);
    expect(updates[0]?.id).not.toBe(updates[1]?.id);
  });

  it('a re-read or a touch without a content change produces no event', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(2);
    h.cliniko.touch('patients', id);
    h.cliniko.advance(2);

    await h.poll();

    expect(h.actions(id)).toEqual(['created']);
  });
});
