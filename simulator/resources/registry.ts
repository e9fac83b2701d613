/** Every resource the simulator serves, by its path segment. */
import { appointmentTypes } from './appointment-types.js';
import { attendees } from './attendees.js';
import { businesses } from './businesses.js';
import { contacts } from './contacts.js';
import { groupAppointments } from './group-appointments.js';
import { individualAppointments } from './individual-appointments.js';
import { invoices } from './invoices.js';
import { medicalAlerts } from './medical-alerts.js';
import type { ResourceModel } from './model.js';
import { patients } from './patients.js';
import { practitioners } from './practitioners.js';
import { treatmentNotes } from './treatment-notes.js';

export const MODELS: readonly ResourceModel[] = [
  businesses,
  appointmentTypes,
  practitioners,
  contacts,
  patients,
  medicalAlerts,
  individualAppointments,
  groupAppointments,
  attendees,
  invoices,
  treatmentNotes,
];

const byName = new Map(MODELS.map((m) => [m.name, m]));

export function findModel(name: string): ResourceModel | undefined {
  return byName.get(name);
}
