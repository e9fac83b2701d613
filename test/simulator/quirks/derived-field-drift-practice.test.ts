/**
 * Derived fields of the resources added in issue #13: a product's `stock_level` (its stock
 * adjustments) and `product_supplier_name` (its supplier), a patient case's `attendee_ids` (the
 * attendees booked under it). With `derived-field-drift` they follow their source at once, without
 * moving `updated_at` or logging a change; without it, at the record's own next write.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../../simulator/index.js';
import { api, items, linkId } from '../sim-client.js';
import { advance, quirkSimulator, T0 } from './quirk-sim.js';

let sim: RunningSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function newProduct(world: RunningSimulator): Promise<{ product: string; supplier: string }> {
  const supplier = await api(world, 'POST', '/product_suppliers', { name: 'Balance Co' });
  const product = await api(world, 'POST', '/products', {
    name: 'Wobble board',
    price_ex_tax: '40',
    product_supplier_id: String(supplier.body.id),
  });
  return { product: String(product.body.id), supplier: String(supplier.body.id) };
}

/** A new case for the patient of the first attendee, and that attendee. */
async function caseAndAttendee(world: RunningSimulator): Promise<{ patientCase: string; attendee: string }> {
  const attendee = items(await api(world, 'GET', '/attendees?per_page=1'), 'attendees')[0];
  const reply = await api(world, 'POST', '/patient_cases', {
    patient_id: linkId(attendee?.patient),
    name: 'Care plan',
  });
  return { patientCase: String(reply.body.id), attendee: String(attendee?.id) };
}

const get = async (world: RunningSimulator, path: string) => (await api(world, 'GET', path)).body;

describe('derived-field-drift on products and patient cases', () => {
  it("moves a product's stock_level with a stock adjustment, silently", async () => {
    sim = await quirkSimulator(151, ['derived-field-drift']);
    const { product } = await newProduct(sim);
    await advance(sim, 60);
    const seq = sim.changes().length;

    await api(sim, 'POST', '/stock_adjustments', {
      product_id: product,
      adjustment_type: 'Stock purchase',
      quantity: 12,
    });
    await api(sim, 'POST', '/stock_adjustments', {
      product_id: product,
      adjustment_type: 'Damaged',
      quantity: 2,
    });

    expect(await get(sim, `/products/${product}`)).toMatchObject({ stock_level: 10, updated_at: T0 });
    expect(sim.changes(seq).map((c) => c.resource)).toEqual(['stock_adjustments', 'stock_adjustments']);
  });

  it("follows a supplier's new name in its products' product_supplier_name, silently", async () => {
    sim = await quirkSimulator(152, ['derived-field-drift']);
    const { product, supplier } = await newProduct(sim);
    await advance(sim, 60);

    await api(sim, 'PATCH', `/product_suppliers/${supplier}`, { name: 'Balance Co Pty Ltd' });

    expect(await get(sim, `/products/${product}`)).toMatchObject({
      product_supplier_name: 'Balance Co Pty Ltd',
      updated_at: T0,
    });
  });

  it("adds an attendee booked under a case to the case's attendee_ids, silently", async () => {
    sim = await quirkSimulator(153, ['derived-field-drift']);
    const { patientCase, attendee } = await caseAndAttendee(sim);
    await advance(sim, 60);
    const seq = sim.changes().length;

    await api(sim, 'PATCH', `/attendees/${attendee}`, { patient_case_id: patientCase });
    const linked = await get(sim, `/patient_cases/${patientCase}`);
    await api(sim, 'PATCH', `/attendees/${attendee}`, { patient_case_id: null });
    const unlinked = await get(sim, `/patient_cases/${patientCase}`);

    expect(linked).toMatchObject({ attendee_ids: [attendee], updated_at: T0 });
    expect(unlinked).toMatchObject({ attendee_ids: [], updated_at: T0 });
    expect(sim.changes(seq).map((c) => c.resource)).toEqual(['attendees', 'attendees']);
  });

  it('leaves them as they were until the record itself is written while the quirk is off', async () => {
    sim = await quirkSimulator(154);
    const { product, supplier } = await newProduct(sim);
    const { patientCase, attendee } = await caseAndAttendee(sim);
    const later = await advance(sim, 60);

    await api(sim, 'POST', '/stock_adjustments', {
      product_id: product,
      adjustment_type: 'Stock purchase',
      quantity: 5,
    });
    await api(sim, 'PATCH', `/product_suppliers/${supplier}`, { name: 'Renamed' });
    await api(sim, 'PATCH', `/attendees/${attendee}`, { patient_case_id: patientCase });
    const staleProduct = await get(sim, `/products/${product}`);
    const staleCase = await get(sim, `/patient_cases/${patientCase}`);
    await api(sim, 'PATCH', `/products/${product}`, { notes: 'Counted' });
    await api(sim, 'PATCH', `/patient_cases/${patientCase}`, { notes: 'Reviewed' });

    expect(staleProduct).toMatchObject({ stock_level: 0, product_supplier_name: 'Balance Co' });
    expect(staleCase).toMatchObject({ attendee_ids: [] });
    expect(await get(sim, `/products/${product}`)).toMatchObject({
      stock_level: 5,
      product_supplier_name: 'Renamed',
      updated_at: later,
    });
    expect(await get(sim, `/patient_cases/${patientCase}`)).toMatchObject({ attendee_ids: [attendee] });
  });
});

describe('seeded derived fields', () => {
  it("start consistent: a product's stock level is the sum of its adjustments", async () => {
    sim = await quirkSimulator(155);
    const product = items(await api(sim, 'GET', '/products?per_page=1'), 'products')[0];
    const adjustments = items(
      await api(sim, 'GET', `/stock_adjustments?per_page=100&q[]=product_id:=${String(product?.id)}`),
      'stock_adjustments',
    );
    const signs: Record<string, number> = { 'Stock purchase': 1, Returned: 1 };

    const sum = adjustments.reduce(
      (total, a) => total + (signs[String(a.adjustment_type)] ?? -1) * Number(a.quantity),
      0,
    );

    expect(adjustments.length).toBeGreaterThan(0);
    expect(product?.stock_level).toBe(sum);
  });

  it("start consistent: a case's attendee_ids are the attendees linked to it", async () => {
    sim = await quirkSimulator(156);
    const cases = items(await api(sim, 'GET', '/patient_cases?per_page=100'), 'patient_cases');
    const withAttendees = cases.find((c) => Array.isArray(c.attendee_ids) && c.attendee_ids.length > 0);
    const attendees = items(
      await api(
        sim,
        'GET',
        `/attendees?per_page=100&q[]=patient_case_id:=${String(withAttendees?.id)}&q[]=cancelled_at:*&q[]=archived_at:*`,
      ),
      'attendees',
    );

    expect(attendees.map((a) => a.id).sort()).toEqual(
      [...((withAttendees?.attendee_ids as string[]) ?? [])].sort(),
    );
    expect(attendees.length).toBeGreaterThan(0);
  });
});
