/**
 * The API writes of the resources added in issue #13, over real HTTP: create (201, Location, the
 * record, logged `created`), validation (422), update (200, logged `updated`), and 404 for the
 * writes Cliniko does not offer — those records change through the test backdoor instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { quirkSimulator, T0 } from '../quirks/quirk-sim.js';
import { api, control } from '../sim-client.js';
import { READ_ONLY, type Related, related, WRITES } from './write-cases.js';

let sim: RunningSimulator;
let ids: Related;
beforeAll(async () => {
  sim = await quirkSimulator(131);
  ids = await related(sim);
});
afterAll(() => sim.close());

const lastChange = () => sim.changes().at(-1);

describe.each(Object.entries(WRITES))('%s', (resource, cases) => {
  it('creates a record with 201, the record, a Location header and a created changelog entry', async () => {
    const { body, expect: fields } = await cases.create(ids);

    const reply = await api(sim, 'POST', `/${resource}`, body);

    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ ...fields, created_at: T0, updated_at: T0 });
    const id = String(reply.body.id);
    expect(id).toMatch(/^\d{18,19}$/);
    expect(reply.headers.get('location')).toBe(`${sim.baseUrl}/${resource}/${id}`);
    expect((await api(sim, 'GET', `/${resource}/${id}`)).body).toEqual(reply.body);
    expect(lastChange()).toMatchObject({ resource, id, action: 'created', updated_at: T0 });
  });

  it('refuses a create without its required fields with 422 Validation Failed', async () => {
    const reply = await api(sim, 'POST', `/${resource}`, {});

    expect(reply.status).toBe(422);
    expect(reply.body.message).toBe('Validation Failed');
    expect(Object.values(reply.body.errors as object)).toContain("can't be blank");
  });

  const update = cases.update;
  if (update) {
    it('updates a record with PATCH: 200, the new record and an updated changelog entry', async () => {
      const created = await api(sim, 'POST', `/${resource}`, (await cases.create(ids)).body);
      const id = String(created.body.id);

      const reply = await api(sim, 'PATCH', `/${resource}/${id}`, update.body);

      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject(update.expect);
      expect((await api(sim, 'GET', `/${resource}/${id}`)).body).toMatchObject(update.expect);
      expect(lastChange()).toMatchObject({ resource, id, action: 'updated' });
    });
  } else {
    it('has no update: PATCH answers 404 and changes nothing', async () => {
      const created = await api(sim, 'POST', `/${resource}`, (await cases.create(ids)).body);
      const seq = sim.changes().length;

      const reply = await api(sim, 'PATCH', `/${resource}/${String(created.body.id)}`, { notes: 'x' });

      expect(reply.status).toBe(404);
      expect(sim.changes(seq)).toEqual([]);
    });
  }
});

describe.each(READ_ONLY)('%s (read-only in the API)', (resource) => {
  it('answers 404 to POST and PATCH, and changes through the backdoor with a changelog entry', async () => {
    const planted = await control(sim, 'POST', `records/${resource}`, {});
    const id = String(planted.body.id);

    const post = await api(sim, 'POST', `/${resource}`, {});
    const patch = await api(sim, 'PATCH', `/${resource}/${id}`, {});
    const set = await control(sim, 'PATCH', `records/${resource}/${id}`, { set: { updated_at: T0 } });

    expect(planted.status).toBe(201);
    expect(post.status).toBe(404);
    expect(patch.status).toBe(404);
    expect(set.status).toBe(200);
    expect((await api(sim, 'GET', `/${resource}/${id}`)).status).toBe(200);
    expect(
      sim
        .changes()
        .slice(-2)
        .map((c) => [c.resource, c.id, c.action]),
    ).toEqual([
      [resource, id, 'created'],
      [resource, id, 'updated'],
    ]);
  });
});

describe('validation of the new resources', () => {
  const invalid: [string, (r: Related) => Record<string, unknown>, Record<string, string>][] = [
    [
      'unavailable_blocks',
      (r) => ({
        practitioner_id: r.practitioner,
        business_id: r.business,
        starts_at: '2026-12-01T02:00:00Z',
        ends_at: '2026-12-01T01:00:00Z',
      }),
      { ends_at: 'must be after the start time' },
    ],
    [
      'invoice_items',
      (r) => ({ invoice_id: r.invoice, quantity: 0, unit_price: '10' }),
      { quantity: 'must be greater than 0' },
    ],
    [
      'communications',
      (r) => ({ patient_id: r.patient, type_code: 9, content: 'x' }),
      { type_code: 'is not included in the list' },
    ],
    ['taxes', () => ({ name: 'Odd', rate: 101 }), { rate: 'must be between 0 and 100' }],
    [
      'stock_adjustments',
      (r) => ({ product_id: r.product, adjustment_type: 'Lost', quantity: 1 }),
      { adjustment_type: 'is not included in the list' },
    ],
    [
      'patient_attachments',
      (r) => ({ patient_id: r.patient, upload_url: 'not a url' }),
      { upload_url: 'is invalid' },
    ],
    [
      'patient_forms',
      (r) => ({ patient_id: r.patient, patient_form_template_id: '123456789012345678' }),
      { patient_form_template: 'must exist' },
    ],
    [
      'patient_cases',
      (r) => ({ patient_id: r.patient, name: 'Case', issue_date: '2026-06-01', expiry_date: '2026-05-01' }),
      { expiry_date: 'must be on or after the issue date' },
    ],
    ['billable_items', (r) => ({ name: 'Fee', price: 'free', tax_id: r.tax }), { price: 'is not a number' }],
    [
      'referral_sources',
      (r) => ({ patient_id: r.patient, referral_source_type_id: '123456789012345678' }),
      { referral_source_type: 'must exist' },
    ],
  ];

  it.each(invalid)('%s: answers 422 with the errors of an invalid create', async (resource, body, errors) => {
    const reply = await api(sim, 'POST', `/${resource}`, body(ids));

    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({ message: 'Validation Failed', errors });
  });

  it('refuses a patient form for an attendee of another patient', async () => {
    const other = await api(sim, 'POST', '/patients', { first_name: 'Other', last_name: 'Patient' });

    const reply = await api(sim, 'POST', '/patient_forms', {
      patient_id: String(other.body.id),
      attendee_id: ids.attendee,
      name: 'Intake',
    });

    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual({ attendee: "must belong to the form's patient" });
  });

  it('refuses a second concession price for the same billable item and concession type', async () => {
    const pair = { billable_item_id: await ids.newBillableItem(), concession_type_id: ids.concessionType };
    await api(sim, 'POST', '/concession_prices', { ...pair, price: '5' });

    const reply = await api(sim, 'POST', '/concession_prices', { ...pair, price: '6' });

    expect(reply.status).toBe(422);
    expect(reply.body.errors).toEqual({
      base: 'A price for this billable item and concession type already exists',
    });
  });
});
