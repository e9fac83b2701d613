/**
 * `/bookings`, a view over individual appointments, group appointments and unavailable blocks: it
 * reflects every change of the three, lifecycle changes included, filters and sorts with the
 * spec's bookings filters, is read-only, and never has changelog entries of its own.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { advance, bookAppointment, createPatient, quirkSimulator, setQuirks } from '../quirks/quirk-sim.js';
import { api, control, items, linkId, q } from '../sim-client.js';

let sim: RunningSimulator;
let practitioner: string;
let business: string;
let type: string;
beforeEach(async () => {
  sim = await quirkSimulator(141);
  const first = async (resource: string) =>
    String(items(await api(sim, 'GET', `/${resource}`), resource)[0]?.id);
  [practitioner, business, type] = [
    await first('practitioners'),
    await first('businesses'),
    await first('appointment_types'),
  ];
});
afterEach(() => sim.close());

const when = { starts_at: '2026-12-01T03:00:00Z', ends_at: '2026-12-01T04:00:00Z' };

async function groupAppointment(): Promise<string> {
  const reply = await api(sim, 'POST', '/group_appointments', {
    practitioner_id: practitioner,
    appointment_type_id: type,
    business_id: business,
    max_attendees: 6,
    ...when,
  });
  return String(reply.body.id);
}

async function unavailableBlock(): Promise<string> {
  const reply = await api(sim, 'POST', '/unavailable_blocks', {
    practitioner_id: practitioner,
    business_id: business,
    ...when,
  });
  return String(reply.body.id);
}

/** Ids in the order Cliniko lists records created in one second: by id. */
const byId = (ids: string[]) => [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

async function bookingIds(...filters: string[]): Promise<string[]> {
  const reply = await api(sim, 'GET', `/bookings?per_page=100&${q(...filters)}`);
  return items(reply, 'bookings').map((b) => String(b.id));
}

describe('/bookings', () => {
  it('lists a new record of each kind, changed since a time, with links.self under /bookings', async () => {
    const since = await advance(sim, 60);
    const individual = await bookAppointment(sim, await createPatient(sim));
    const group = await groupAppointment();
    const block = await unavailableBlock();

    const reply = await api(sim, 'GET', `/bookings?${q(`updated_at:>=${since}`)}`);

    // Created in the same second, so listed by id.
    const listed = items(reply, 'bookings').map((b) => [b.id, (b.links as { self: string }).self]);
    expect(listed).toEqual(
      byId([individual, group, block]).map((id) => [id, `${sim.baseUrl}/bookings/${id}`]),
    );
  });

  it('shows an update of each kind, and never logs a change under bookings', async () => {
    const individual = await bookAppointment(sim, await createPatient(sim));
    const group = await groupAppointment();
    const block = await unavailableBlock();
    const since = await advance(sim, 60);

    await api(sim, 'PATCH', `/individual_appointments/${individual}`, { notes: 'Moved' });
    await api(sim, 'PATCH', `/group_appointments/${group}`, { notes: 'Pilates' });
    await api(sim, 'PATCH', `/unavailable_blocks/${block}`, { notes: 'Lunch' });
    const changed = items(await api(sim, 'GET', `/bookings?${q(`updated_at:>=${since}`)}`), 'bookings');

    const notes = new Map([
      [individual, 'Moved'],
      [group, 'Pilates'],
      [block, 'Lunch'],
    ]);
    expect(changed.map((b) => [b.id, b.notes, b.updated_at])).toEqual(
      byId([individual, group, block]).map((id) => [id, notes.get(id), since]),
    );
    expect(sim.changes().filter((c) => c.resource === 'bookings')).toEqual([]);
  });

  it('hides a cancelled, archived or deleted booking unless its lifecycle filter reveals it', async () => {
    await setQuirks(sim, { enable: ['lifecycle-keeps-updated-at'] });
    const cancelled = await bookAppointment(sim, await createPatient(sim));
    const archived = await groupAppointment();
    const deleted = await unavailableBlock();
    const at = await advance(sim, 60);

    await api(sim, 'PATCH', `/individual_appointments/${cancelled}/cancel`, { cancellation_reason: 40 });
    await api(sim, 'POST', `/group_appointments/${archived}/archive`);
    await api(sim, 'DELETE', `/unavailable_blocks/${deleted}`);

    expect(await bookingIds(`updated_at:>=${at}`)).toEqual([]);
    expect(await bookingIds(`cancelled_at:>=${at}`)).toEqual([cancelled]);
    expect(await bookingIds(`archived_at:>=${at}`)).toEqual([archived]);
    expect(await bookingIds(`deleted_at:>=${at}`)).toEqual([deleted]);
    expect((await bookingIds('cancelled_at:*', 'archived_at:*', 'deleted_at:*')).length).toBeGreaterThan(
      (await bookingIds()).length,
    );
    expect((await api(sim, 'GET', `/bookings/${cancelled}`)).status).toBe(404);
    expect((await api(sim, 'GET', `/bookings/${cancelled}?${q('cancelled_at:*')}`)).body.cancelled_at).toBe(
      at,
    );
  });

  it('with range-filter-keeps-hidden, reveals lifecycle changes only with * on the field', async () => {
    await setQuirks(sim, { enable: ['range-filter-keeps-hidden'] });
    const block = await unavailableBlock();
    const at = await advance(sim, 60);
    await api(sim, 'POST', `/unavailable_blocks/${block}/archive`);

    expect(await bookingIds(`archived_at:>=${at}`)).toEqual([]);
    expect(await bookingIds('archived_at:*', `archived_at:>=${at}`)).toEqual([block]);
  });

  it('finds an individual appointment by its patient in patient_ids, and a group appointment by an attendee', async () => {
    const patient = await createPatient(sim);
    const individual = await bookAppointment(sim, patient);
    const group = await groupAppointment();
    await api(sim, 'POST', '/attendees', { booking_id: group, patient_id: patient });

    expect(await bookingIds(`patient_ids:~${patient}`)).toEqual(byId([individual, group]));
  });

  it('filters by the bookings filters and refuses any other column', async () => {
    const block = await unavailableBlock();
    const byPractitioner = await bookingIds(`practitioner_id:=${practitioner}`, 'appointment_type_id:!?');
    const notSearchable = await api(sim, 'GET', `/bookings?${q('patient_id:=1')}`);

    expect(byPractitioner).toContain(block);
    expect(notSearchable.status).toBe(400);
    expect(notSearchable.body).toEqual({ message: 'This column is not searchable.' });
  });

  it('answers a booking of each kind by id, and 404 for an id that is not a booking', async () => {
    const patient = await createPatient(sim);
    const ids = [await bookAppointment(sim, patient), await groupAppointment(), await unavailableBlock()];

    const found = await Promise.all(
      ids.map(async (id) => (await api(sim, 'GET', `/bookings/${id}`)).body.id),
    );

    expect(found).toEqual(ids);
    expect((await api(sim, 'GET', `/bookings/${patient}`)).status).toBe(404);
  });

  it('is read-only: POST, PATCH and DELETE answer 404', async () => {
    const block = await unavailableBlock();

    expect((await api(sim, 'POST', '/bookings', { notes: 'x' })).status).toBe(404);
    expect((await api(sim, 'PATCH', `/bookings/${block}`, { notes: 'x' })).status).toBe(404);
    expect((await api(sim, 'DELETE', `/bookings/${block}`)).status).toBe(404);
  });

  it('with subsecond-order, sorts writes of one second by their hidden instant across kinds', async () => {
    await setQuirks(sim, { enable: ['subsecond-order'] });
    const since = await advance(sim, 60);
    const block = await unavailableBlock();
    const individual = await bookAppointment(sim, await createPatient(sim));
    await api(sim, 'PATCH', `/unavailable_blocks/${block}`, { notes: 'Later in the same second' });

    const reply = await api(sim, 'GET', `/bookings?sort=updated_at&${q(`updated_at:>=${since}`)}`);

    expect(items(reply, 'bookings').map((b) => b.id)).toEqual([individual, block]);
  });

  it('changes through the backdoor by booking id land under the underlying resource', async () => {
    const block = await unavailableBlock();

    const set = await control(sim, 'PATCH', `records/bookings/${block}`, { set: { notes: 'Planted' } });
    const create = await control(sim, 'POST', 'records/bookings', {});

    expect(set.status).toBe(200);
    expect(sim.changes().at(-1)).toMatchObject({
      resource: 'unavailable_blocks',
      id: block,
      action: 'updated',
    });
    expect(linkId({ links: set.body.links })).toBe(block);
    expect(create.status).toBe(400);
    expect(String(create.body.message)).toContain('individual_appointments');
  });
});
