/**
 * Component tests of the sync engine with real parts: `syncAccount`, the Cliniko client over HTTP
 * against the simulator, the DynamoDB state store on dynalite and the recording publisher. Ground
 * truth is what each test wrote through the simulator's API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findStream } from '../../../shared/streams.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import { publishFails } from '../../support/fault-plan.js';
import { ComponentWorld, listedIds, type WorldOptions } from './sync-component-world.js';
import { idleRequests, streams } from './sync-harness.js';

let table: LocalStateTable;
const worlds: ComponentWorld[] = [];
let accounts = 0;

async function world(options: Omit<WorldOptions, 'account'> = {}): Promise<ComponentWorld> {
  accounts += 1;
  const started = await ComponentWorld.start(table, { account: `clinic-${accounts}`, ...options });
  worlds.push(started);
  return started;
}

beforeAll(async () => {
  table = await startLocalStateTable();
});
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});
afterAll(async () => {
  await table?.close();
});

const patient = (n: number) => ({ first_name: 'Test', last_name: `Patient ${n}` });

describe('syncAccount with the real client, simulator and DynamoDB state', () => {
  it('backfills about 2,000 records as one snapshot each without deep page requests', async () => {
    const w = await world({
      patients: 1000,
      appointments: 1000,
      sync: { streams: streams('patients', 'individual_appointments') },
    });
    const expected: string[] = [];
    for (const name of ['patients', 'individual_appointments']) {
      const stream = findStream(name);
      if (stream === undefined) throw new Error(name);
      expected.push(...(await listedIds(w, stream.path, stream.revealFilters)).map((id) => `${name}/${id}`));
    }

    const report = await w.poll();

    const events = w.publisher.events;
    expect(report.ok).toBe(true);
    expect(expected.length).toBeGreaterThanOrEqual(2000);
    expect(events.every((e) => e.detail.type.endsWith('.snapshot'))).toBe(true);
    expect(events.map((e) => `${e.detail.resource}/${e.detail.recordId}`).sort()).toEqual(expected.sort());
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(w.reader.deepPages()).toBe(0);
  });

  it('reports created, updated, archived, restored, cancelled, feed deletes and reconciled deletes', async () => {
    const w = await world({
      sync: {
        streams: streams('patients', 'individual_appointments', 'contacts'),
        deletedFeedIntervalSeconds: 0,
        reconcileIntervalSeconds: 0,
      },
    });
    await w.poll();
    w.clock.advance(5);
    const edited = await w.create('patients', patient(1));
    const archived = await w.create('patients', patient(2));
    const deleted = await w.create('patients', patient(3));
    const contact = await w.create('contacts', { first_name: 'Dr', last_name: 'Contact', type_code: 1 });
    const appointment = await w.createAppointment(edited);
    const created = await w.poll();
    w.clock.advance(5);
    await w.write('PATCH', `/patients/${edited}`, { notes: 'Prefers mornings.' });
    await w.write('POST', `/patients/${archived}/archive`);
    await w.write('PATCH', `/individual_appointments/${appointment}/cancel`, { cancellation_reason: 50 });
    await w.write('DELETE', `/patients/${deleted}`);
    await w.write('DELETE', `/contacts/${contact}`);
    const changed = await w.poll();
    // Past the overlap: reconciliation judges only records last changed before its listing began
    // less the overlap (one changed later may have been created after its id range was listed).
    w.clock.advance(61);
    await w.write('POST', `/patients/${archived}/unarchive`);
    const restored = await w.poll();

    expect([created.ok, changed.ok, restored.ok]).toEqual([true, true, true]);
    expect(w.actionsOf(edited)).toEqual(['created', 'updated']);
    expect(w.eventsOf(edited)[1]?.detail.changes?.fields).toEqual(['notes']);
    expect(w.actionsOf(archived)).toEqual(['created', 'archived', 'restored']);
    expect(w.actionsOf(appointment)).toEqual(['created', 'cancelled']);
    expect(w.eventsOf(appointment)[1]?.detail.type).toBe('individual_appointment.cancelled');
    expect(w.actionsOf(deleted)).toEqual(['created', 'deleted']);
    expect(w.actionsOf(contact)).toEqual(['created', 'deleted']);
    expect(w.eventsOf(contact)[1]?.detail.type).toBe('contact.deleted');
  });

  it('reports two updates of one record within one second as two updated events with different ids', async () => {
    const w = await world();
    const id = await w.create('patients', patient(1));
    await w.poll();
    w.clock.advance(5);

    await w.write('PATCH', `/patients/${id}`, { notes: 'first' });
    await w.poll();
    await w.write('PATCH', `/patients/${id}`, { notes: 'second' });
    await w.poll();

    const updates = w.eventsOf(id).filter((e) => e.detail.type === 'patient.updated');
    expect(updates.map((e) => e.detail.data?.notes)).toEqual(['first', 'second']);
    expect(updates[0]?.detail.occurredAt).toBe(updates[1]?.detail.occurredAt);
    expect(updates[0]?.id).not.toBe(updates[1]?.id);
  });

  it('reports 250 records created in the same second once each without looping', async () => {
    const w = await world();
    await w.poll();
    w.clock.advance(5);
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) ids.push(await w.create('patients', patient(i)));

    const report = await w.poll();

    const created = w.publisher.events.filter((e) => e.detail.type === 'patient.created');
    expect(created.map((e) => e.detail.recordId).sort()).toEqual(ids.sort());
    expect(report.streams[0]?.requests).toBeLessThanOrEqual(10);
    expect(w.reader.deepPages()).toBe(0);
  });

  it('reports the final content of a record updated while its stream is being paged', async () => {
    const w = await world();
    await w.poll();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      w.clock.advance(1);
      ids.push(await w.create('patients', { ...patient(i), notes: 'first version' }));
    }
    const target = ids[0] ?? '';
    let lists = 0;
    w.reader.beforeList = async () => {
      lists += 1;
      // The first page (holding the target) has been read; change the target before the second.
      if (lists === 2) await w.write('PATCH', `/patients/${target}`, { notes: 'final version' });
    };

    const report = await w.poll({ pageSize: 2 });

    expect(report.ok).toBe(true);
    expect(lists).toBeGreaterThan(2);
    expect(w.actionsOf(target)).toEqual(['created', 'updated']);
    expect(w.eventsOf(target).map((e) => e.detail.data?.notes)).toEqual(['first version', 'final version']);
  });

  it('reports a record whose commit became visible late, inside the overlap, on a later poll', async () => {
    const w = await world();
    await w.poll();
    w.clock.advance(5);
    // Long enough that the next poll surely runs while the row is still hidden, even on a busy machine.
    await w.faults({ lateCommitMs: 2000 });
    const late = await w.create('patients', patient(1));
    await w.faults({ lateCommitMs: 0 });
    // Past the settle time, so this poll moves the watermark beyond the hidden row's updated_at.
    w.clock.advance(30);
    await w.poll();
    const before = w.actionsOf(late);
    await w.visible(`/patients/${late}`);
    w.clock.advance(5);

    await w.poll();

    expect(before).toEqual([]);
    expect(w.actionsOf(late)).toEqual(['created']);
  });

  it('emits nothing on a second run and makes one request per window pass', async () => {
    const w = await world({ sync: { streams: streams('patients', 'individual_appointments', 'contacts') } });
    await w.poll();
    const delivered = w.publisher.events.length;
    w.clock.advance(10);

    const idle = await w.poll();

    expect(delivered).toBeGreaterThan(0);
    expect(w.publisher.events.length).toBe(delivered);
    expect(idle.streams.map((s) => s.requests)).toEqual(
      streams('patients', 'individual_appointments', 'contacts').map(idleRequests),
    );
  });

  it('lets exactly one of two overlapping runs on one account work and the other skip', async () => {
    const w = await world();
    let second: Awaited<ReturnType<ComponentWorld['poll']>> | undefined;
    w.reader.beforeList = async () => {
      w.reader.beforeList = undefined;
      // The first run holds the lease now: a second one starts and ends while it works.
      second = await w.poll({}, { owner: 'poller-b' });
    };

    const first = await w.poll({}, { owner: 'poller-a' });

    expect(first.skipped).toBeUndefined();
    expect(first.ok).toBe(true);
    expect(second?.skipped).toBe('lease-held');
    expect(w.publisher.events.length).toBeGreaterThan(0);
  });

  it('never logs record content', async () => {
    const w = await world({ sync: { streams: streams('patients', 'contacts') } });
    const sentinels = [
      'SENTINEL-FIRST-7Q',
      'SENTINEL-LAST-7Q',
      'sentinel-7q@example.com',
      'SENTINEL-NOTE-7Q',
    ];
    const [first, last, email, note] = sentinels;
    const id = await w.create('patients', { first_name: first, last_name: last, email });
    await w.create('contacts', { first_name: first, last_name: last, type_code: 1 });
    await w.poll();
    w.clock.advance(5);
    await w.write('PATCH', `/patients/${id}`, { notes: note });
    w.publisherFaults.next('publish', publishFails);
    await expect(w.poll()).rejects.toThrow();
    await w.poll();

    const delivered = JSON.stringify(w.publisher.events);
    expect(sentinels.every((s) => delivered.includes(s))).toBe(true);
    expect(w.logger.lines.length).toBeGreaterThan(0);
    const logged = w.logger.text();
    expect(sentinels.filter((s) => logged.includes(s))).toEqual([]);
  });
});
