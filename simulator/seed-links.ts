/**
 * Links from the first eleven resources to the resources added later, which their seeded records
 * once pointed at made-up ids for: a practitioner's user, an appointment type's billable item,
 * product and note template, a patient's concession type, a note's template, and the patient case
 * of a booking (a case of the booking's own patient, or none). Then the fields derived from them:
 * the cases' `attendee_ids` and the products' stock levels. Only those fields change; ids and
 * every other value stay as they were seeded.
 */
import { caseAttendeeIndex } from './case-attendees.js';
import { type GenerateContext, link, linkedId } from './resources/model.js';
import { productDerived } from './resources/products.js';
import type { Body, Json, Store } from './store.js';

export function linkSeededRecords(
  store: Store,
  ctx: GenerateContext,
  usersOf: ReadonlyMap<string, string>,
): void {
  const reseed = (resource: string, change: (body: Body) => Body | undefined) => {
    for (const record of ctx.account.table(resource).ordered()) {
      const body = record.latest()?.body;
      const changed = body ? change(body) : undefined;
      if (body && changed && differs(body, changed))
        store.seed(ctx.account, resource, { ...body, ...changed });
    }
  };
  const some = (resource: string): Json => {
    const id = ctx.pick(resource);
    return id ? link(resource, id) : null;
  };
  reseed('practitioners', (p) => {
    const user = usersOf.get(String(p.id));
    return user ? { user: link('users', user) } : undefined;
  });
  reseed('appointment_types', (type) => ({
    billable_item: billableItemNamed(ctx, String(type.name)) ?? some('billable_items'),
    product: type.product === null ? null : some('products'),
    treatment_note_template: some('treatment_note_templates'),
  }));
  reseed('patients', (p) =>
    p.concession_type === null ? undefined : { concession_type: some('concession_types') },
  );
  reseed('treatment_notes', () => ({ treatment_note_template: some('treatment_note_templates') }));
  linkCases(ctx, reseed);
  for (const [caseId, ids] of caseAttendeeIndex(ctx.account)) {
    const body = ctx.account.current('patient_cases', caseId);
    if (body) store.seed(ctx.account, 'patient_cases', { ...body, attendee_ids: ids });
  }
  reseed('products', (product) => productDerived(product, ctx));
}

/** Whether applying `changed` alters `body` (most bookings keep their null case: no new version). */
function differs(body: Body, changed: Body): boolean {
  return Object.entries(changed).some(([field, value]) => {
    const before = body[field] ?? null;
    if (before === value) return false;
    return before === null || value === null || JSON.stringify(before) !== JSON.stringify(value);
  });
}

function billableItemNamed(ctx: GenerateContext, name: string): Json | undefined {
  for (const record of ctx.account.table('billable_items').ordered()) {
    if (record.latest()?.body.name === name) return link('billable_items', record.id);
  }
  return undefined;
}

/**
 * A patient with a case has most bookings under it; bookings of other patients have none. The
 * attendee of an individual appointment follows its appointment.
 */
function linkCases(
  ctx: GenerateContext,
  reseed: (resource: string, change: (body: Body) => Body | undefined) => void,
): void {
  const caseOf = new Map<string, string>();
  for (const record of ctx.account.table('patient_cases').ordered()) {
    const patient = linkedId(record.latest()?.body.patient);
    if (patient && !record.latest()?.body.archived_at) caseOf.set(patient, record.id);
  }
  const chosen = (patient: Json | undefined): Json => {
    const caseId = caseOf.get(linkedId(patient) ?? '');
    return caseId && ctx.random.chance(0.6) ? link('patient_cases', caseId) : null;
  };
  const ofAppointment = new Map<string, Json>();
  reseed('individual_appointments', (appointment) => {
    const patientCase = chosen(appointment.patient);
    ofAppointment.set(String(appointment.id), patientCase);
    return { patient_case: patientCase };
  });
  reseed('attendees', (attendee) => {
    const booking = linkedId(attendee.booking) ?? '';
    const followed = ofAppointment.get(booking);
    return { patient_case: followed !== undefined ? followed : chosen(attendee.patient) };
  });
}
