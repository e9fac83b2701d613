/**
 * The made-up records behind the catalog's example events: one per stream, in the shape Cliniko
 * returns (ids as strings, related records as links), with the fields an `updated` example changes.
 * Field names and JSON types follow the 2023 spec's list fields where it has them (a test checks),
 * and the simulator's records for the two resources it gives no fields (patient attachments,
 * communications). Every name, number, address and text is invented; no real person or clinic.
 */

export const EXAMPLE_API = 'https://api.au1.cliniko.com/v1';
const link = (path: string) => ({ links: { self: `${EXAMPLE_API}/${path}` } });

/** Made-up ids of the records the examples link to. */
const PATIENT = 'patients/1390726237298631770';
const PRACTITIONER = 'practitioners/1390726237298630001';
const BUSINESS = 'businesses/1390726237298630002';
const USER = 'users/1390726237298630003';
const TAX = 'taxes/1390726237298630004';
const BILLABLE_ITEM = 'billable_items/1390726237298630005';
const PRODUCT = 'products/1390726237298630006';

export interface ExampleSeed {
  readonly fields: Readonly<Record<string, unknown>>;
  /** The fields an `updated` example changes, with their new values. */
  readonly update: Readonly<Record<string, unknown>>;
}

const INTAKE_SECTIONS = [
  {
    name: 'About your visit',
    questions: [
      { name: 'What brings you in today?', type: 'paragraph', required: true },
      {
        name: 'How did the problem start?',
        type: 'radiobuttons',
        required: false,
        answers: [{ value: 'Gradually' }, { value: 'Suddenly' }, { value: 'After an injury' }],
      },
    ],
  },
];

/** Made-up records, keyed by stream name. */
export const EXAMPLE_SEEDS: Readonly<Record<string, ExampleSeed>> = {
  patients: {
    fields: {
      first_name: 'Avery',
      last_name: 'Example',
      date_of_birth: '1990-01-01',
      email: 'avery@example.com',
      patient_phone_numbers: [{ number: '0400 000 000', phone_type: 'Mobile' }],
      city: 'Exampleton',
    },
    update: { email: 'avery.example@example.org', patient_phone_numbers: [] },
  },
  individual_appointments: {
    fields: {
      starts_at: '2026-12-03T01:00:00Z',
      ends_at: '2026-12-03T01:30:00Z',
      notes: null,
      cancellation_note: null,
      cancellation_reason: null,
      patient: link(PATIENT),
      practitioner: link(PRACTITIONER),
    },
    update: { starts_at: '2026-12-03T02:00:00Z', ends_at: '2026-12-03T02:30:00Z' },
  },
  group_appointments: {
    fields: {
      starts_at: '2026-12-04T03:00:00Z',
      ends_at: '2026-12-04T04:00:00Z',
      max_attendees: 8,
      notes: null,
      practitioner: link(PRACTITIONER),
    },
    update: { max_attendees: 10 },
  },
  attendees: {
    fields: {
      arrived: null,
      notes: null,
      cancellation_note: null,
      cancellation_reason: null,
      booking: link('group_appointments/1390726237298633002'),
      patient: link(PATIENT),
    },
    update: { arrived: true },
  },
  practitioners: {
    fields: { title: 'Dr', first_name: 'Sam', last_name: 'Placeholder', designation: 'Physiotherapist' },
    update: { designation: 'Senior Physiotherapist' },
  },
  businesses: {
    fields: { business_name: 'Example Health Clinic', city: 'Exampleton', country_code: 'AU' },
    update: { business_name: 'Example Health & Movement' },
  },
  appointment_types: {
    fields: { name: 'Initial Consultation', duration_in_minutes: 45, max_attendees: 1 },
    update: { duration_in_minutes: 60 },
  },
  invoices: {
    fields: {
      number: 1042,
      issue_date: '2026-11-29',
      total_amount: '120.0',
      status: 10,
      status_description: 'Open',
      patient: link(PATIENT),
    },
    update: { status: 20, status_description: 'Paid' },
  },
  treatment_notes: {
    fields: {
      title: 'Standard consultation',
      draft: true,
      content: {
        sections: [{ name: 'Assessment', questions: [{ name: 'Notes', type: 'text', answer: '' }] }],
      },
      patient: link(PATIENT),
    },
    update: { draft: false },
  },
  medical_alerts: {
    fields: { name: 'Example alert', patient: link(PATIENT) },
    update: { name: 'Example alert (reviewed)' },
  },
  contacts: {
    fields: { first_name: 'Jordan', last_name: 'Sample', company_name: 'Example Imaging', phone_numbers: [] },
    update: { company_name: 'Example Imaging Group' },
  },
  // The diary.
  unavailable_blocks: {
    fields: {
      starts_at: '2026-12-03T02:00:00Z',
      ends_at: '2026-12-03T02:45:00Z',
      notes: 'Team meeting',
      repeat_rule: null,
      repeats: null,
      business: link(BUSINESS),
      practitioner: link(PRACTITIONER),
    },
    update: { ends_at: '2026-12-03T03:00:00Z' },
  },
  availability_blocks: {
    fields: {
      starts_at: '2026-12-05T22:00:00Z',
      ends_at: '2026-12-06T02:00:00Z',
      repeat_rule: { number_of_repeats: 4, repeat_type: 'Weekly', repeating_interval: 1 },
      business: link(BUSINESS),
      practitioner: link(PRACTITIONER),
    },
    update: { ends_at: '2026-12-06T03:00:00Z' },
  },
  daily_availabilities: {
    fields: {
      day_of_week: 2,
      availabilities: [{ starts_at: '09:00', ends_at: '17:00' }],
      time_zone: 'Melbourne',
      time_zone_identifier: 'Australia/Melbourne',
      business: link(BUSINESS),
      practitioner: link(PRACTITIONER),
    },
    update: {
      availabilities: [
        { starts_at: '09:00', ends_at: '12:30' },
        { starts_at: '13:30', ends_at: '17:00' },
      ],
    },
  },
  practitioner_reference_numbers: {
    fields: {
      name: 'Provider number',
      reference_number: '000000XA',
      business: link(BUSINESS),
      practitioner: link(PRACTITIONER),
    },
    update: { reference_number: '000000XB' },
  },
  // Patient records.
  patient_cases: {
    fields: {
      name: 'Example scheme – knee rehabilitation',
      issue_date: '2026-11-20',
      expiry_date: '2027-05-20',
      closed: false,
      max_sessions: 10,
      max_invoiceable_amount: null,
      include_cancelled_attendees: false,
      include_dna_attendees: null,
      referral: true,
      referral_type: 'Example scheme',
      notes: null,
      attendee_ids: [],
      contact: link('contacts/1390726237298630007'),
      patient: link(PATIENT),
    },
    update: { closed: true, notes: 'Goals met; discharged.' },
  },
  patient_forms: {
    fields: {
      name: 'New Patient Intake',
      completed_at: null,
      content: { sections: INTAKE_SECTIONS },
      email_to_patient_on_completion: true,
      restricted_to_practitioner: false,
      url: 'https://example-clinic.example.com/forms/8f3a2c',
      attendee: link('attendees/1390726237298630008'),
      booking: link('bookings/1390726237298630009'),
      patient: link(PATIENT),
    },
    update: { completed_at: '2026-11-29T10:20:07Z' },
  },
  patient_form_templates: {
    fields: {
      name: 'New Patient Intake',
      content: { sections: INTAKE_SECTIONS },
      email_to_patient_on_completion: true,
      restricted_to_practitioner: false,
    },
    update: { restricted_to_practitioner: true },
  },
  patient_attachments: {
    fields: {
      filename: 'referral-letter.pdf',
      content_type: 'application/pdf',
      size: 48213,
      description: null,
      pinned_at: null,
      processed_at: '2026-11-20T09:00:04Z',
      processing_completed: true,
      patient: link(PATIENT),
      user: link(USER),
    },
    update: { description: 'Referral letter from the example GP' },
  },
  communications: {
    fields: {
      type: 'Phone call',
      type_code: 3,
      category: 'Appointment',
      category_code: 1,
      direction_code: 1,
      direction_description: 'Sent',
      confidential: false,
      content: 'Called to confirm the time of the next appointment.',
      from: null,
      to: null,
      patient: link(PATIENT),
    },
    update: { content: 'Called to confirm the time of the next appointment; left a message.' },
  },
  treatment_note_templates: {
    fields: {
      name: 'Standard consultation',
      content: {
        sections: [
          { name: 'Subjective', questions: [{ name: 'Presenting complaint', type: 'paragraph' }] },
          { name: 'Plan', questions: [{ name: 'Next step', type: 'paragraph' }] },
        ],
      },
      print_settings: {
        title: 'Standard consultation',
        include_patient_address: false,
        include_patient_dob: true,
        include_patient_medicare: false,
        include_patient_occupation: false,
        include_patient_reference_number: false,
      },
    },
    update: { name: 'Standard consultation (2027)' },
  },
  referral_sources: {
    fields: {
      subcategory: 'Search engine',
      notes: null,
      referrer: null,
      referrer_type: null,
      patient: link(PATIENT),
      referral_source_type: link('referral_source_types/1390726237298630010'),
    },
    update: { subcategory: 'Social media' },
  },
  referral_source_types: {
    fields: {
      name: 'Online',
      referrer_type: null,
      subcategories: ['Search engine', 'Social media'],
      referrers: null,
    },
    update: { subcategories: ['Search engine', 'Social media', 'Clinic website'] },
  },
  // Billing and stock.
  invoice_items: {
    fields: {
      name: 'Initial Consultation',
      code: '10960',
      quantity: 1,
      unit_price: '120.0',
      net_price: '109.09',
      discount_percentage: 0,
      discounted_amount: '0.0',
      is_monetary_discount: false,
      concession_type_name: null,
      tax_name: 'GST',
      tax_rate: 10,
      tax_amount: 10.91,
      total_including_tax: 120,
      billable_item: link(BILLABLE_ITEM),
      product: null,
      invoice: link('invoices/1390726237298630011'),
    },
    update: { discount_percentage: 10, discounted_amount: '12.0', total_including_tax: 108 },
  },
  billable_items: {
    fields: {
      name: 'Initial Consultation',
      item_code: '10960',
      item_type: 'Service',
      price: '120.0',
      tax: link(TAX),
    },
    update: { price: '125.0' },
  },
  products: {
    fields: {
      name: 'Resistance band (1.5 m)',
      item_code: 'P-1001',
      serial_number: null,
      cost_price: '7.5',
      price_ex_tax: '18.0',
      price_including_tax: '19.8',
      stock_level: 12,
      notes: null,
      product_supplier: link('product_suppliers/1390726237298630012'),
      product_supplier_name: 'Example Rehab Supplies',
      tax: link(TAX),
    },
    update: { price_ex_tax: '20.0', price_including_tax: '22.0' },
  },
  product_suppliers: {
    fields: { name: 'Example Rehab Supplies' },
    update: { name: 'Example Rehab Supplies Pty' },
  },
  stock_adjustments: {
    fields: {
      adjustment_type: 'Stock purchase',
      quantity: 10,
      comment: 'Delivery received',
      product: link(PRODUCT),
      user: link(USER),
    },
    update: { comment: 'Delivery received; one band returned damaged' },
  },
  taxes: {
    fields: { name: 'GST', rate: 10, amount: 10 },
    update: { name: 'GST (standard rate)' },
  },
  concession_types: {
    fields: { name: 'Pensioner' },
    update: { name: 'Pensioner or health care card' },
  },
  concession_prices: {
    fields: {
      price: '95.0',
      billable_item: link(BILLABLE_ITEM),
      concession_type: link('concession_types/1390726237298630013'),
    },
    update: { price: '90.0' },
  },
  // Account users.
  users: {
    fields: {
      title: 'Dr',
      first_name: 'Sam',
      last_name: 'Placeholder',
      email: 'sam.placeholder@example.com',
      phone_numbers: [{ phone_type: 'Mobile', number: '0400 000 001' }],
      role: 'practitioner',
      active: true,
      user_active: true,
      new_ui_enabled: false,
      privacy_policy_accepted: 1,
      time_zone: 'Melbourne',
      time_zone_identifier: 'Australia/Melbourne',
    },
    update: { role: 'administrator' },
  },
};
