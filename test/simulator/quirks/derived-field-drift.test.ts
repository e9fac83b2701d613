import { afterEach, describe, expect, it } from 'vitest';
import { DERIVED_FIELDS, type RunningSimulator } from '../../../simulator/index.js';
import { api, control, items, linkId, q } from '../sim-client.js';
import { advance, bookAppointment, createPatient, quirkSimulator, T0 } from './quirk-sim.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const appointment = async (world: RunningSimulator, id: string) =>
  (await api(world, 'GET', `/individual_appointments/${id}`)).body;

async function invoiceFor(
  world: RunningSimulator,
  patientId: string,
  appointmentId: string,
): Promise<string> {
  const business = items(await api(world, 'GET', '/businesses'), 'businesses')[0]?.id;
  const reply = await api(world, 'POST', '/invoices', {
    patient_id: patientId,
    business_id: business,
    appointment_id: appointmentId,
    status: 10,
  });
  return String(reply.body.id);
}

describe('derived-field-drift', () => {
  it("changes an appointment's patient_name with its patient's name, leaving updated_at and the changelog alone", async () => {
    sim = await quirkSimulator(101, ['derived-field-drift']);
    const patient = await createPatient(sim, 'Ada', 'Lovelace');
    const id = await bookAppointment(sim, patient);
    await advance(sim, 60);
    const seq = sim.changes().length;

    await api(sim, 'PATCH', `/patients/${patient}`, { last_name: 'King' });
    const drifted = await appointment(sim, id);

    expect(drifted.patient_name).toBe('Ada King');
    expect(drifted.updated_at).toBe(T0);
    expect(sim.changes(seq).map((c) => `${c.resource} ${c.action}`)).toEqual(['patients updated']);
  });

  it("changes an appointment's invoice_status with its invoice's status, silently", async () => {
    sim = await quirkSimulator(102, ['derived-field-drift']);
    const patient = await createPatient(sim);
    const id = await bookAppointment(sim, patient);
    const invoice = await invoiceFor(sim, patient, id);
    const opened = await appointment(sim, id);
    await advance(sim, 60);
    const seq = sim.changes().length;

    await api(sim, 'PATCH', `/invoices/${invoice}`, { status: 20 });
    const paid = await appointment(sim, id);

    expect(opened.invoice_status).toBe(10);
    expect(paid.invoice_status).toBe(20);
    expect(paid.updated_at).toBe(T0);
    expect(sim.changes(seq).map((c) => c.resource)).toEqual(['invoices']);
  });

  it("changes an attendee's invoice_status with its invoice's status, silently", async () => {
    sim = await quirkSimulator(103, ['derived-field-drift']);
    const attendee = items(await api(sim, 'GET', '/attendees'), 'attendees')[0];
    const attendeeId = String(attendee?.id);
    const planted = await control(sim, 'POST', 'records/invoices', {
      status: 10,
      appointment: { links: { self: `${sim.baseUrl}/attendees/${attendeeId}` } },
    });
    const before = (await api(sim, 'GET', `/attendees/${attendeeId}`)).body;
    await advance(sim, 60);

    await api(sim, 'PATCH', `/invoices/${String(planted.body.id)}`, { status: 30 });
    const after = (await api(sim, 'GET', `/attendees/${attendeeId}`)).body;

    expect(before.invoice_status).toBe(10);
    expect(after.invoice_status).toBe(30);
    expect(after.updated_at).toBe(before.updated_at);
  });

  it('leaves derived fields as they were until the record itself is written while the quirk is off', async () => {
    sim = await quirkSimulator(104);
    const patient = await createPatient(sim, 'Ada', 'Lovelace');
    const id = await bookAppointment(sim, patient);
    const invoice = await invoiceFor(sim, patient, id);
    const later = await advance(sim, 60);

    await api(sim, 'PATCH', `/patients/${patient}`, { last_name: 'King' });
    await api(sim, 'PATCH', `/invoices/${invoice}`, { status: 20 });
    const stale = await appointment(sim, id);
    await api(sim, 'PATCH', `/individual_appointments/${id}`, { notes: 'moved room' });
    const written = await appointment(sim, id);

    expect(stale).toMatchObject({ patient_name: 'Ada Lovelace', updated_at: T0 });
    expect(written).toMatchObject({ patient_name: 'Ada King', invoice_status: 20, updated_at: later });
  });

  it('exports the derived fields of each resource from one place', () => {
    expect(DERIVED_FIELDS).toEqual({
      individual_appointments: ['invoice_status', 'patient_name'],
      attendees: ['invoice_status'],
      bookings: ['invoice_status', 'patient_name'],
      patient_cases: ['attendee_ids'],
      products: ['product_supplier_name', 'stock_level'],
    });
  });
});

describe('seeded invoice statuses', () => {
  it('start consistent: an invoiced appointment shows its invoice status', async () => {
    sim = await quirkSimulator(105);
    const invoices = items(
      await api(sim, 'GET', `/invoices?per_page=100&${q('appointment_id:?')}`),
      'invoices',
    );
    const invoice = invoices.at(-1);
    const target = linkId(invoice?.appointment);

    const reply = await api(
      sim,
      'GET',
      `/individual_appointments/${String(target)}?${q('cancelled_at:*', 'archived_at:*')}`,
    );

    expect(invoices.length).toBeGreaterThan(0);
    expect(reply.body.invoice_status).toBe(invoice?.status);
  });
});
