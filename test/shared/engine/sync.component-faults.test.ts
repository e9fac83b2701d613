/**
 * Component tests of the sync engine under failures between its steps: a process that dies after
 * publishing but before the record states or the cursor are written, and a PutEvents call that
 * delivers only part of a batch. Real client over HTTP, simulator, DynamoDB state on dynalite.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import { failBefore, publishFailsLast } from '../../support/fault-plan.js';
import { ComponentWorld, InjectedCrash } from './sync-component-world.js';

let table: LocalStateTable;
const worlds: ComponentWorld[] = [];
let accounts = 0;

beforeAll(async () => {
  table = await startLocalStateTable();
});
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});
afterAll(async () => {
  await table?.close();
});

async function world(): Promise<ComponentWorld> {
  accounts += 1;
  const started = await ComponentWorld.start(table, { account: `faulty-clinic-${accounts}` });
  worlds.push(started);
  return started;
}

const patient = (n: number) => ({ first_name: 'Test', last_name: `Patient ${n}` });

/** An event as consumers compare it: everything but the moment the bridge observed it (and `time`, the same to the second). */
function payload(event: ChangeEvent): unknown {
  return { ...event, time: undefined, detail: { ...event.detail, observedAt: undefined } };
}

/** A backfilled clinic, then one known patient updated and three created: the changes under test. */
async function changedClinic(w: ComponentWorld): Promise<Map<string, string>> {
  const known = await w.create('patients', patient(0));
  await w.poll();
  w.clock.advance(5);
  await w.write('PATCH', `/patients/${known}`, { notes: 'changed' });
  const expected = new Map([[known, 'patient.updated']]);
  for (let i = 1; i <= 3; i++) expected.set(await w.create('patients', patient(i)), 'patient.created');
  return expected;
}

/** Every change was delivered, and each (record, type) always under one id with one payload. */
function expectDeliveredOnceById(events: readonly ChangeEvent[], expected: ReadonlyMap<string, string>) {
  const byChange = new Map<string, ChangeEvent>();
  for (const event of events) {
    const key = `${event.detail.recordId} ${event.detail.type}`;
    const earlier = byChange.get(key);
    if (earlier !== undefined) {
      expect(event.id, key).toBe(earlier.id);
      expect(payload(event), key).toEqual(payload(earlier));
    }
    byChange.set(key, event);
  }
  expect([...byChange.keys()].sort()).toEqual([...expected].map(([id, type]) => `${id} ${type}`).sort());
}

/** Changes the clinic, crashes the next poll at `step` once it has published, then polls again. */
async function crashAfterPublishing(step: 'putRecordStates' | 'putCursor') {
  const w = await world();
  const expected = await changedClinic(w);
  const mark = w.publisher.events.length;
  const calls = w.publisher.calls;
  w.stateFaults.next(step, failBefore(new InjectedCrash(`injected crash before ${step}`)), {
    when: () => w.publisher.calls > calls,
  });

  await expect(w.poll()).rejects.toBeInstanceOf(InjectedCrash);
  const crashed = w.publisher.events.slice(mark);
  w.clock.advance(5);
  const rerun = await w.poll();
  return { w, expected, mark, crashed, rerun };
}

describe('syncAccount recovering from failures between its steps', () => {
  it('re-delivers under the same ids after a crash between publishing and writing record states', async () => {
    const { w, expected, mark, crashed, rerun } = await crashAfterPublishing('putRecordStates');

    expect(w.stateFaults.strikes).toBe(1);
    expect(crashed.length).toBe(4);
    expect(rerun.ok).toBe(true);
    const redelivered = w.publisher.events.slice(mark + crashed.length);
    expect(redelivered.map((e) => e.id).sort()).toEqual(crashed.map((e) => e.id).sort());
    expectDeliveredOnceById(w.publisher.events.slice(mark), expected);
  });

  it('loses nothing after a crash between writing record states and writing the cursor', async () => {
    const { w, expected, mark, crashed, rerun } = await crashAfterPublishing('putCursor');

    expect(w.stateFaults.strikes).toBe(1);
    expect(crashed.length).toBe(4);
    expect(rerun.ok).toBe(true);
    expectDeliveredOnceById(w.publisher.events.slice(mark), expected);
  });

  it('fails the run without moving the cursor when PutEvents delivers only part of a batch', async () => {
    const w = await world();
    const expected = await changedClinic(w);
    const mark = w.publisher.events.length;
    const cursor = await w.state.getCursor(w.account, 'patients');
    w.publisherFaults.next('publish', publishFailsLast(2));

    const failed = w.poll();

    await expect(failed).rejects.toThrow(/PutEvents failed for 2 of 4 entries/);
    const partial = w.publisher.events.slice(mark);
    expect(partial.length).toBe(2);
    expect(await w.state.getCursor(w.account, 'patients')).toEqual(cursor);
    w.clock.advance(5);
    const rerun = await w.poll();
    expect(rerun.ok).toBe(true);
    const later = w.publisher.events.slice(mark + partial.length);
    expect(later.map((e) => e.detail.recordId).sort()).toEqual([...expected.keys()].sort());
    expectDeliveredOnceById(w.publisher.events.slice(mark), expected);
  });
});
