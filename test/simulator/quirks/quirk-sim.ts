/** Test helper: a small simulator on a frozen clock, and the writes the quirk tests make through its API. */
import {
  ControllableClock,
  type Quirk,
  type RunningSimulator,
  startSimulator,
} from '../../../simulator/index.js';
import { api, control, items } from '../sim-client.js';

export const T0 = '2026-06-01T09:00:00Z';

/** A simulator whose clock is frozen at T0 (move it with `advance`). */
export async function quirkSimulator(seed: number, quirks: readonly Quirk[] = []): Promise<RunningSimulator> {
  const clock = new ControllableClock();
  clock.set(Date.parse(T0));
  return startSimulator({ seed, patients: 20, appointments: 30, clock, quirks });
}

/** Moves the frozen clock and answers the new time. */
export async function advance(sim: RunningSimulator, seconds: number): Promise<string> {
  return String((await control(sim, 'POST', 'clock', { advance: seconds })).body.now);
}

export async function setQuirks(
  sim: RunningSimulator,
  change: { enable?: Quirk[]; disable?: Quirk[] },
): Promise<void> {
  const reply = await control(sim, 'POST', 'quirks', change);
  if (reply.status !== 200) throw new Error(`POST /__sim/quirks answered ${reply.status}`);
}

export async function createPatient(sim: RunningSimulator, firstName = 'Test', lastName = 'Patient') {
  const reply = await api(sim, 'POST', '/patients', { first_name: firstName, last_name: lastName });
  if (reply.status !== 201) throw new Error(`POST /patients answered ${reply.status}`);
  return String(reply.body.id);
}

/** Books an individual appointment for the patient with the first practitioner, type and business. */
export async function bookAppointment(sim: RunningSimulator, patientId: string): Promise<string> {
  const first = async (resource: string) =>
    String(items(await api(sim, 'GET', `/${resource}`), resource)[0]?.id);
  const reply = await api(sim, 'POST', '/individual_appointments', {
    patient_id: patientId,
    practitioner_id: await first('practitioners'),
    appointment_type_id: await first('appointment_types'),
    business_id: await first('businesses'),
    starts_at: '2026-12-01T01:00:00Z',
  });
  if (reply.status !== 201) throw new Error(`POST /individual_appointments answered ${reply.status}`);
  return String(reply.body.id);
}
