/**
 * Fields Cliniko derives from another record: an individual appointment's `patient_name` (from its
 * patient) and the `invoice_status` of an appointment or attendee (from its invoice). A record's own
 * write always refreshes them; with `derived-field-drift` they also follow their source at once,
 * without moving the record's `updated_at` and without a changelog entry (it is not a write of it).
 */
import { linkedRecord } from './resources/model.js';
import type { Account, Body } from './store.js';

/** The derived fields of each resource; the engine's stream registry declares the same list. */
export const DERIVED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  individual_appointments: ['invoice_status', 'patient_name'],
  attendees: ['invoice_status'],
};

/** A derived change to apply to another record. */
export interface DerivedChange {
  readonly resource: string;
  readonly id: string;
  readonly fields: Body;
}

export function patientNameOf(patient: Body): string {
  return `${String(patient.first_name)} ${String(patient.last_name)}`;
}

/**
 * Per account, `<resource>/<id>` of an appointment or attendee → the status of its most recently
 * written invoice (null once that invoice is deleted): what its `invoice_status` shows.
 */
const invoiceStatuses = new WeakMap<Account, Map<string, number | null>>();

function statusIndex(account: Account): Map<string, number | null> {
  let index = invoiceStatuses.get(account);
  if (!index) {
    index = new Map();
    invoiceStatuses.set(account, index);
  }
  return index;
}

/** `invoice_status` of an appointment or attendee: null while it has no invoice. */
export function invoiceStatusOf(account: Account, resource: string, id: string): number | null {
  return statusIndex(account).get(`${resource}/${id}`) ?? null;
}

/** Notes an invoice as written (or deleted); answers the record whose status it sets, if any. */
export function noteInvoice(account: Account, invoice: Body, deleted: boolean): DerivedChange | undefined {
  // An invoice's `appointment` names an individual appointment or an attendee.
  const target = linkedRecord(invoice.appointment);
  if (!target || !(target.resource in DERIVED_FIELDS)) return undefined;
  const status = deleted || typeof invoice.status !== 'number' ? null : invoice.status;
  statusIndex(account).set(`${target.resource}/${target.id}`, status);
  return { ...target, fields: { invoice_status: status } };
}

/** The appointments of a patient whose name changed, with their new `patient_name` (a table scan). */
export function renamedPatientChanges(
  account: Account,
  before: Body | undefined,
  after: Body,
): DerivedChange[] {
  if (!before || patientNameOf(before) === patientNameOf(after)) return [];
  const changes: DerivedChange[] = [];
  for (const [id, record] of account.table('individual_appointments').records) {
    const patient = linkedRecord(record.latest()?.body.patient);
    if (patient?.resource === 'patients' && patient.id === String(after.id)) {
      changes.push({
        resource: 'individual_appointments',
        id,
        fields: { patient_name: patientNameOf(after) },
      });
    }
  }
  return changes;
}
