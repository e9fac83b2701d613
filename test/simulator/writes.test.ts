import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items, linkId, q } from './sim-client.js';

let sim: RunningSimulator;
let practitionerId: string;
let typeId: string;
let businessId: string;

beforeAll(async () => {
  sim = await startSimulator({ seed: 5, patients: 30, appointments: 30 });
  practitionerId = String(items(await api(sim, 'GET', '/practitioners'), 'practitioners')[0]?.id);
  typeId = String(items(await api(sim, 'GET', '/appointment_types'), 'appointment_types')[0]?.id);
  businessId = String(items(await api(sim, 'GET', '/businesses'), 'businesses')[0]?.id);
});
afterAll(() => sim.close());

async function newPatient(): Promise<string> {
  const reply = await api(sim, 'POST', '/patients', { first_name: 'Test', last_name: 'Patient' });
  return String(reply.body.id);
}

async function newAppointment(patientId: string): Promise<string> {
  const reply = await api(sim, 'POST', '/individual_appointments', {
    patient_id: patientId,
    practitioner_id: practitionerId,
    appointment_type_id: typeId,
    business_id: businessId,
    starts_at: '2026-12-01T01:00:00Z',
  });
  return String(reply.body.id);
}

describe('creating and updating', () => {
  it('creates a patient with 201, the record and a Location header', async () => {
    const reply = await api(sim, 'POST', '/patients', {
      first_name: 'Ada',
      last_name: 'Example',
      email: 'ada@example.com',
    });
    expect(reply.status).toBe(201);
    expect(reply.body.id).toMatch(/^\d{18,19}$/);
    expect(reply.body.first_name).toBe('Ada');
    expect(reply.headers.get('location')).toBe(`${sim.baseUrl}/patients/${String(reply.body.id)}`);
    expect((await api(sim, 'GET', `/patients/${String(reply.body.id)}`)).body.email).toBe('ada@example.com');
  });

  it('rejects a patient without names with 422 Validation Failed', async () => {
    const reply = await api(sim, 'POST', '/patients', { email: 'x@example.com' });
    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({
      message: 'Validation Failed',
      errors: { first_name: "can't be blank", last_name: "can't be blank" },
    });
  });

  it('rejects an appointment linked to a patient that does not exist with 422', async () => {
    const reply = await api(sim, 'POST', '/individual_appointments', {
      patient_id: '123456789012345678',
      practitioner_id: practitionerId,
      appointment_type_id: typeId,
      business_id: businessId,
      starts_at: '2026-12-01T01:00:00Z',
    });
    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual({ patient: 'must exist' });
  });

  it('fills ends_at from the appointment type and patient_name from the patient', async () => {
    const patientId = await newPatient();
    const id = await newAppointment(patientId);
    const appointment = (await api(sim, 'GET', `/individual_appointments/${id}`)).body;
    expect(appointment.patient_name).toBe('Test Patient');
    expect(Date.parse(String(appointment.ends_at))).toBeGreaterThan(
      Date.parse(String(appointment.starts_at)),
    );
    expect(linkId(appointment.patient)).toBe(patientId);
  });

  it('updates a record with PATCH, answering 200 and the new body', async () => {
    const id = await newPatient();
    const reply = await api(sim, 'PATCH', `/patients/${id}`, { notes: 'Prefers mornings.' });
    expect(reply.status).toBe(200);
    expect(reply.body.notes).toBe('Prefers mornings.');
  });

  it('rejects a PATCH that blanks a required field or sends a wrong type with 422', async () => {
    const id = await newPatient();
    const blank = await api(sim, 'PATCH', `/patients/${id}`, { first_name: '' });
    const wrongType = await api(sim, 'POST', '/treatment_notes', {
      patient_id: id,
      title: 'Note',
      content: 'text',
    });
    expect(blank.status).toBe(422);
    expect(blank.body.errors).toEqual({ first_name: "can't be blank" });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.errors).toEqual({ content: 'must be an object' });
  });

  it('answers 404 for a PATCH of a record that does not exist', async () => {
    expect((await api(sim, 'PATCH', '/patients/123456789012345678', { notes: 'x' })).status).toBe(404);
  });
});

describe('lifecycle endpoints', () => {
  it('archives and unarchives a patient with 204, hiding it while archived', async () => {
    const id = await newPatient();
    expect((await api(sim, 'POST', `/patients/${id}/archive`)).status).toBe(204);
    const hidden = await api(sim, 'GET', `/patients?${q(`id:=${id}`)}`);
    const revealed = await api(sim, 'GET', `/patients?${q(`id:=${id}`, 'archived_at:*')}`);
    expect(hidden.body.total_entries).toBe(0);
    expect(items(revealed, 'patients')[0]?.archived_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await api(sim, 'POST', `/patients/${id}/unarchive`)).status).toBe(204);
    expect((await api(sim, 'GET', `/patients?${q(`id:=${id}`)}`)).body.total_entries).toBe(1);
  });

  it('cancels an appointment with 204 and requires a cancellation_reason (422 without)', async () => {
    const id = await newAppointment(await newPatient());
    const missing = await api(sim, 'PATCH', `/individual_appointments/${id}/cancel`, {
      cancellation_note: 'x',
    });
    const done = await api(sim, 'PATCH', `/individual_appointments/${id}/cancel`, {
      cancellation_reason: 40,
    });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual({ cancellation_reason: "can't be blank" });
    expect(done.status).toBe(204);
    const seen = await api(sim, 'GET', `/individual_appointments/${id}?${q('cancelled_at:*')}`);
    expect(seen.body.cancellation_reason_description).toBe('Away');
  });

  it('cancels an attendee and removes the patient from its group appointment', async () => {
    const patientId = await newPatient();
    const group = await api(sim, 'POST', '/group_appointments', {
      practitioner_id: practitionerId,
      appointment_type_id: typeId,
      business_id: businessId,
      starts_at: '2026-12-02T01:00:00Z',
      max_attendees: 5,
    });
    const groupId = String(group.body.id);
    const attendee = await api(sim, 'POST', '/attendees', { booking_id: groupId, patient_id: patientId });
    const joined = await api(sim, 'GET', `/group_appointments/${groupId}`);
    const cancel = await api(sim, 'PATCH', `/attendees/${String(attendee.body.id)}/cancel`, {
      cancellation_reason: 10,
    });
    const left = await api(sim, 'GET', `/group_appointments/${groupId}`);
    expect(attendee.status).toBe(201);
    expect(joined.body.patient_ids).toEqual([patientId]);
    expect(cancel.status).toBe(204);
    expect(left.body.patient_ids).toEqual([]);
  });

  it('keeps a cancelled attendee out of its group appointment when the attendee is edited later', async () => {
    const group = await api(sim, 'POST', '/group_appointments', {
      practitioner_id: practitionerId,
      appointment_type_id: typeId,
      business_id: businessId,
      starts_at: '2026-12-03T01:00:00Z',
      max_attendees: 5,
    });
    const groupId = String(group.body.id);
    const attendee = await api(sim, 'POST', '/attendees', {
      booking_id: groupId,
      patient_id: await newPatient(),
    });
    const attendeeId = String(attendee.body.id);
    await api(sim, 'PATCH', `/attendees/${attendeeId}/cancel`, { cancellation_reason: 10 });

    await api(sim, 'PATCH', `/attendees/${attendeeId}`, { notes: 'Called back' });

    expect((await api(sim, 'GET', `/group_appointments/${groupId}`)).body.patient_ids).toEqual([]);
  });

  it('hard-deletes a patient: gone from lists, in /patients/deleted as a minimal item', async () => {
    const id = await newPatient();
    expect((await api(sim, 'DELETE', `/patients/${id}`)).status).toBe(204);
    expect((await api(sim, 'GET', `/patients/${id}`)).status).toBe(404);
    expect((await api(sim, 'GET', `/patients?${q(`id:=${id}`, 'archived_at:*')}`)).body.total_entries).toBe(
      0,
    );
    const feed = items(await api(sim, 'GET', `/patients/deleted?${q(`id:=${id}`)}`), 'patients');
    expect(feed).toHaveLength(1);
    expect(Object.keys(feed[0] ?? {}).sort()).toEqual(['deleted_at', 'id', 'links']);
  });

  it('hard-deletes an appointment into its /deleted feed with the whole record', async () => {
    const id = await newAppointment(await newPatient());
    await api(sim, 'DELETE', `/individual_appointments/${id}`);
    const feed = items(
      await api(sim, 'GET', `/individual_appointments/deleted?${q(`id:=${id}`)}`),
      'individual_appointments',
    );
    expect(feed[0]?.deleted_at).toBe(feed[0]?.updated_at);
    expect(feed[0]?.starts_at).toBe('2026-12-01T01:00:00Z');
  });

  it('makes a deleted contact simply vanish', async () => {
    const contact = await api(sim, 'POST', '/contacts', { first_name: 'Dr', last_name: 'Who', type_code: 1 });
    const id = String(contact.body.id);
    expect((await api(sim, 'DELETE', `/contacts/${id}`)).status).toBe(204);
    expect((await api(sim, 'GET', `/contacts/${id}`)).status).toBe(404);
    expect((await api(sim, 'GET', `/contacts?${q(`id:=${id}`, 'archived_at:*')}`)).body.total_entries).toBe(
      0,
    );
  });
});

describe('changelog', () => {
  it('records every write in commit order with its action and updated_at', async () => {
    const after = sim.changes().length;
    const id = await newPatient();
    await api(sim, 'PATCH', `/patients/${id}`, { notes: 'changed' });
    await api(sim, 'POST', `/patients/${id}/archive`);
    await api(sim, 'POST', `/patients/${id}/unarchive`);
    await api(sim, 'DELETE', `/patients/${id}`);
    const response = await fetch(`${sim.origin}/__sim/changelog?after=${after}`);
    const { changes } = (await response.json()) as {
      changes: {
        seq: number;
        id: string;
        action: string;
        resource: string;
        account: string;
        updated_at: string;
      }[];
    };
    expect(changes.map((c) => c.action)).toEqual(['created', 'updated', 'archived', 'restored', 'deleted']);
    expect(
      changes.every((c) => c.id === id && c.resource === 'patients' && c.account === sim.accounts[0]?.id),
    ).toBe(true);
    expect(changes.map((c) => c.seq)).toEqual([after + 1, after + 2, after + 3, after + 4, after + 5]);
    expect(changes.every((c) => /Z$/.test(c.updated_at))).toBe(true);
  });
});
