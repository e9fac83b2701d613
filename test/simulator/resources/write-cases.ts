/**
 * Test helper: for each resource added in issue #13, the API writes it offers (a create request
 * and the fields it must set, an update and its effect) and its lifecycle actions, with the ids of
 * existing records those requests link to; and, for the bridge's tests, one way to create, change
 * and delete a record of each (the API where Cliniko has the write, the backdoor otherwise).
 */
import type { RunningSimulator } from '../../../simulator/index.js';
import { T0 } from '../quirks/quirk-sim.js';
import { api, control, items, linkId, type Rec } from '../sim-client.js';

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

/**
 * Changes to the resources whose records the API creates or reads but never updates, made through
 * the backdoor as Cliniko's own screens would make them. The values are ones no seed or churn
 * produces, so each is a real change: the simulator logs a write that changes nothing as `updated`
 * too, and no bridge can report that.
 */
export const BACKDOOR_UPDATES: Readonly<Record<string, Rec>> = {
  availability_blocks: { ends_at: '2026-12-01T03:00:00Z' },
  stock_adjustments: { comment: 'Recounted on Friday' },
  users: { email: 'renamed.user@clinic.example.com' },
  daily_availabilities: { availabilities: [{ starts_at: '07:15', ends_at: '11:45' }] },
  concession_types: { name: 'Student (renamed)' },
  referral_source_types: { name: 'Word of mouth (renamed)' },
};

/** Whether the simulator can create and update a resource's records, and how; undefined if it cannot. */
export function writePaths(
  resource: string,
): { readonly create: 'api' | 'backdoor'; readonly update: 'api' | 'backdoor' } | undefined {
  const writes = WRITES[resource];
  const create = writes ? 'api' : READ_ONLY.includes(resource) ? 'backdoor' : undefined;
  const update = writes?.update ? 'api' : resource in BACKDOOR_UPDATES ? 'backdoor' : undefined;
  return create && update ? { create, update } : undefined;
}

function noWritePath(resource: string): never {
  throw new Error(
    `${resource}: the simulator has no create or update path for it; add one to WRITES, READ_ONLY or BACKDOOR_UPDATES (test/simulator/resources/write-cases.ts)`,
  );
}

async function accepted(reply: Promise<{ status: number; body: Rec }>, what: string): Promise<Rec> {
  const { status, body } = await reply;
  if (status >= 300) throw new Error(`${what} answered ${status}`);
  return body;
}

/** Creates a record of `resource` (its API's create, or the backdoor's); its id. */
export async function createRecord(sim: RunningSimulator, resource: string, r: Related): Promise<string> {
  const path = writePaths(resource)?.create ?? noWritePath(resource);
  if (path === 'backdoor') {
    const planted = await accepted(
      control(sim, 'POST', `records/${resource}`, {}),
      `backdoor POST ${resource}`,
    );
    return String(planted.id);
  }
  const { body } = await (WRITES[resource] ?? noWritePath(resource)).create(r);
  return String((await accepted(api(sim, 'POST', `/${resource}`, body), `POST /${resource}`)).id);
}

/** Changes a record of `resource` (its API's update, or a backdoor change that moves `updated_at`). */
export async function updateRecord(sim: RunningSimulator, resource: string, id: string): Promise<void> {
  const path = writePaths(resource)?.update ?? noWritePath(resource);
  if (path === 'api') {
    const update = WRITES[resource]?.update ?? noWritePath(resource);
    await accepted(api(sim, 'PATCH', `/${resource}/${id}`, update.body), `PATCH /${resource}/${id}`);
  } else {
    const set = BACKDOOR_UPDATES[resource] ?? noWritePath(resource);
    const change = { set, touchUpdatedAt: true };
    await accepted(control(sim, 'PATCH', `records/${resource}/${id}`, change), `backdoor PATCH ${resource}`);
  }
}

/**
 * Deletes a record of `resource`: with the API's DELETE where it has one, through the backdoor
 * otherwise, leaving `deleted_at` where the record has it (`hasDeletedAt`) and no trace elsewhere.
 */
export async function deleteRecord(
  sim: RunningSimulator,
  resource: string,
  id: string,
  hasDeletedAt: boolean,
): Promise<void> {
  if (LIFECYCLE[resource]?.delete) {
    await accepted(api(sim, 'DELETE', `/${resource}/${id}`), `DELETE /${resource}/${id}`);
  } else {
    const trace = hasDeletedAt ? 'deleted_at' : 'none';
    await accepted(
      control(sim, 'DELETE', `records/${resource}/${id}?trace=${trace}`),
      `backdoor DELETE ${resource}`,
    );
  }
}
