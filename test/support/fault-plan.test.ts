import { describe, expect, it } from 'vitest';
import type { EventPublisher, RecordState, StateStore } from '../../shared/engine/ports.js';
import { PublishError, StaleWriteError } from '../../shared/errors.js';
import { syntheticEvent } from '../shared/publish/change-event-fixture.js';
import {
  FaultPlan,
  failAfter,
  failBefore,
  publishFails,
  publishFailsLast,
  withFaults,
} from './fault-plan.js';
import { InMemoryStateStore } from './memory-state-store.js';
import { RecordingPublisher } from './recording-publisher.js';

const ACCOUNT = 'clinic';
const state = (id: string): RecordState => ({
  id,
  fingerprint: 'fp',
  fieldHashes: {},
  updatedAt: null,
  archived: false,
  cancelled: false,
  deleted: false,
});
const cursor = { watermark: 'w', origin: 'o', backfill: false, polledAt: 'p' };
const events = (count: number) => Array.from({ length: count }, (_, i) => syntheticEvent(i));

function faultyStore() {
  const inner = new InMemoryStateStore({ pageSize: 2 });
  const plan = new FaultPlan<StateStore>();
  return { inner, plan, store: withFaults<StateStore>(inner, plan) };
}

describe('withFaults', () => {
  it('is invisible without faults: results, async iterables and the wrapped object all come through', async () => {
    const { inner, store } = faultyStore();
    await store.putRecordStates(ACCOUNT, 'patients', ['1', '2', '3'].map(state), 1);

    const pages: string[][] = [];
    for await (const page of store.listRecordStates(ACCOUNT, 'patients')) pages.push(page.map((s) => s.id));

    expect(pages).toEqual([['1', '2'], ['3']]);
    expect(inner.writes.records).toBeGreaterThan(0);
    expect([...(await store.getRecordStates(ACCOUNT, 'patients', ['2'])).keys()]).toEqual(['2']);
  });

  it('fails a call before it takes effect, once, then lets the next one through', async () => {
    const { store, plan } = faultyStore();
    const fault = new StaleWriteError('injected');
    plan.next('putRecordStates', failBefore(fault));

    await expect(store.putRecordStates(ACCOUNT, 'patients', [state('1')], 1)).rejects.toBe(fault);
    expect((await store.getRecordStates(ACCOUNT, 'patients', ['1'])).size).toBe(0);
    await store.putRecordStates(ACCOUNT, 'patients', [state('1')], 1);
    expect((await store.getRecordStates(ACCOUNT, 'patients', ['1'])).size).toBe(1);
    expect(plan.strikes).toBe(1);
  });

  it('fails a call after it took effect: the write landed but the caller saw an error', async () => {
    const { store, plan } = faultyStore();
    plan.next('putCursor', failAfter(new Error('lost reply')));

    await expect(store.putCursor(ACCOUNT, 'patients', cursor, 1)).rejects.toThrow('lost reply');
    expect(await store.getCursor(ACCOUNT, 'patients')).toEqual(cursor);
  });

  it('lets `after` calls through, then fails `times` calls in a row', async () => {
    const { inner, store, plan } = faultyStore();
    plan.next('putCursor', failBefore(new Error('throttled')), { after: 2, times: 2 });

    const outcomes: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      outcomes.push(
        await store.putCursor(ACCOUNT, 'patients', cursor, 1).then(
          () => 'ok',
          () => 'failed',
        ),
      );
    }

    expect(outcomes).toEqual(['ok', 'ok', 'failed', 'failed', 'ok']);
    expect(inner.writes.cursor).toBe(3);
  });

  it('waits for the first call for which `when` holds; other operations are never touched', async () => {
    const { store, plan } = faultyStore();
    let armed = false;
    plan.next('putCursor', failBefore(new Error('crash')), { when: () => armed });

    await store.putCursor(ACCOUNT, 'patients', cursor, 1);
    await store.putRecordStates(ACCOUNT, 'patients', [state('1')], 1);
    armed = true;

    await expect(store.putCursor(ACCOUNT, 'patients', cursor, 1)).rejects.toThrow('crash');
    await store.putCursor(ACCOUNT, 'patients', cursor, 1);
  });

  it('forgets faults that have not struck on clear', async () => {
    const { store, plan } = faultyStore();
    plan.next('putCursor', failBefore(new Error('never')), { after: 1 });
    plan.clear();

    await store.putCursor(ACCOUNT, 'patients', cursor, 1);
    await store.putCursor(ACCOUNT, 'patients', cursor, 1);
    expect(plan.strikes).toBe(0);
  });
});

describe('publish faults', () => {
  function faultyPublisher() {
    const inner = new RecordingPublisher();
    const plan = new FaultPlan<EventPublisher>();
    return { inner, plan, publisher: withFaults<EventPublisher>(inner, plan) };
  }

  it('fails whole calls without delivering anything, then recovers', async () => {
    const { inner, plan, publisher } = faultyPublisher();
    plan.next('publish', publishFails, { times: 2 });

    await expect(publisher.publish(events(2))).rejects.toBeInstanceOf(PublishError);
    await expect(publisher.publish(events(2))).rejects.toThrow('PutEvents failed for 2 of 2 entries');
    await publisher.publish(events(2));

    expect(inner.events).toHaveLength(2);
    expect(inner.calls).toBe(1);
  });

  it('delivers all but the last n events of a partially failing call and throws', async () => {
    const { inner, plan, publisher } = faultyPublisher();
    const batch = events(5);
    plan.next('publish', publishFailsLast(2));

    await expect(publisher.publish(batch)).rejects.toThrow('PutEvents failed for 2 of 5 entries');

    expect(inner.events).toEqual(batch.slice(0, 3));
  });

  it('queues partial failures call by call', async () => {
    const { inner, plan, publisher } = faultyPublisher();
    const [first, second] = [events(3), events(3)];
    plan.next('publish', publishFailsLast(2)).next('publish', publishFailsLast(1));

    await expect(publisher.publish(first)).rejects.toBeInstanceOf(PublishError);
    await expect(publisher.publish(second)).rejects.toBeInstanceOf(PublishError);

    expect(inner.events).toEqual([...first.slice(0, 1), ...second.slice(0, 2)]);
  });
});
