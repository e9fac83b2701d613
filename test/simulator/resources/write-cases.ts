/**
 * Test helper: for each resource added in issue #13, the API writes it offers (a create request
 * and the fields it must set, an update and its effect) and its lifecycle actions, with the ids of
 * existing records those requests link to.
 */
import type { RunningSimulator } from '../../../simulator/index.js';
import { T0 } from '../quirks/quirk-sim.js';
import { api, items, linkId, type Rec } from '../sim-client.js';

export interface Related {
  readonly practitioner: string;
  readonly business: string;
  readonly patient: string;
  /** An attendee of `patient`. */
  readonly attendee: string;
  readonly invoice: string;
  readonly billableItem: string;
  /** Creates a billable item, for which no concession price exists yet. */
  readonly newBillableItem: () => Promise<string>;
  readonly product: string;
  readonly productSupplier: string;
  readonly tax: string;
  readonly formTemplate: string;
  readonly referralType: string;
  readonly concessionType: string;
}

const first = async (sim: RunningSimulator, resource: string, query = '') =>
  items(await api(sim, 'GET', `/${resource}?per_page=1${query}`), resource)[0] ?? {};

export async function related(sim: RunningSimulator): Promise<Related> {
  const attendee = await first(sim, 'attendees');
  const tax = String((await first(sim, 'taxes')).id);
  const newBillableItem = async () =>
    String(
      (await api(sim, 'POST', '/billable_items', { name: 'Test item', price: '10', tax_id: tax })).body.id,
    );
  return {
    practitioner: String((await first(sim, 'practitioners')).id),
    business: String((await first(sim, 'businesses')).id),
    patient: linkId(attendee.patient) ?? '',
    attendee: String(attendee.id),
    invoice: String((await first(sim, 'invoices')).id),
    billableItem: String((await first(sim, 'billable_items')).id),
    newBillableItem,
    product: String((await first(sim, 'products')).id),
    productSupplier: String((await first(sim, 'product_suppliers')).id),
    tax,
    formTemplate: String((await first(sim, 'patient_form_templates')).id),
    referralType: String((await first(sim, 'referral_source_types')).id),
    concessionType: String((await first(sim, 'concession_types')).id),
  };
}

export interface Created {
  readonly body: Rec;
  readonly expect: Rec;
}

export interface WriteCase {
  /** A valid create request and fields the created record must have. */
  readonly create: (r: Related) => Created | Promise<Created>;
  /** An update request and fields the updated record must have (absent: the API has no update). */
  readonly update?: { readonly body: Rec; readonly expect: Rec };
}

const START = { starts_at: '2026-12-01T01:00:00Z', ends_at: '2026-12-01T02:00:00Z' };

/** The resources the API creates; `update` where it also updates them. */
export const WRITES: Readonly<Record<string, WriteCase>> = {
  unavailable_blocks: {
    create: (r) => ({
      body: { practitioner_id: r.practitioner, business_id: r.business, notes: 'Lunch', ...START },
      expect: { notes: 'Lunch', ...START },
    }),
    update: { body: { notes: 'Staff meeting' }, expect: { notes: 'Staff meeting' } },
  },
  availability_blocks: {
    create: (r) => ({
      body: { practitioner_id: r.practitioner, business_id: r.business, ...START },
      expect: START,
    }),
  },
  patient_cases: {
    create: (r) => ({
      body: {
        patient_id: r.patient,
        name: 'Workers compensation',
        max_sessions: 6,
        issue_date: '2026-06-01',
      },
      expect: { name: 'Workers compensation', max_sessions: 6, issue_date: '2026-06-01', attendee_ids: [] },
    }),
    update: { body: { closed: true, notes: 'Discharged' }, expect: { closed: true, notes: 'Discharged' } },
  },
  patient_forms: {
    create: (r) => ({
      body: { patient_id: r.patient, attendee_id: r.attendee, patient_form_template_id: r.formTemplate },
      expect: { completed_at: null, signatures: null },
    }),
    update: { body: { completed: true }, expect: { completed_at: T0, signatures: { links: {} } } },
  },
  patient_form_templates: {
    create: () => ({
      body: { name: 'Falls risk screen', content: { sections: [] } },
      expect: { name: 'Falls risk screen', archived_at: null },
    }),
    update: { body: { restricted_to_practitioner: true }, expect: { restricted_to_practitioner: true } },
  },
  patient_attachments: {
    create: (r) => ({
      body: {
        patient_id: r.patient,
        description: 'Scan',
        upload_url: 'https://uploads.example.com/u/knee-scan.pdf',
      },
      expect: {
        filename: 'knee-scan.pdf',
        content_type: 'application/pdf',
        description: 'Scan',
        processed_at: null,
      },
    }),
    update: { body: { description: 'Knee scan' }, expect: { description: 'Knee scan' } },
  },
  communications: {
    create: (r) => ({
      body: { patient_id: r.patient, type_code: 3, direction_code: 2, content: 'Patient called' },
      expect: { type: 'Phone call', direction_description: 'Received', category: 'Memo', category_code: 12 },
    }),
    update: { body: { content: 'Patient called back' }, expect: { content: 'Patient called back' } },
  },
  invoice_items: {
    create: (r) => ({
      body: { invoice_id: r.invoice, billable_item_id: r.billableItem, quantity: 2, unit_price: '50' },
      expect: { quantity: 2, unit_price: '50.0', total_including_tax: 100 },
    }),
    update: { body: { quantity: 3 }, expect: { quantity: 3, total_including_tax: 150 } },
  },
  billable_items: {
    create: (r) => ({
      body: { name: 'Dry needling', price: '20', tax_id: r.tax, item_type: 'Service' },
      expect: { name: 'Dry needling', price: '20.0' },
    }),
    update: { body: { price: '25.5' }, expect: { price: '25.5' } },
  },
  products: {
    create: (r) => ({
      body: {
        name: 'Wobble board',
        price_ex_tax: '40',
        tax_id: r.tax,
        product_supplier_id: r.productSupplier,
      },
      expect: { name: 'Wobble board', price_ex_tax: '40.0', stock_level: 0 },
    }),
    update: { body: { notes: 'Reorder at 5' }, expect: { notes: 'Reorder at 5' } },
  },
  product_suppliers: {
    create: () => ({ body: { name: 'Balance Co' }, expect: { name: 'Balance Co' } }),
    update: { body: { name: 'Balance Co Pty Ltd' }, expect: { name: 'Balance Co Pty Ltd' } },
  },
  stock_adjustments: {
    create: (r) => ({
      body: { product_id: r.product, adjustment_type: 'Stock purchase', quantity: 12 },
      expect: { adjustment_type: 'Stock purchase', quantity: 12 },
    }),
  },
  taxes: {
    create: () => ({ body: { name: 'HST', rate: 13 }, expect: { name: 'HST', rate: 13, amount: 13 } }),
    update: { body: { rate: 15 }, expect: { rate: 15, amount: 15 } },
  },
  concession_prices: {
    create: async (r) => ({
      body: { billable_item_id: await r.newBillableItem(), concession_type_id: r.concessionType, price: '8' },
      expect: { price: '8.0' },
    }),
    update: { body: { price: '7.5' }, expect: { price: '7.5' } },
  },
  referral_sources: {
    create: (r) => ({
      body: { patient_id: r.patient, referral_source_type_id: r.referralType, notes: 'Saw a flyer' },
      expect: { notes: 'Saw a flyer' },
    }),
    update: { body: { notes: 'Flyer at the gym' }, expect: { notes: 'Flyer at the gym' } },
  },
  treatment_note_templates: {
    create: () => ({
      body: { name: 'Falls assessment', content: { sections: [] } },
      expect: { name: 'Falls assessment', deleted_at: null },
    }),
    update: { body: { name: 'Falls risk assessment' }, expect: { name: 'Falls risk assessment' } },
  },
  practitioner_reference_numbers: {
    create: (r) => ({
      body: {
        practitioner_id: r.practitioner,
        business_id: r.business,
        name: 'Medicare provider number',
        reference_number: '123456AB',
      },
      expect: { reference_number: '123456AB' },
    }),
    update: { body: { reference_number: '654321BA' }, expect: { reference_number: '654321BA' } },
  },
};

/** Resources the API only reads: they change through churn and the test backdoor. */
export const READ_ONLY = ['users', 'daily_availabilities', 'concession_types', 'referral_source_types'];

/** Lifecycle actions per resource: archive (and unarchive), and what a delete leaves. */
export const LIFECYCLE: Readonly<
  Record<string, { archive: boolean; delete: 'deleted_at' | 'nothing' | false }>
> = {
  unavailable_blocks: { archive: true, delete: 'deleted_at' },
  availability_blocks: { archive: false, delete: 'nothing' },
  daily_availabilities: { archive: false, delete: false },
  patient_cases: { archive: true, delete: false },
  patient_forms: { archive: false, delete: false },
  patient_form_templates: { archive: true, delete: false },
  patient_attachments: { archive: true, delete: 'nothing' },
  communications: { archive: true, delete: false },
  invoice_items: { archive: true, delete: 'deleted_at' },
  billable_items: { archive: true, delete: false },
  products: { archive: true, delete: false },
  product_suppliers: { archive: false, delete: false },
  stock_adjustments: { archive: false, delete: false },
  taxes: { archive: false, delete: false },
  concession_types: { archive: false, delete: false },
  concession_prices: { archive: false, delete: false },
  referral_sources: { archive: false, delete: false },
  referral_source_types: { archive: false, delete: false },
  treatment_note_templates: { archive: true, delete: 'deleted_at' },
  practitioner_reference_numbers: { archive: false, delete: 'nothing' },
  users: { archive: false, delete: false },
};
