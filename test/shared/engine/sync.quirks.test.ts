/**
 * The engine against the Cliniko that really exists: each quirk the simulator can switch on is a
 * documented reading of the real API less kind than the simulator's contract. Every change must
 * still be reported, once, with the right detail-type (component tests: real client over HTTP,
 * simulator, DynamoDB state on dynalite).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_CURSOR_WRITE_SECONDS } from '../../../shared/engine/stream-sync.js';
import type { Quirk } from '../../../simulator/index.js';
import { type LocalStateTable, startLocalStateTable } from '../../support/dynalite.js';
import { ComponentWorld } from './sync-component-world.js';
import { streams } from './sync-harness.js';

let table: LocalStateTable;
const worlds: ComponentWorld[] = [];
let accounts = 0;

async function world(
  quirks: readonly Quirk[],
  sync: Parameters<typeof ComponentWorld.start>[1]['sync'] = {},
) {
  accounts += 1;
  const started = await ComponentWorld.start(table, {
    account: `quirky-${accounts}`,
    quirks,
    sync: { streams: streams('patients', 'individual_appointments', 'contacts'), ...sync },
  });
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

const patient = (n: number) => ({ first_name: 'Quirk', last_name: `Patient ${n}` });

describe('a Cliniko whose lifecycle changes leave updated_at alone', () => {
  it('reports an archive, a cancel and a delete with a trace within one poll, each once', async () => {
    const w = await world(['lifecycle-keeps-updated-at']);
    await w.poll();
    const archived = await w.create('patients', patient(1));
    const contact = await w.create('contacts', { first_name: 'Dr', last_name: 'Gone', type_code: 1 });
    const appointment = await w.createAppointment(archived);
    w.clock.advance(5);
    await w.poll();
    w.clock.advance(120);

    await w.write('POST', `/patients/${archived}/archive`);
    await w.write('PATCH', `/individual_appointments/${appointment}/cancel`, { cancellation_reason: 50 });
    await w.remove('contacts', contact, 'deleted_at');
    const first = await w.poll();
    w.clock.advance(5);
    const second = await w.poll();

    expect([first.ok, second.ok]).toEqual([true, true]);
    expect(w.actionsOf(archived)).toEqual(['created', 'archived']);
    expect(w.actionsOf(appointment)).toEqual(['created', 'cancelled']);
    expect(w.actionsOf(contact)).toEqual(['created', 'deleted']);
  });

  it('reports an archive that also moved updated_at once, not once per pass', async () => {
    const w = await world([]);
    await w.poll();
    const id = await w.create('patients', patient(2));
    w.clock.advance(5);
    await w.poll();
    w.clock.advance(5);

    await w.write('POST', `/patients/${id}/archive`);
    await w.poll();
    await w.poll();

    expect(w.actionsOf(id)).toEqual(['created', 'archived']);
  });

  it('reports a restore that leaves updated_at alone within the probe interval, by reading recently archived ids', async () => {
    const w = await world(['lifecycle-keeps-updated-at'], { deletedFeedIntervalSeconds: 60 });
    await w.poll();
    const id = await w.create('patients', patient(3));
    w.clock.advance(5);
    await w.poll();
    // Past the overlap, so no window re-reads the record by its unmoved updated_at.
    w.clock.advance(120);
    await w.write('POST', `/patients/${id}/archive`);
    await w.poll();
    w.clock.advance(5);

    await w.write('POST', `/patients/${id}/unarchive`);
    await w.poll();
    const beforeProbe = w.actionsOf(id);
    w.clock.advance(61);
    await w.poll();

    expect(beforeProbe).toEqual(['created', 'archived']);
    expect(w.actionsOf(id)).toEqual(['created', 'archived', 'restored']);
  });

  it('reports a restore that leaves updated_at alone, of a record not probed by id, at the next reconciliation', async () => {
    // The probe of recently archived ids is not due for a day here: only reconciliation can see it.
    const w = await world(['lifecycle-keeps-updated-at'], {
      reconcileIntervalSeconds: 3600,
      deletedFeedIntervalSeconds: 86_400,
    });
    const id = await w.create('patients', patient(4));
    await w.write('POST', `/patients/${id}/archive`);
    w.clock.advance(5);
    await w.poll();
    // A poll past the overlap and the idle cursor's write interval, so the saved window starts after
    // the record's unmoved updated_at and no window re-reads it.
    w.clock.advance(IDLE_CURSOR_WRITE_SECONDS + 120);
    await w.poll();

    await w.write('POST', `/patients/${id}/unarchive`);
    await w.poll();
    const beforeReconciliation = w.actionsOf(id);
    w.clock.advance(3600);
    const reconciled = await w.poll();

    expect(beforeReconciliation).toEqual(['snapshot']);
    expect(reconciled.streams.find((s) => s.stream === 'patients')?.reconciliation).toBe('done');
    expect(w.actionsOf(id)).toEqual(['snapshot', 'restored']);
  });
});

describe('a Cliniko without the legacy status feeds', () => {
  it('never fails a stream on a 404 feed, remembers it, and finds deletes by reconciliation', async () => {
    const w = await world(['no-status-feeds'], {
      deletedFeedIntervalSeconds: 0,
      reconcileIntervalSeconds: 3600,
    });
    await w.poll();
    const gone = await w.create('patients', patient(5));
    w.clock.advance(5);
    const first = await w.poll();
    w.clock.advance(60);
    await w.write('DELETE', `/patients/${gone}`);
    const before = w.reader.queries.length;
    const second = await w.poll();
    const feedReads = w.reader.queries.slice(before).filter((q) => q.path === '/patients/deleted').length;
    w.clock.advance(3600);
    await w.poll();

    expect(first.ok && second.ok).toBe(true);
    expect(first.streams.find((s) => s.stream === 'patients')?.deletedFeed).toBe('unavailable');
    expect(second.streams.find((s) => s.stream === 'patients')?.deletedFeed).toBe('unavailable');
    expect(feedReads).toBe(0);
    expect(w.actionsOf(gone)).toEqual(['created', 'deleted']);
  });
});

describe('a Cliniko whose range filters on lifecycle timestamps keep hidden records hidden', () => {
  it('still reads archives, cancels and deletes through their lifecycle passes', async () => {
    const w = await world(['range-filter-keeps-hidden', 'lifecycle-keeps-updated-at']);
    await w.poll();
    const archived = await w.create('patients', patient(6));
    const appointment = await w.createAppointment(archived);
    const contact = await w.create('contacts', { first_name: 'Dr', last_name: 'Hidden', type_code: 1 });
    w.clock.advance(5);
    await w.poll();
    w.clock.advance(120);

    await w.write('POST', `/patients/${archived}/archive`);
    await w.write('PATCH', `/individual_appointments/${appointment}/cancel`, { cancellation_reason: 50 });
    await w.remove('contacts', contact, 'deleted_at');
    await w.poll();

    expect(w.actionsOf(archived)).toEqual(['created', 'archived']);
    expect(w.actionsOf(appointment)).toEqual(['created', 'cancelled']);
    expect(w.actionsOf(contact)).toEqual(['created', 'deleted']);
  });
});

describe('a Cliniko whose background jobs touch records', () => {
  it('publishes nothing for a touch that changed no content', async () => {
    const w = await world(['touch-without-change']);
    const id = await w.create('patients', patient(7));
    w.clock.advance(5);
    await w.poll();
    const published = w.publisher.events.length;
    w.clock.advance(5);

    await w.plant('patients', id, {}, true);
    await w.poll();

    expect(w.publisher.events.length).toBe(published);
  });
});

describe('a Cliniko whose derived fields drift without moving updated_at', () => {
  it('publishes no event for the drift, and carries the current value with the next real change', async () => {
    const w = await world(['derived-field-drift']);
    await w.poll();
    const id = await w.create('patients', patient(8));
    const appointment = await w.createAppointment(id);
    w.clock.advance(5);
    await w.poll();
    w.clock.advance(5);

    await w.write('PATCH', `/patients/${id}`, { first_name: 'Renamed' });
    await w.poll();
    const afterRename = w.actionsOf(appointment);
    w.clock.advance(5);
    await w.write('PATCH', `/individual_appointments/${appointment}`, { notes: 'Bring referral.' });
    await w.poll();

    expect(afterRename).toEqual(['created']);
    expect(w.actionsOf(id)).toEqual(['created', 'updated']);
    const update = w.eventsOf(appointment)[1];
    expect(update?.detail.changes?.fields).toEqual(['notes']);
    expect(String(update?.detail.data?.patient_name)).toContain('Renamed');
  });
});

describe('a Cliniko that orders a second by hidden sub-second instants', () => {
  it('loses nothing in a second holding more records than a page', async () => {
    const w = await world(['subsecond-order'], { pageSize: 3, streams: streams('patients') });
    await w.poll();
    w.clock.advance(5);

    const ids: string[] = [];
    for (let n = 0; n < 10; n += 1) ids.push(await w.create('patients', patient(100 + n)));
    for (const id of ids.slice(0, 4)) await w.write('PATCH', `/patients/${id}`, { notes: 'second edit' });
    await w.poll();

    for (const id of ids) expect(w.actionsOf(id)[0]).toBe('created');
    for (const id of ids.slice(0, 4)) expect(w.eventsOf(id).at(-1)?.detail.data?.notes).toBe('second edit');
  });
});

describe('practitioners, active and inactive', () => {
  const firstPractitioner = async (w: ComponentWorld) => {
    const ids = w.publisher.events
      .filter((e) => e.detail.resource === 'practitioners' && e.detail.data?.active === true)
      .map((e) => e.detail.recordId);
    const id = ids[0];
    if (id === undefined) throw new Error('no active practitioner');
    return id;
  };

  it('reports a deactivation and a reactivation as updates of active, and reconciles both lists without a delete', async () => {
    const w = await world([], { streams: streams('practitioners'), reconcileIntervalSeconds: 0 });
    w.clock.advance(5);
    await w.poll();
    const id = await firstPractitioner(w);
    w.clock.advance(5);

    await w.plant('practitioners', id, { active: false }, true);
    await w.poll();
    w.clock.advance(5);
    await w.plant('practitioners', id, { active: true }, true);
    await w.poll();
    w.clock.advance(61);
    await w.poll();

    const events = w.eventsOf(id);
    expect(events.map((e) => e.detail.type)).toEqual([
      'practitioner.snapshot',
      'practitioner.updated',
      'practitioner.updated',
    ]);
    expect(events.slice(1).map((e) => e.detail.changes?.fields)).toEqual([['active'], ['active']]);
    expect(w.publisher.events.filter((e) => e.detail.type === 'practitioner.deleted')).toEqual([]);
  });

  it('reports a deactivation that left updated_at alone at the next reconciliation', async () => {
    const w = await world([], { streams: streams('practitioners'), reconcileIntervalSeconds: 3600 });
    w.clock.advance(5);
    await w.poll();
    const id = await firstPractitioner(w);
    w.clock.advance(5);

    await w.plant('practitioners', id, { active: false }, false);
    await w.poll();
    const before = w.actionsOf(id);
    w.clock.advance(3600);
    await w.poll();

    expect(before).toEqual(['snapshot']);
    expect(w.actionsOf(id)).toEqual(['snapshot', 'updated']);
  });
});

describe('a delete that leaves no trace', () => {
  it('is reported at the next reconciliation', async () => {
    const w = await world(['no-status-feeds'], { reconcileIntervalSeconds: 3600 });
    await w.poll();
    const id = await w.create('contacts', { first_name: 'Dr', last_name: 'Vanished', type_code: 1 });
    w.clock.advance(5);
    await w.poll();
    w.clock.advance(120);

    await w.remove('contacts', id, 'none');
    await w.poll();
    const before = w.actionsOf(id);
    w.clock.advance(3600);
    await w.poll();

    expect(before).toEqual(['created']);
    expect(w.actionsOf(id)).toEqual(['created', 'deleted']);
  });
});
