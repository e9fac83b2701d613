/**
 * Sentinel patient data for the safety tests: synthetic values that cannot occur by chance, written
 * into the simulator through its Cliniko API (as clinic staff would), so any place that leaks record
 * data (a log line, a metric, an error message, CLI output) can be caught by searching for them.
 */
import type { RunningSimulator } from '../../simulator/index.js';

export const SAFETY_USER_AGENT = 'Safety Tests (safety-tests@example.test)';

export const SENTINELS = {
  patientFirst: 'Zqxsentinelfirst',
  patientLast: 'Zqxsentinellast',
  patientEmail: 'zqx.sentinel.mail@example.test',
  patientNote: 'Zqx sentinel clinical note',
  patientPhone: '0491579912',
  patchedNote: 'Zqx sentinel edited note',
  contactFirst: 'Zqxsentinelcontact',
  contactNote: 'Zqx sentinel referral note',
  /** A value the tests put in a query string filter. */
  queryValue: 'Zqxsentinelquery',
} as const;

/** Every sentinel plus the account's real API key: none may appear outside event payloads. */
export function forbiddenStrings(sim: RunningSimulator): string[] {
  return [...Object.values(SENTINELS), sim.apiKeys[0] ?? 'no-key'];
}

/** The forbidden strings found in `text` (empty when it is clean). */
export function leaks(text: string, forbidden: readonly string[]): string[] {
  const lower = text.toLowerCase();
  return forbidden.filter((value) => lower.includes(value.toLowerCase()));
}

async function api(
  sim: RunningSimulator,
  method: string,
  path: string,
  body: unknown,
): Promise<{ id: string }> {
  const response = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${sim.apiKeys[0] ?? ''}:`).toString('base64')}`,
      'user-agent': SAFETY_USER_AGENT,
      accept: 'application/json',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator answered ${response.status} to ${method} ${path}`);
  return (await response.json()) as { id: string };
}

/** Creates a sentinel patient and contact; returns the patient's id. */
export async function createSentinelRecords(sim: RunningSimulator): Promise<string> {
  const patient = await api(sim, 'POST', '/patients', {
    first_name: SENTINELS.patientFirst,
    last_name: SENTINELS.patientLast,
    email: SENTINELS.patientEmail,
    notes: SENTINELS.patientNote,
    patient_phone_numbers: [{ phone_type: 'Mobile', number: SENTINELS.patientPhone }],
  });
  await api(sim, 'POST', '/contacts', {
    first_name: SENTINELS.contactFirst,
    last_name: SENTINELS.patientLast,
    notes: SENTINELS.contactNote,
  });
  return String(patient.id);
}

/** An edit, so `updated` events (with changed field names) go through the pipeline too. */
export async function editSentinelPatient(sim: RunningSimulator, id: string): Promise<void> {
  await api(sim, 'PATCH', `/patients/${id}`, {
    notes: SENTINELS.patchedNote,
    email: `x.${SENTINELS.patientEmail}`,
  });
}

/** Turns the simulator's response faults on (truncated bodies carry record data) or off. */
export async function setFaults(
  sim: RunningSimulator,
  faults: Record<string, number> | undefined,
): Promise<void> {
  const response = await fetch(`${sim.origin}/__sim/faults`, {
    method: faults === undefined ? 'DELETE' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(faults === undefined ? {} : { body: JSON.stringify(faults) }),
  });
  await response.arrayBuffer();
}
