/**
 * Fields Cliniko derives from another record: an individual appointment's `patient_name` (from its
 * patient), the `invoice_status` of an appointment or attendee (from its invoice), a product's
 * `stock_level` (from its stock adjustments) and `product_supplier_name` (from its supplier), and a
 * patient case's `attendee_ids` (from the attendees booked under it). A record's own write always
 * refreshes them; with `derived-field-drift` they also follow their source at once, without moving
 * the record's `updated_at` and without a changelog entry (it is not a write of it).
 */
import { caseAttendeeIds } from './case-attendees.js';
import { linkedId, linkedRecord } from './resources/model.js';
import { stockLevelOf } from './stock-levels.js';
import type { Account, Body } from './store.js';

/**
 * The derived fields of each resource; the engine's stream registry declares the same list.
 * `bookings` shows individual appointments, so it has theirs.
 */
export const DERIVED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  individual_appointments: ['invoice_status', 'patient_name'],
  attendees: ['invoice_status'],
  bookings: ['invoice_status', 'patient_name'],
  patient_cases: ['attendee_ids'],
  products: ['product_supplier_name', 'stock_level'],
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

/** The records whose derived fields follow a write of `resource` (only drifted with the quirk on). */
export function followingChanges(
  account: Account,
  resource: string,
  before: Body | undefined,
  after: Body,
): DerivedChange[] {
  switch (resource) {
    case 'patients':
      return renamedPatientChanges(account, before, after);
    case 'stock_adjustments':
      return linkedIds(before?.product, after.product).map((id) => ({
        resource: 'products',
        id,
        fields: { stock_level: stockLevelOf(account, id) },
      }));
    case 'product_suppliers':
      return renamedSupplierChanges(account, before, after);
    case 'attendees':
      return linkedIds(before?.patient_case, after.patient_case).map((id) => ({
        resource: 'patient_cases',
        id,
        fields: { attendee_ids: caseAttendeeIds(account, id) },
      }));
    default:
      return [];
  }
}

/** The distinct ids two links (before and after a write) point at. */
function linkedIds(...links: (Body[string] | undefined)[]): string[] {
  const ids = links.map((value) => linkedId(value)).filter((id): id is string => id !== null);
  return [...new Set(ids)];
}

/** The products of a supplier whose name changed, with the new name (a table scan). */
function renamedSupplierChanges(account: Account, before: Body | undefined, after: Body): DerivedChange[] {
  if (!before || before.name === after.name) return [];
  const changes: DerivedChange[] = [];
  for (const [id, record] of account.table('products').records) {
    if (linkedId(record.latest()?.body.product_supplier) === String(after.id)) {
      changes.push({ resource: 'products', id, fields: { product_supplier_name: after.name ?? null } });
    }
  }
  return changes;
}
