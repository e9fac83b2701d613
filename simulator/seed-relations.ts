/**
 * Relations between seeded records that no single record's generator can set, because they need
 * records generated later: inactive practitioners, a business's appointment types, merged
 * patients, a group appointment's patients, booking relations (`seed-bookings.ts`) and the invoice
 * status of invoiced bookings. Runs after every resource is generated, on its own random stream, so
 * the generated records stay as they were.
 */
import { noteInvoice } from './derived-fields.js';
import type { Random } from './random.js';
import { link, linkedId, type WriteContext } from './resources/model.js';
import { relateBookings } from './seed-bookings.js';
import type { Account, Body, Store } from './store.js';

export function relateSeededRecords(store: Store, account: Account, random: Random, ctx: WriteContext): void {
  retirePractitioners(store, account, random);
  offerAppointmentTypes(store, account);
  mergePatients(store, account, random);
  fillGroupPatients(store, account);
  relateBookings(store, account, random, ctx);
  fillInvoiceStatuses(store, account);
}

/** Every business offers the clinic's appointment types. */
function offerAppointmentTypes(store: Store, account: Account): void {
  const typeIds = [...account.table('appointment_types').ordered()].map((record) => record.id);
  for (const record of account.table('businesses').ordered()) {
    const business = record.latest()?.body;
    if (business) store.seed(account, 'businesses', { ...business, appointment_type_ids: typeIds });
  }
}

/** A few patients were merged into another: archived at the merge, pointing at the one they became. */
function mergePatients(store: Store, account: Account, random: Random): void {
  const patients = account.table('patients').ordered();
  for (const record of patients) {
    const patient: Body | undefined = record.latest()?.body;
    if (!patient || patient.archived_at || !random.chance(0.02)) continue;
    const into = random.pick(patients);
    if (into.id === record.id) continue;
    const mergedAt = patient.updated_at ?? null;
    store.seed(account, 'patients', {
      ...patient,
      archived_at: mergedAt,
      merged_at: mergedAt,
      merged_with_patient: link('patients', into.id),
    });
  }
}

/** An invoiced appointment or attendee shows its latest invoice's status (derived-fields.ts). */
function fillInvoiceStatuses(store: Store, account: Account): void {
  for (const record of account.table('invoices').ordered()) {
    const invoice = record.latest()?.body;
    const change = invoice ? noteInvoice(account, invoice, false) : undefined;
    const target = change ? account.current(change.resource, change.id) : undefined;
    if (change && target) store.seed(account, change.resource, { ...target, ...change.fields });
  }
}

/** Clinics keep former staff: with three or more practitioners the first is inactive, and a few more. */
function retirePractitioners(store: Store, account: Account, random: Random): void {
  const practitioners = account.table('practitioners').ordered();
  if (practitioners.length < 3) return;
  practitioners.forEach((record, index) => {
    const body = record.latest()?.body;
    const retired = index === 0 || random.chance(0.1);
    // At least one practitioner stays active, so the ordinary list is never empty.
    if (body && retired && index < practitioners.length - 1) {
      store.seed(account, 'practitioners', { ...body, active: false });
    }
  });
}

/** A group appointment lists the patients of its attendees that have not cancelled. */
function fillGroupPatients(store: Store, account: Account): void {
  const byGroup = new Map<string, string[]>();
  for (const record of account.table('attendees').records.values()) {
    const attendee = record.latest()?.body;
    const group = linkedId(attendee?.booking);
    const patient = linkedId(attendee?.patient);
    if (!attendee || !group || !patient || attendee.cancelled_at || attendee.archived_at) continue;
    const patients = byGroup.get(group) ?? [];
    if (!patients.includes(patient)) patients.push(patient);
    byGroup.set(group, patients);
  }
  for (const [groupId, patientIds] of byGroup) {
    const group = account.current('group_appointments', groupId);
    if (group) store.seed(account, 'group_appointments', { ...group, patient_ids: patientIds });
  }
}
