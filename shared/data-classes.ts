/**
 * Patient-data classes: how sensitive each field of each stream is, as data beside the stream
 * registry (`streams.ts`).
 *
 * - `phi`: clinical or health information — notes, forms, alerts, attachments, case and document
 *   names, cancellation reasons, health-insurance numbers, and free text on a patient's record or on
 *   a record of their care (in a clinic such text routinely holds clinical detail).
 * - `personal`: identifies or describes a person — names, contact details, dates of birth,
 *   addresses, consents and preferences, IP addresses, and free text about a person who is not a
 *   patient (contacts, staff).
 * - `operational`: everything else — ids, timestamps, amounts, codes, settings, catalogue names,
 *   and links to other records (they carry ids only).
 *
 * A link that opens a person's data or session without a login (a telehealth room, a form, a payment
 * or cancellation page) is classed by what it opens.
 *
 * Every field a stream's records are known to have is listed under exactly one class (a test checks
 * this against the 2023 spec's fields). A field Cliniko adds later, which the bridge has never seen,
 * is `phi` in every stream (`UNKNOWN_FIELD_CLASS`): the bridge cannot know what it holds, and a
 * field withheld until someone classifies it costs a destination a little completeness, whereas a
 * leak cannot be called back. `id` is always operational.
 *
 * A stream's own class is what its records are as a whole: the most protective class of its fields.
 * It sets the stream's default payload mode (`defaultPayloadModeFor`) and is shown in the catalog.
 */
import type { PayloadMode } from './events/contract.js';

/** From least to most protective. */
export const DATA_CLASSES = ['operational', 'personal', 'phi'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

/** The class of a field no stream lists: the most protective one. */
export const UNKNOWN_FIELD_CLASS: DataClass = 'phi';

export interface StreamDataClasses {
  /** What a record of the stream is as a whole: the most protective class of its fields. */
  readonly stream: DataClass;
  /** Every known top-level field, under exactly one class. */
  readonly fields: Readonly<Record<DataClass, readonly string[]>>;
}

/** Fields every record has. */
const RECORD = ['id', 'created_at', 'updated_at', 'links'] as const;

const classes = (
  stream: DataClass,
  fields: { operational: readonly string[]; personal?: readonly string[]; phi?: readonly string[] },
): StreamDataClasses => ({
  stream,
  fields: { operational: fields.operational, personal: fields.personal ?? [], phi: fields.phi ?? [] },
});

/** Per stream name (the registry's), its class and the class of every known field. */
export const STREAM_DATA_CLASSES: Readonly<Record<string, StreamDataClasses>> = {
  patients: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'deleted_at', 'merged_at', 'merged_with_patient', 'appointments', 'attendees'],
      ...['concession_type', 'invoices', 'latest_booking', 'medical_alerts', 'patient_attachments'],
      'referring_doctor',
    ],
    personal: [
      ...['title', 'first_name', 'last_name', 'preferred_first_name', 'date_of_birth', 'sex', 'gender'],
      ...['gender_identity', 'pronouns', 'occupation', 'email', 'patient_phone_numbers', 'emergency_contact'],
      ...['address_1', 'address_2', 'address_3', 'city', 'state', 'post_code', 'country', 'time_zone'],
      ...['accepted_email_marketing', 'accepted_privacy_policy', 'accepted_sms_marketing'],
      ...['receives_confirmation_emails', 'reminder_type', 'invoice_default_to', 'invoice_email'],
      // Where the patient came from ("Google", a referrer's name): marketing, not clinical.
      'referral_source',
      // A record number from an earlier system: identifies the person outside Cliniko.
      'old_reference_id',
    ],
    phi: [
      ...['notes', 'appointment_notes', 'custom_fields', 'invoice_extra_information'],
      // Clinic-chosen tags such as "Workers compensation" or "Needs interpreter".
      'label',
      // Health-insurance and veterans' health numbers: used for health claims only.
      ...['medicare', 'medicare_reference_number', 'dva_card_number'],
    ],
  }),
  individual_appointments: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'cancelled_at', 'deleted_at', 'starts_at', 'ends_at', 'repeat_rule'],
      ...['appointment_type', 'attendees', 'business', 'conflicts', 'patient', 'patient_case'],
      ...['practitioner', 'repeated_from', 'repeats', 'did_not_arrive', 'patient_arrived'],
      ...['email_reminder_sent', 'sms_reminder_sent', 'has_patient_appointment_notes'],
      ...['invoice_status', 'treatment_note_status', 'online_booking_policy_accepted'],
    ],
    personal: ['patient_name', 'booking_ip_address'],
    // Cancellation reasons include "Sick" and "Condition worse".
    phi: [
      ...['notes', 'cancellation_note', 'cancellation_reason', 'cancellation_reason_description'],
      'telehealth_url',
    ],
  }),
  group_appointments: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'deleted_at', 'starts_at', 'ends_at', 'repeat_rule', 'max_attendees'],
      ...['appointment_type', 'attendees', 'business', 'conflicts', 'patient_ids', 'practitioner'],
      ...['repeated_from', 'repeats'],
    ],
    phi: ['notes', 'telehealth_url'],
  }),
  attendees: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'cancelled_at', 'deleted_at', 'arrived', 'booking', 'invoices', 'patient'],
      ...['patient_case', 'patient_forms', 'email_reminder_sent', 'sms_reminder_sent'],
      ...['invoice_status', 'treatment_note_status', 'online_booking_policy_accepted'],
      // Newer than the 2023 spec (Cliniko's current reference).
      ...['sent_email_reminders_count', 'sent_sms_reminders_count'],
    ],
    personal: ['booking_ip_address', 'cancellation_url'],
    phi: [
      ...['notes', 'cancellation_note', 'cancellation_reason', 'cancellation_reason_description'],
      'telehealth_url',
    ],
  }),
  // Staff are people too: their names and profiles are personal data.
  practitioners: classes('personal', {
    operational: [
      ...RECORD,
      ...['active', 'show_in_online_bookings', 'appointment_types', 'appointments'],
      ...['default_appointment_type', 'invoices', 'practitioner_reference_numbers', 'user'],
    ],
    personal: ['title', 'first_name', 'last_name', 'display_name', 'label', 'designation', 'description'],
  }),
  // A clinic's address and contact details are published, not a person's.
  businesses: classes('operational', {
    operational: [
      ...RECORD,
      ...['archived_at', 'deleted_at', 'business_name', 'display_name', 'label', 'address_1'],
      ...['address_2', 'city', 'state', 'post_code', 'country', 'country_code', 'time_zone'],
      ...['time_zone_identifier', 'contact_information', 'email_reply_to', 'website_address'],
      ...['business_registration_name', 'business_registration_value', 'additional_information'],
      ...['additional_invoice_information', 'appointment_reminders_enabled', 'appointment_type_ids'],
      ...['show_in_online_bookings', 'appointments', 'practitioners'],
    ],
  }),
  appointment_types: classes('operational', {
    operational: [
      ...RECORD,
      ...['archived_at', 'name', 'description', 'category', 'color', 'duration_in_minutes'],
      ...['max_attendees', 'deposit_price', 'add_deposit_to_account_credit', 'online_payments_enabled'],
      ...['online_payments_mode', 'online_bookings_lead_time_hours', 'show_in_online_bookings'],
      ...['telehealth_enabled', 'appointment_confirmation_template_ids', 'appointment_reminder_template_ids'],
      ...['billable_item', 'product', 'practitioners', 'treatment_note_template'],
      // Newer than the 2023 spec (Cliniko's current reference).
      ...['appointment_type_billable_items', 'appointment_type_products'],
    ],
  }),
  invoices: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'deleted_at', 'closed_at', 'issue_date', 'number', 'status'],
      ...['status_description', 'net_amount', 'tax_amount', 'discounted_amount', 'total_amount'],
      ...['appointment', 'business', 'invoice_items', 'patient', 'practitioner'],
    ],
    personal: ['invoice_to', 'online_payment_url'],
    phi: ['notes', 'patient_extra_information'],
  }),
  treatment_notes: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'deleted_at', 'draft', 'finalized_at', 'pinned_at', 'attendee', 'booking'],
      ...['patient', 'practitioner', 'treatment_note_template'],
    ],
    personal: ['author_name'],
    phi: ['title', 'content'],
  }),
  medical_alerts: classes('phi', {
    operational: [...RECORD, 'archived_at', 'deleted_at', 'patient'],
    phi: ['name'],
  }),
  // Referrers, insurers and employers: people (or their offices) who are not patients.
  contacts: classes('personal', {
    operational: [...RECORD, 'archived_at', 'deleted_at', 'type', 'type_code'],
    personal: [
      ...['title', 'first_name', 'last_name', 'preferred_name', 'occupation', 'doctor_type'],
      ...['company_name', 'provider_number', 'email', 'phone_numbers', 'address_1', 'address_2'],
      ...['address_3', 'city', 'state', 'post_code', 'country', 'country_code', 'notes'],
    ],
  }),
  // A practitioner's diary: the notes of a block say why a person is away.
  unavailable_blocks: classes('personal', {
    operational: [
      ...RECORD,
      ...['archived_at', 'deleted_at', 'starts_at', 'ends_at', 'repeat_rule', 'business'],
      ...['conflicts', 'practitioner', 'repeated_from', 'repeats'],
    ],
    personal: ['notes'],
  }),
  availability_blocks: classes('operational', {
    operational: [...RECORD, 'starts_at', 'ends_at', 'repeat_rule', 'business', 'practitioner'],
  }),
  daily_availabilities: classes('operational', {
    operational: [
      ...RECORD,
      ...['day_of_week', 'availabilities', 'time_zone', 'time_zone_identifier', 'business'],
      'practitioner',
    ],
  }),
  practitioner_reference_numbers: classes('personal', {
    operational: [...RECORD, 'name', 'business', 'practitioner'],
    // A provider number identifies the practitioner outside Cliniko.
    personal: ['reference_number'],
  }),
  patient_cases: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'closed', 'issue_date', 'expiry_date', 'max_sessions'],
      ...['max_invoiceable_amount', 'include_cancelled_attendees', 'include_dna_attendees'],
      ...['referral', 'attendee_ids', 'attendees', 'bookings', 'contact', 'invoices', 'patient'],
      'patient_attachments',
    ],
    // A case's name is its condition ("Left knee reconstruction"); the referral type its funding scheme.
    phi: ['name', 'notes', 'referral_type'],
  }),
  patient_forms: classes('phi', {
    operational: [
      ...RECORD,
      ...['completed_at', 'email_to_patient_on_completion', 'restricted_to_practitioner'],
      ...['attendee', 'booking', 'patient', 'signatures'],
    ],
    // The answers, the form's title, and the link that opens them.
    phi: ['content', 'name', 'url'],
  }),
  // Templates hold questions and headings, not answers.
  patient_form_templates: classes('operational', {
    operational: [
      ...RECORD,
      ...['archived_at', 'name', 'content', 'email_to_patient_on_completion'],
      'restricted_to_practitioner',
    ],
  }),
  // Metadata only (file content is never read), but a file's name says what it is ("mri-left-knee.jpg").
  patient_attachments: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'content_type', 'size', 'pinned_at', 'processed_at'],
      ...['processing_completed', 'patient', 'user'],
    ],
    phi: ['filename', 'description'],
  }),
  communications: classes('phi', {
    operational: [
      ...RECORD,
      ...['archived_at', 'category', 'category_code', 'type', 'type_code', 'direction_code'],
      ...['direction_description', 'confidential', 'patient'],
    ],
    // The patient's number or address, and what was said.
    personal: ['from', 'to'],
    phi: ['content'],
  }),
  treatment_note_templates: classes('operational', {
    operational: [...RECORD, 'archived_at', 'deleted_at', 'name', 'content', 'print_settings'],
  }),
  // How one patient was referred.
  referral_sources: classes('phi', {
    operational: [
      ...RECORD,
      ...['patient', 'referral_source_type', 'referrer', 'referrer_type', 'subcategory'],
    ],
    phi: ['notes'],
  }),
  referral_source_types: classes('operational', {
    operational: [...RECORD, 'name', 'referrer_type', 'referrers', 'subcategories'],
  }),
  // Billing lines: catalogue names and amounts (who was billed is the invoice's business).
  invoice_items: classes('operational', {
    operational: [
      ...RECORD,
      ...['archived_at', 'deleted_at', 'name', 'code', 'quantity', 'unit_price', 'net_price'],
      ...['discount_percentage', 'discounted_amount', 'is_monetary_discount', 'tax_name'],
      ...['tax_rate', 'tax_amount', 'total_including_tax', 'concession_type_name'],
      ...['billable_item', 'invoice', 'product'],
    ],
  }),
  billable_items: classes('operational', {
    operational: [...RECORD, 'archived_at', 'name', 'item_code', 'item_type', 'price', 'tax'],
  }),
  products: classes('operational', {
    operational: [
      ...RECORD,
      ...['archived_at', 'name', 'item_code', 'serial_number', 'notes', 'cost_price'],
      ...['price_ex_tax', 'price_including_tax', 'stock_level', 'product_supplier'],
      ...['product_supplier_name', 'tax'],
    ],
  }),
  product_suppliers: classes('operational', { operational: [...RECORD, 'name'] }),
  // The comment explains a stock movement ("damaged in transit").
  stock_adjustments: classes('operational', {
    operational: [...RECORD, 'adjustment_type', 'quantity', 'comment', 'product', 'user'],
  }),
  taxes: classes('operational', { operational: [...RECORD, 'name', 'rate', 'amount'] }),
  concession_types: classes('operational', { operational: [...RECORD, 'name'] }),
  concession_prices: classes('operational', {
    operational: [...RECORD, 'price', 'billable_item', 'concession_type'],
  }),
  // The account's staff logins.
  users: classes('personal', {
    operational: [...RECORD, 'active', 'user_active', 'role', 'new_ui_enabled'],
    personal: [
      ...['title', 'first_name', 'last_name', 'email', 'phone_numbers', 'time_zone'],
      ...['time_zone_identifier', 'privacy_policy_accepted'],
    ],
  }),
};

const rank = (dataClass: DataClass): number => DATA_CLASSES.indexOf(dataClass);

/** The more protective of two classes. */
export function moreProtective(a: DataClass, b: DataClass): DataClass {
  return rank(a) >= rank(b) ? a : b;
}

const fieldClasses = new Map<string, ReadonlyMap<string, DataClass>>(
  Object.entries(STREAM_DATA_CLASSES).map(([stream, entry]) => [
    stream,
    new Map(DATA_CLASSES.flatMap((dataClass) => entry.fields[dataClass].map((field) => [field, dataClass]))),
  ]),
);

/** The class of a top-level field of a stream's records; a field (or stream) the table lacks is `phi`. */
export function fieldClassOf(stream: string, field: string): DataClass {
  if (field === 'id') return 'operational';
  return fieldClasses.get(stream)?.get(field) ?? UNKNOWN_FIELD_CLASS;
}

/** A stream's class; a stream the table lacks is `phi`. */
export function streamClassOf(stream: string): DataClass {
  return STREAM_DATA_CLASSES[stream]?.stream ?? UNKNOWN_FIELD_CLASS;
}

/**
 * The payload mode of a stream when the configuration names none: `changes` for streams whose
 * records are personal or clinical, so an update carries what changed rather than the whole record
 * again; `full` for operational ones.
 */
export function defaultPayloadModeFor(stream: string): PayloadMode {
  return streamClassOf(stream) === 'operational' ? 'full' : 'changes';
}

/**
 * Checks a list of class names as a destination's allowed classes and returns them in class order,
 * or the problem as text (the caller names the flag or field): a name that is not a class, a class
 * named twice, or no `operational` (every event carries ids and timestamps; the list says what else
 * may go). `example` ends the message, written the way the caller's input is.
 */
export function parseAllowedClasses(
  names: readonly string[],
  example: string,
): readonly DataClass[] | string {
  const unknown = names.find((name) => !(DATA_CLASSES as readonly string[]).includes(name));
  if (unknown !== undefined) {
    // Only a short prefix is echoed, and only when it looks like a name (not a pasted value).
    const shown = /^[A-Za-z_-]{1,20}$/.test(unknown) ? `"${unknown}" is` : 'an entry is';
    return `${shown} not a data class: the classes are ${DATA_CLASSES.join(', ')}; ${example}`;
  }
  if (new Set(names).size !== names.length) return `names the same class twice; give each once, ${example}`;
  if (!names.includes('operational')) {
    return `must include operational (ids, timestamps and links go with every event); ${example}`;
  }
  return DATA_CLASSES.filter((dataClass) => names.includes(dataClass));
}
