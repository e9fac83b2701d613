/**
 * Every resource the simulator serves, by its path segment: the models (tables of records, the
 * eleven first resources first) and the views over them (`/bookings`).
 */
import { appointmentTypes } from './appointment-types.js';
import { attendees } from './attendees.js';
import { availabilityBlocks } from './availability-blocks.js';
import { billableItems } from './billable-items.js';
import { bookings, type ResourceView } from './bookings.js';
import { businesses } from './businesses.js';
import { communications } from './communications.js';
import { concessionPrices } from './concession-prices.js';
import { concessionTypes } from './concession-types.js';
import { contacts } from './contacts.js';
import { dailyAvailabilities } from './daily-availabilities.js';
import { groupAppointments } from './group-appointments.js';
import { individualAppointments } from './individual-appointments.js';
import { invoiceItems } from './invoice-items.js';
import { invoices } from './invoices.js';
import { medicalAlerts } from './medical-alerts.js';
import type { ResourceModel } from './model.js';
import { patientAttachments } from './patient-attachments.js';
import { patientCases } from './patient-cases.js';
import { patientFormTemplates } from './patient-form-templates.js';
import { patientForms } from './patient-forms.js';
import { patients } from './patients.js';
import { practitionerReferenceNumbers } from './practitioner-reference-numbers.js';
import { practitioners } from './practitioners.js';
import { productSuppliers } from './product-suppliers.js';
import { products } from './products.js';
import { referralSourceTypes } from './referral-source-types.js';
import { referralSources } from './referral-sources.js';
import { stockAdjustments } from './stock-adjustments.js';
import { taxes } from './taxes.js';
import { treatmentNoteTemplates } from './treatment-note-templates.js';
import { treatmentNotes } from './treatment-notes.js';
import { unavailableBlocks } from './unavailable-blocks.js';
import { users } from './users.js';

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
  users,
  taxes,
  billableItems,
  concessionTypes,
  concessionPrices,
  productSuppliers,
  products,
  stockAdjustments,
  referralSourceTypes,
  treatmentNoteTemplates,
  patientFormTemplates,
  practitionerReferenceNumbers,
  dailyAvailabilities,
  availabilityBlocks,
  unavailableBlocks,
  patientCases,
  referralSources,
  patientForms,
  patientAttachments,
  communications,
  invoiceItems,
];

export const VIEWS: readonly ResourceView[] = [bookings];

const byName = new Map(MODELS.map((m) => [m.name, m]));
const viewByName = new Map(VIEWS.map((v) => [v.name, v]));

export function findModel(name: string): ResourceModel | undefined {
  return byName.get(name);
}

export function findView(name: string): ResourceView | undefined {
  return viewByName.get(name);
}
