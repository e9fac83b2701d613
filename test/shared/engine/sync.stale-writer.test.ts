/**
 * A poller that stalls past its lease while another takes the account over (finding 3 of the
 * review): its late writes must never undo the newer poller's work, and it must not publish after
 * waking up.
 */
import { describe, expect, it } from 'vitest';
import type { RecordState, StateStore } from '../../../shared/engine/ports.js';
import { LeaseLostError, StaleWriteError } from '../../../shared/errors.js';
import { Harness } from './sync-harness.js';

/** Lets every call through except the `nth` record-state write, which waits until `release()`. */
function stallingStore(inner: StateStore, nth: number) {
  let calls = 0;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let stalled: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    stalled = resolve;
  });
  const store: StateStore = Object.create(inner, {
    putRecordStates: {
      value: async (account: string, stream: string, states: readonly RecordState[], fence: number) => {
        calls += 1;
        if (calls === nth) {
          stalled();
          await released;
        }
        return inner.putRecordStates(account, stream, states, fence);
      },
    },
  });
  return { store, reached, release };
}

describe('a poller that stalls past its lease', () => {
  it('cannot overwrite the record states of the poller that took over, so a later restore is still reported', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.update('patients', id, { email: 'edited@example.test' });
    // A stages the edit, publishes it, and stalls in the write that confirms it (its 2nd write).
    const a = stallingStore(h.state, 2);
    const stalledRun = h.poll({}, { state: a.store, owner: 'poller-a' });
    await a.reached;
    h.cliniko.advance(200);
    h.cliniko.archive('patients', id);
    await h.poll({}, { owner: 'poller-b' });

    a.release();
    const outcome = await stalledRun.then(
      () => 'finished',
      (error: unknown) => error,
    );
    h.cliniko.advance(5);
    h.cliniko.unarchive('patients', id);
    await h.poll({}, { owner: 'poller-b' });

    expect(outcome).toBeInstanceOf(StaleWriteError);
    expect(h.actions(id)).toEqual(['created', 'updated', 'archived', 'restored']);
  });

  it('publishes nothing after waking up once another poller holds the account', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.archive('patients', id);
    // A stalls in the write that stages the archive (before PutEvents).
    const a = stallingStore(h.state, 1);
    const stalledRun = h.poll({}, { state: a.store, owner: 'poller-a' });
    await a.reached;
    h.cliniko.advance(200);
    h.cliniko.unarchive('patients', id);
    await h.poll({}, { owner: 'poller-b' });
    const published = h.publisher.events.length;

    a.release();
    const outcome = await stalledRun.then(
      () => 'finished',
      (error: unknown) => error,
    );

    expect(outcome).toBeInstanceOf(LeaseLostError);
    expect(h.publisher.events.length).toBe(published);
    expect(h.actions(id)).toEqual(['created']);
  });
});
