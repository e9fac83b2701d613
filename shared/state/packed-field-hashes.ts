/**
 * Field hashes packed into one binary attribute, so that the state of a wide record (a patient has
 * some sixty fields) fits in one DynamoDB write unit (1 KB) even with its pending version: as a
 * map, the field names took more room than the hashes. docs/design.md, State schema.
 *
 * Layout: a 2-byte big-endian bitmap length `L`; `L` bytes of bitmap over `FIELD_NAMES` (bit `i`
 * is bit `7 - i % 8` of byte `i >> 3`, set when field `i` has a hash; trailing zero bytes left
 * out); then each set field's hash as the 6 bytes its 8 base64url characters stand for, in table
 * order. Names not in the table, and a hash of any other form, stay in a map beside it, so every
 * state round-trips exactly whatever Cliniko sends.
 */
import { StateCorruptError } from './state-errors.js';

/**
 * Every top-level field name of Cliniko's list endpoints (the 2023 OpenAPI spec, and the
 * documented fields the simulator serves beyond it), sorted when the table was made. **Append
 * only**: a stored bitmap refers to names by position, so a name is never removed, reordered or
 * renamed (a test pins the list). A name added at the end is packed from then on; older items,
 * whose bitmaps are shorter, read exactly as before.
 */
export const FIELD_NAMES: readonly string[] = Object.freeze(
  `
accepted_email_marketing
accepted_privacy_policy
accepted_sms_marketing
active
add_deposit_to_account_credit
additional_information
additional_invoice_information
address_1
address_2
address_3
adjustment_type
amount
appointment
appointment_confirmation_template_ids
appointment_notes
appointment_reminder_template_ids
appointment_reminders_enabled
appointment_type
appointment_type_ids
appointment_types
appointments
archived_at
arrived
attendee
attendee_ids
attendees
author_name
availabilities
billable_item
booking
booking_ip_address
bookings
business
business_name
business_registration_name
business_registration_value
cancellation_note
cancellation_reason
cancellation_reason_description
cancellation_url
cancelled_at
category
category_code
city
closed
closed_at
code
color
comment
company_name
completed_at
concession_type
concession_type_name
confidential
conflicts
contact
contact_information
content
content_type
cost_price
country
country_code
created_at
custom_fields
date_of_birth
day_of_week
default_appointment_type
deleted_at
deposit_price
description
designation
did_not_arrive
direction_code
direction_description
discount_percentage
discounted_amount
display_name
doctor_type
draft
duration_in_minutes
dva_card_number
email
email_reminder_sent
email_reply_to
email_to_patient_on_completion
emergency_contact
ends_at
expiry_date
filename
finalized_at
first_name
from
gender
gender_identity
has_patient_appointment_notes
id
include_cancelled_attendees
include_dna_attendees
invoice
invoice_default_to
invoice_email
invoice_extra_information
invoice_items
invoice_status
invoice_to
invoices
is_monetary_discount
issue_date
item_code
item_type
label
last_name
latest_booking
links
max_attendees
max_invoiceable_amount
max_sessions
medical_alerts
medicare
medicare_reference_number
merged_at
merged_with_patient
name
net_amount
net_price
new_ui_enabled
notes
number
occupation
old_reference_id
online_booking_policy_accepted
online_bookings_lead_time_hours
online_payment_url
online_payments_enabled
online_payments_mode
patient
patient_arrived
patient_attachments
patient_case
patient_extra_information
patient_forms
patient_ids
patient_name
patient_phone_numbers
phone_numbers
pinned_at
post_code
practitioner
practitioner_reference_numbers
practitioners
preferred_first_name
preferred_name
price
price_ex_tax
price_including_tax
print_settings
privacy_policy_accepted
processed_at
processing_completed
product
product_supplier
product_supplier_name
pronouns
provider_number
quantity
rate
receives_confirmation_emails
reference_number
referral
referral_source
referral_source_type
referral_type
referrer
referrer_type
referrers
referring_doctor
reminder_type
repeat_rule
repeated_from
repeats
restricted_to_practitioner
role
serial_number
sex
show_in_online_bookings
signatures
size
sms_reminder_sent
starts_at
state
status
status_description
stock_level
subcategories
subcategory
tax
tax_amount
tax_name
tax_rate
telehealth_enabled
telehealth_url
time_zone
time_zone_identifier
title
to
total_amount
total_including_tax
treatment_note_status
treatment_note_template
type
type_code
unit_price
updated_at
url
user
user_active
website_address
`
    .trim()
    .split('\n'),
);

const INDEX: ReadonlyMap<string, number> = new Map(FIELD_NAMES.map((name, index) => [name, index]));
/** The form every field hash has (`base64Of48Bits`): 48 bits as base64url. */
const HASH = /^[A-Za-z0-9_-]{8}$/;
const HASH_BYTES = 6;
const LENGTH_BYTES = 2;

export interface PackedFieldHashes {
  /** The hashes of the table's names; absent when there are none. */
  readonly packed: Uint8Array | undefined;
  /** Everything else, name → hash. */
  readonly rest: Record<string, string>;
}

export function packFieldHashes(hashes: Readonly<Record<string, string>>): PackedFieldHashes {
  const indexed: [number, string][] = [];
  const others: [string, string][] = [];
  for (const [name, hash] of Object.entries(hashes)) {
    const index = INDEX.get(name);
    if (index !== undefined && HASH.test(hash)) indexed.push([index, hash]);
    else others.push([name, hash]);
  }
  // Built from entries: a field may be named anything, `__proto__` included.
  const rest = Object.fromEntries(others);
  if (indexed.length === 0) return { packed: undefined, rest };
  indexed.sort((a, b) => a[0] - b[0]);
  const bitmapBytes = ((indexed.at(-1)?.[0] ?? 0) >> 3) + 1;
  const packed = Buffer.alloc(LENGTH_BYTES + bitmapBytes + indexed.length * HASH_BYTES);
  packed.writeUInt16BE(bitmapBytes, 0);
  let offset = LENGTH_BYTES + bitmapBytes;
  for (const [index, hash] of indexed) {
    const at = LENGTH_BYTES + (index >> 3);
    packed[at] = (packed[at] ?? 0) | (0x80 >> (index & 7));
    offset += packed.write(hash, offset, 'base64url');
  }
  return { packed, rest };
}

/** The name → hash map a packed attribute holds; a malformed one is a `StateCorruptError`. */
export function unpackFieldHashes(packed: Uint8Array): Record<string, string> {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const hashes: Record<string, string> = {};
  const bitmapBytes = bytes.length >= LENGTH_BYTES ? bytes.readUInt16BE(0) : Number.NaN;
  let offset = LENGTH_BYTES + bitmapBytes;
  for (let index = 0; index < bitmapBytes * 8 && offset <= bytes.length; index++) {
    if (((bytes[LENGTH_BYTES + (index >> 3)] ?? 0) & (0x80 >> (index & 7))) === 0) continue;
    const name = FIELD_NAMES[index];
    if (name === undefined) offset = Number.NaN;
    else hashes[name] = bytes.toString('base64url', offset, offset + HASH_BYTES);
    offset += HASH_BYTES;
  }
  if (offset !== bytes.length) {
    throw new StateCorruptError(
      "A record state's packed field hashes do not fit the field table; was the state table written by another tool, or by a newer version of the bridge?",
    );
  }
  return hashes;
}
