/**
 * Relations between seeded records that no single record's generator can set, because they need
 * records generated later: inactive practitioners, a group appointment's patients, the invoice
 * status of invoiced appointments. Runs after
 * every resource is generated, on its own random stream, so the records themselves stay as they were.
 */
import { noteInvoice } from './derived-fields.js';
import type { Random } from './random.js';
import { linkedId } from './resources/model.js';
import type { Account, Store } from './store.js';

export function relateSeededRecords(store: Store, account: Account, random: Random): void {
  retirePractitioners(store, account, random);
  fillGroupPatients(store, account);
  fillInvoiceStatuses(store, account);
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
