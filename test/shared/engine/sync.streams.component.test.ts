/**
 * Component tests of every stream beyond the first eleven, table-driven from the registry: for each,
 * the real engine over the real client, the simulator (real HTTP, frozen clock) and DynamoDB state
 * on dynalite sees a backfill, a create, an update and each lifecycle action the stream's events
 * have (`actionsOf`), and reports each as exactly one event of the right detail-type. Writes go
 * through the simulator's Cliniko API where Cliniko has them, through its test backdoor otherwise;
 * a stream with neither fails here, so none can join the registry without a case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, ChangeEvent } from '../../../shared/events/contract.js';
import { actionsOf, isChangeEvent } from '../../../shared/events/index.js';
import { STREAMS } from '../../../shared/streams.js';
import {
  createRecord,
  deleteRecord,
  type Related,
  related,
  updateRecord,
  writePaths,
} from '../../simulator/resources/write-cases.js';
import { api, type Rec } from '../../simulator/sim-client.js';
import { changedFields } from '../../support/changed-fields.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import { ComponentWorld, listedIds } from './sync-component-world.js';

const NEW_STREAMS = STREAMS.filter((s) => !s.core);

let table: LocalStateTable;
beforeAll(async () => {
  table = await startLocalStateTable();
});
afterAll(async () => {
  await table?.close();
});

describe('the streams beyond the first eleven', () => {
  it('are the 21 streams of issue 13, each with a create and an update path in the simulator', () => {
    expect(NEW_STREAMS).toHaveLength(21);
    expect(NEW_STREAMS.filter((s) => writePaths(s.name) === undefined).map((s) => s.name)).toEqual([]);
  });
});

describe.each(NEW_STREAMS.map((s, i) => [s.name, s, i] as const))('%s', (name, stream, index) => {
  let w: ComponentWorld;
  let ids: Related;
  let backfill: readonly ChangeEvent[];
  /** What the lists showed when the backfill ran, hidden records included. */
  let existing: readonly string[];

  beforeAll(async () => {
    w = await ComponentWorld.start(table, {
      account: `streams-${index}`,
      patients: 8,
      appointments: 8,
      // Every run reconciles, so a delete that leaves no trace is reported by the next one.
      sync: { streams: [stream], startFrom: 'beginning', reconcileIntervalSeconds: 0 },
    });
    ids = await related(w.sim);
    backfill = await poll();
    existing = await listedIds(w, stream.path, stream.revealFilters);
  });
  afterAll(async () => {
    await w?.close();
  });

  /** One run; the events it published, every one contract-valid. */
  async function poll(): Promise<ChangeEvent[]> {
    const before = w.publisher.events.length;
    const report = await w.poll();
    if (!report.ok) throw new Error(`the poll of ${name} failed: ${JSON.stringify(report.streams)}`);
    const events = w.publisher.events.slice(before);
    for (const event of events) expect(isChangeEvent(event), event['detail-type']).toBe(true);
    return events;
  }

  const typesOf = (events: readonly ChangeEvent[]) =>
    events.map((e) => [e['detail-type'], e.detail.recordId]);
  const one = (action: Action, id: string) => [[`${stream.entity}.${action}`, id]];

  async function read(id: string): Promise<Rec> {
    const reveal = stream.revealFilters.map((f) => `q[]=${encodeURIComponent(f)}`).join('&');
    const reply = await api(w.sim, 'GET', `/${name}/${id}${reveal === '' ? '' : `?${reveal}`}`);
    if (reply.status !== 200) throw new Error(`GET /${name}/${id} answered ${reply.status}`);
    return reply.body;
  }

  /** Creates a record a few seconds on. */
  async function created(): Promise<string> {
    w.clock.advance(5);
    return createRecord(w.sim, name, ids);
  }

  const scenarios: Readonly<Record<Action, () => Promise<void>>> = {
    snapshot: async () => {
      expect(existing.length).toBeGreaterThan(0);
      expect(backfill.map((e) => e['detail-type'])).toEqual(existing.map(() => `${stream.entity}.snapshot`));
      expect(backfill.map((e) => e.detail.recordId).sort()).toEqual([...existing].sort());
    },
    created: async () => {
      const id = await created();

      expect(typesOf(await poll())).toEqual(one('created', id));
    },
    updated: async () => {
      const id = await created();
      await poll();
      const before = await read(id);
      w.clock.advance(5);

      await updateRecord(w.sim, name, id);
      const events = await poll();

      const changed = changedFields(before, await read(id), stream.derivedFields);
      expect(changed.length).toBeGreaterThan(0);
      expect(typesOf(events)).toEqual(one('updated', id));
      expect(events[0]?.detail.changes?.fields).toEqual(changed);
    },
    archived: async () => {
      const id = await created();
      await poll();
      w.clock.advance(5);

      await w.write('POST', `/${name}/${id}/archive`);

      expect(typesOf(await poll())).toEqual(one('archived', id));
    },
    restored: async () => {
      const id = await created();
      await w.write('POST', `/${name}/${id}/archive`);
      await poll();
      w.clock.advance(5);

      await w.write('POST', `/${name}/${id}/unarchive`);

      expect(typesOf(await poll())).toEqual(one('restored', id));
    },
    cancelled: async () => {
      const id = await created();
      await poll();
      w.clock.advance(5);

      await w.write('PATCH', `/${name}/${id}/cancel`, { cancellation_reason: 50 });

      expect(typesOf(await poll())).toEqual(one('cancelled', id));
    },
    deleted: async () => {
      const id = await created();
      await poll();
      // Past the overlap: reconciliation judges only records last changed before its listing began
      // less the overlap, which is how a delete that leaves no trace is found.
      w.clock.advance(90);

      await deleteRecord(w.sim, name, id, stream.lifecycle.includes('deleted_at'));

      expect(typesOf(await poll())).toEqual(one('deleted', id));
    },
  };

  for (const action of actionsOf(stream)) {
    it(`reports ${action === 'snapshot' ? 'a backfill' : `one ${action} record`} as ${stream.entity}.${action} and nothing else`, () =>
      scenarios[action]());
  }
});
