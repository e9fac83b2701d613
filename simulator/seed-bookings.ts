/**
 * Seeded relations around bookings: the attendee of every individual appointment, repeat series,
 * each patient's latest booking and the bookings treatment notes were written for. Part of
 * `relateSeededRecords`; reads the generated records and writes their related versions.
 */
import type { Random } from './random.js';
import { attendeeOf } from './resources/attendees.js';
import { LINK_BASE, link, linkedId, type WriteContext } from './resources/model.js';
import type { Account, Body, Store } from './store.js';

/** Every current body of a table, in creation order. */
function bodies(account: Account, resource: string): Body[] {
  return account
    .table(resource)
    .ordered()
    .flatMap((record) => {
      const latest = record.latest();
      return latest && !latest.deleted ? [latest.body] : [];
    });
}

/** Individual appointments by patient id, in creation order. */
function appointmentsByPatient(account: Account): Map<string, Body[]> {
  const byPatient = new Map<string, Body[]>();
  for (const appointment of bodies(account, 'individual_appointments')) {
    const patient = linkedId(appointment.patient);
    if (!patient) continue;
    const appointments = byPatient.get(patient);
    if (appointments) appointments.push(appointment);
    else byPatient.set(patient, [appointment]);
  }
  return byPatient;
}

export function relateBookings(store: Store, account: Account, random: Random, ctx: WriteContext): void {
  addIndividualAttendees(store, account, ctx);
  repeatSeries(store, account, random, 'individual_appointments', 0.08);
  repeatSeries(store, account, random, 'group_appointments', 0.3);
  const byPatient = appointmentsByPatient(account);
  linkLatestBookings(store, account, byPatient);
  linkNotesToBookings(store, account, random, byPatient);
}

/** An individual appointment has one attendee: its patient (Cliniko lists it under the appointment). */
function addIndividualAttendees(store: Store, account: Account, ctx: WriteContext): void {
  for (const appointment of bodies(account, 'individual_appointments')) {
    store.seed(account, 'attendees', attendeeOf(appointment, account.ids.next(), ctx));
  }
}

/**
 * Some bookings repeat an earlier one (weekly): the first of a series says how it repeats and links
 * its repeats; each repeat links the booking it was repeated from. Individual appointments repeat
 * the patient's first appointment, group appointments the class before them.
 */
function repeatSeries(store: Store, account: Account, random: Random, resource: string, share: number): void {
  const firstOf = new Map<string, Body>();
  const series = new Map<string, Body[]>();
  let previous: Body | undefined;
  for (const booking of bodies(account, resource)) {
    const key = resource === 'group_appointments' ? '' : (linkedId(booking.patient) ?? '');
    const origin = resource === 'group_appointments' ? previous : firstOf.get(key);
    if (!firstOf.has(key)) firstOf.set(key, booking);
    previous = booking;
    if (origin && random.chance(share)) {
      const repeats = series.get(String(origin.id));
      if (repeats) repeats.push(booking);
      else series.set(String(origin.id), [booking]);
    }
  }
  for (const [originId, repeats] of series) {
    const origin = account.current(resource, originId);
    const rule: Body = { repeat_type: 'Weekly', number_of_repeats: repeats.length, repeating_interval: 1 };
    if (origin) {
      store.seed(account, resource, {
        ...origin,
        repeat_rule: rule,
        repeats: { links: { self: `${LINK_BASE}/${resource}?q[]=repeated_from_id:=${originId}` } },
      });
    }
    for (const repeat of repeats) {
      const current = account.current(resource, String(repeat.id)) ?? repeat;
      store.seed(account, resource, {
        ...current,
        repeat_rule: rule,
        repeated_from: link(resource, originId),
      });
    }
  }
}

/** A patient's latest booking: the appointment that starts last. */
function linkLatestBookings(store: Store, account: Account, byPatient: ReadonlyMap<string, Body[]>): void {
  for (const [patientId, appointments] of byPatient) {
    const patient = account.current('patients', patientId);
    const latest = appointments.reduce((a, b) => (String(b.starts_at) > String(a.starts_at) ? b : a));
    if (patient)
      store.seed(account, 'patients', { ...patient, latest_booking: link('bookings', String(latest.id)) });
  }
}

/** Most treatment notes were written for one of the patient's bookings (and so its attendee). */
function linkNotesToBookings(
  store: Store,
  account: Account,
  random: Random,
  byPatient: ReadonlyMap<string, Body[]>,
): void {
  const attendeeOfBooking = new Map<string, string>();
  for (const attendee of bodies(account, 'attendees')) {
    const booking = linkedId(attendee.booking);
    if (booking) attendeeOfBooking.set(booking, String(attendee.id));
  }
  for (const note of bodies(account, 'treatment_notes')) {
    const appointments = byPatient.get(linkedId(note.patient) ?? '') ?? [];
    if (appointments.length === 0 || !random.chance(0.7)) continue;
    const booking = String(random.pick(appointments).id);
    const attendee = attendeeOfBooking.get(booking);
    store.seed(account, 'treatment_notes', {
      ...note,
      booking: link('bookings', booking),
      attendee: attendee ? link('attendees', attendee) : null,
    });
  }
}
