/** Individual appointments have an attendee too, found with the `appointment_id` filter the spec lists. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../../simulator/index.js';
import { api, items, linkId, q } from './sim-client.js';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ seed: 29, patients: 20, appointments: 20 });
});
afterAll(() => sim.close());

describe('attendees of individual appointments', () => {
  it('lists the one attendee of a seeded individual appointment under appointment_id, with its patient', async () => {
    const appointments = items(
      await api(sim, 'GET', '/individual_appointments?per_page=5'),
      'individual_appointments',
    );
    expect(appointments.length).toBeGreaterThan(0);

    for (const appointment of appointments) {
      const id = String(appointment.id);
      const reply = await api(
        sim,
        'GET',
        `/attendees?${q(`appointment_id:=${id}`, 'cancelled_at:*', 'archived_at:*')}`,
      );
      const found = items(reply, 'attendees');
      expect(found, id).toHaveLength(1);
      expect(linkId(found[0]?.booking), id).toBe(id);
      expect(linkId(found[0]?.patient), id).toBe(linkId(appointment.patient));
    }
  });

  it('finds the same attendee with booking_id', async () => {
    const appointment = items(
      await api(sim, 'GET', '/individual_appointments?per_page=1'),
      'individual_appointments',
    )[0];
    const id = String(appointment?.id);

    const byAppointment = await api(sim, 'GET', `/attendees?${q(`appointment_id:=${id}`)}`);
    const byBooking = await api(sim, 'GET', `/attendees?${q(`booking_id:=${id}`)}`);

    expect(items(byBooking, 'attendees')).toHaveLength(1);
    expect(items(byBooking, 'attendees').map((a) => a.id)).toEqual(
      items(byAppointment, 'attendees').map((a) => a.id),
    );
  });
});
