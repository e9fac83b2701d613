/**
 * The test backdoor under `/__sim/records/`: records in states the Cliniko API cannot produce on
 * demand, each change logged with the action it amounts to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../simulator/index.js';
import { advance, bookAppointment, createPatient, quirkSimulator, T0 } from './quirks/quirk-sim.js';
import { api, control, items, linkId, q } from './sim-client.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await quirkSimulator(71);
});
afterAll(() => sim.close());

const records = (path: string, method: string, body?: unknown) =>
  control(sim, method, `records/${path}`, body);
const lastChange = () => sim.changes().at(-1);

describe('POST /__sim/records/<resource>', () => {
  it('creates a record from the given fields, fills the rest like a generated one and answers 201', async () => {
    const now = await advance(sim, 10);

    const reply = await records('patients', 'POST', {
      first_name: 'Back',
      last_name: 'Door',
      archived_at: now,
    });

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ first_name: 'Back', last_name: 'Door', archived_at: now });
    expect(reply.body.id).toMatch(/^\d{18,19}$/);
    expect(reply.body.created_at).toBe(now);
    expect(reply.body.updated_at).toBe(now);
    expect(Array.isArray(reply.body.patient_phone_numbers)).toBe(true);
    expect(typeof reply.body.email).toBe('string');
    expect(lastChange()).toMatchObject({ id: reply.body.id, action: 'created', resource: 'patients' });
    const listed = await api(sim, 'GET', `/patients?${q(`id:=${String(reply.body.id)}`, 'archived_at:*')}`);
    expect(items(listed, 'patients')).toHaveLength(1);
  });

  it('turns a writable link id into its link and keeps an id it is given', async () => {
    const patient = await createPatient(sim);

    const reply = await records('medical_alerts', 'POST', {
      id: '123456789012345678',
      name: 'Planted alert',
      patient_id: patient,
    });

    expect(reply.status).toBe(201);
    expect(reply.body.id).toBe('123456789012345678');
    expect(linkId(reply.body.patient)).toBe(patient);
  });

  it('refuses unknown fields, an unknown resource and a body that is not an object', async () => {
    const unknownField = await records('patients', 'POST', { first_name: 'A', favourite_colour: 'red' });

    expect(unknownField.status).toBe(400);
    expect(String(unknownField.body.message)).toContain('favourite_colour');
    expect((await records('unicorns', 'POST', {})).status).toBe(404);
    expect((await records('patients', 'POST', ['x'])).status).toBe(400);
  });
});

describe('PATCH /__sim/records/<resource>/<id>', () => {
  it('sets archived_at without touching updated_at, logged as archived', async () => {
    const id = await createPatient(sim);
    const createdAt = String(lastChange()?.updated_at);
    const later = await advance(sim, 30);

    const reply = await records(`patients/${id}`, 'PATCH', {
      set: { archived_at: later },
      touchUpdatedAt: false,
    });

    expect(reply.status).toBe(200);
    expect(reply.body.archived_at).toBe(later);
    expect(reply.body.updated_at).toBe(createdAt);
    expect(lastChange()).toMatchObject({ id, action: 'archived', updated_at: createdAt, at: later });
  });

  it('logs clearing archived_at as restored, cancelled_at as cancelled and anything else as updated', async () => {
    const patient = await createPatient(sim);
    const appointment = await bookAppointment(sim, patient);
    const at = await advance(sim, 5);
    const actions: (string | undefined)[] = [];

    await records(`patients/${patient}`, 'PATCH', { set: { archived_at: at }, touchUpdatedAt: true });
    actions.push(lastChange()?.action);
    await records(`patients/${patient}`, 'PATCH', { set: { archived_at: null }, touchUpdatedAt: true });
    actions.push(lastChange()?.action);
    await records(`individual_appointments/${appointment}`, 'PATCH', {
      set: { cancelled_at: at, cancellation_reason: 50 },
      touchUpdatedAt: false,
    });
    actions.push(lastChange()?.action);
    await records(`patients/${patient}`, 'PATCH', { set: { notes: 'planted' }, touchUpdatedAt: false });
    actions.push(lastChange()?.action);

    expect(actions).toEqual(['archived', 'restored', 'cancelled', 'updated']);
  });

  it('deactivates a practitioner, moving it to /practitioners/inactive with a new updated_at', async () => {
    const active = items(await api(sim, 'GET', '/practitioners'), 'practitioners');
    const id = String(active[0]?.id);
    const later = await advance(sim, 20);

    const reply = await records(`practitioners/${id}`, 'PATCH', {
      set: { active: false },
      touchUpdatedAt: true,
    });
    const listed = items(await api(sim, 'GET', `/practitioners?${q(`id:=${id}`)}`), 'practitioners');
    const inactive = items(
      await api(sim, 'GET', `/practitioners/inactive?${q(`id:=${id}`)}`),
      'practitioners',
    );

    expect(reply.body).toMatchObject({ active: false, updated_at: later });
    expect(listed).toEqual([]);
    expect(inactive.map((p) => p.id)).toEqual([id]);
    expect(lastChange()).toMatchObject({ id, action: 'updated', updated_at: later });
  });

  it('sets deleted_at, which deletes the record (logged with its deleted_at)', async () => {
    const id = await bookAppointment(sim, await createPatient(sim));
    const at = await advance(sim, 5);

    await records(`individual_appointments/${id}`, 'PATCH', {
      set: { deleted_at: at },
      touchUpdatedAt: false,
    });
    const plain = await api(sim, 'GET', `/individual_appointments?${q(`id:=${id}`)}`);
    const revealed = await api(sim, 'GET', `/individual_appointments?${q(`id:=${id}`, 'deleted_at:*')}`);

    expect(items(plain, 'individual_appointments')).toEqual([]);
    expect(items(revealed, 'individual_appointments')).toHaveLength(1);
    expect(lastChange()).toMatchObject({ id, action: 'deleted', updated_at: at });
  });

  it('refuses an unknown id (404), an unknown field or a malformed request (400)', async () => {
    const id = await createPatient(sim);

    expect((await records('patients/123456789012345678', 'PATCH', { set: { notes: 'x' } })).status).toBe(404);
    expect((await records(`patients/${id}`, 'PATCH', { set: { nickname: 'x' } })).status).toBe(400);
    expect((await records(`patients/${id}`, 'PATCH', { set: { id: '1' } })).status).toBe(400);
    expect((await records(`patients/${id}`, 'PATCH', { notes: 'x' })).status).toBe(400);
    expect((await records(`patients/${id}`, 'PATCH', { set: {}, touchUpdatedAt: 'yes' })).status).toBe(400);
  });
});

describe('DELETE /__sim/records/<resource>/<id>', () => {
  it('with trace=deleted_at leaves a deleted_at, like a delete, in the /deleted feed', async () => {
    const id = await bookAppointment(sim, await createPatient(sim));
    const at = await advance(sim, 5);

    const reply = await records(`individual_appointments/${id}?trace=deleted_at`, 'DELETE');
    const feed = items(
      await api(sim, 'GET', `/individual_appointments/deleted?${q(`id:=${id}`)}`),
      'individual_appointments',
    );

    expect(reply.status).toBe(204);
    expect(feed.map((r) => r.deleted_at)).toEqual([at]);
    expect(lastChange()).toMatchObject({ id, action: 'deleted', updated_at: at, at });
  });

  it('with trace=none makes the record vanish from every list, feed and read by id', async () => {
    const id = await bookAppointment(sim, await createPatient(sim));
    const at = await advance(sim, 5);

    const reply = await records(`individual_appointments/${id}?trace=none`, 'DELETE');
    const everything = q(`id:=${id}`, 'archived_at:*', 'cancelled_at:*', 'deleted_at:*');

    expect(reply.status).toBe(204);
    expect(
      items(await api(sim, 'GET', `/individual_appointments?${everything}`), 'individual_appointments'),
    ).toEqual([]);
    expect(
      items(
        await api(sim, 'GET', `/individual_appointments/deleted?${q(`id:=${id}`)}`),
        'individual_appointments',
      ),
    ).toEqual([]);
    expect((await api(sim, 'GET', `/individual_appointments/${id}?${q('deleted_at:*')}`)).status).toBe(404);
    expect(lastChange()).toMatchObject({ id, action: 'deleted', updated_at: at, at });
    expect((await records(`individual_appointments/${id}`, 'PATCH', { set: { notes: 'x' } })).status).toBe(
      404,
    );
  });

  it('refuses an unknown trace with 400 and an unknown id with 404', async () => {
    const id = await createPatient(sim);

    expect((await records(`patients/${id}?trace=some`, 'DELETE')).status).toBe(400);
    expect((await records('patients/123456789012345678?trace=none', 'DELETE')).status).toBe(404);
  });
});

describe('accounts', () => {
  it('writes into the account named by ?account= and refuses an account that does not exist', async () => {
    const two = await quirkSimulator(72);
    try {
      expect(two.accounts).toHaveLength(1);
      const reply = await control(two, 'POST', 'records/patients?account=clinic-9', { first_name: 'X' });
      expect(reply.status).toBe(404);
      expect(String(reply.body.message)).toContain('clinic-9');
      const created = await control(two, 'POST', 'records/patients?account=clinic-1', { first_name: 'X' });
      expect(created.status).toBe(201);
      expect(two.changes().at(-1)?.updated_at).toBe(T0);
    } finally {
      await two.close();
    }
  });
});

describe('POST /__sim/records/patients/<id>/merge', () => {
  it('archives the merged-away patient with merged_at and a link to the patient kept, logged as archived', async () => {
    const from = await createPatient(sim);
    const into = await createPatient(sim);
    const now = await advance(sim, 10);

    const reply = await records(`patients/${from}/merge`, 'POST', { into });

    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: from, archived_at: now, merged_at: now });
    expect(linkId(reply.body.merged_with_patient)).toBe(into);
    expect(lastChange()).toMatchObject({ id: from, action: 'archived', resource: 'patients' });
    const listed = await api(sim, 'GET', `/patients?${q(`id:=${from}`, 'archived_at:*')}`);
    expect(items(listed, 'patients')[0]).toMatchObject({ merged_at: now });
  });

  it('refuses to merge a patient into itself or into an archived patient, changing nothing', async () => {
    const from = await createPatient(sim);
    const archived = await createPatient(sim);
    await records(`patients/${archived}`, 'PATCH', { set: { archived_at: await advance(sim, 1) } });
    const before = lastChange();

    expect((await records(`patients/${from}/merge`, 'POST', { into: from })).status).toBe(400);
    expect((await records(`patients/${from}/merge`, 'POST', { into: archived })).status).toBe(400);
    expect((await records(`patients/${from}/merge`, 'POST', {})).status).toBe(400);
    expect(lastChange()).toEqual(before);
  });
});
