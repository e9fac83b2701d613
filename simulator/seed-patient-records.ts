/**
 * Seeds the records kept about patients, added after the first eleven: cases, how they were
 * referred, the forms sent for their bookings (most completed), attachments, communications and
 * the lines of every invoice (adding up to its total). Part of seeding the practice; own random
 * stream.
 */
import { formatTimestamp } from './clock.js';
import type { Random } from './random.js';
import { lineOf } from './resources/invoice-items.js';
import { type GenerateContext, link, type ResourceModel } from './resources/model.js';
import { answered } from './resources/patient-forms.js';
import { findModel } from './resources/registry.js';
import { seedGenerated, type Window } from './seed-generated.js';
import type { PracticeSizes } from './seed-practice.js';
import type { Body, Store } from './store.js';

function model(name: string): ResourceModel {
  const found = findModel(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

export function seedPatientRecords(
  store: Store,
  ctx: GenerateContext,
  sizes: PracticeSizes,
  history: Window,
): void {
  const { patients, appointments } = sizes;
  seedGenerated(store, ctx, model('patient_cases'), Math.max(2, Math.round(patients / 12)), history);
  seedReferralSources(store, ctx, Math.max(2, Math.round(patients / 8)));
  const forms = model('patient_forms');
  seedGenerated(store, ctx, forms, Math.max(4, Math.round(appointments / 6)), history, (form) =>
    completed(form, ctx),
  );
  seedGenerated(store, ctx, model('patient_attachments'), Math.max(2, Math.round(patients / 8)), history);
  seedGenerated(store, ctx, model('communications'), Math.max(4, Math.round(appointments / 5)), history);
  seedInvoiceLines(store, ctx);
}

/** Some patients say how they heard of the clinic, when they first came. */
function seedReferralSources(store: Store, ctx: GenerateContext, count: number): void {
  const sources = model('referral_sources');
  const patients = ctx.account.table('patients').ordered();
  const share = Math.min(1, count / Math.max(1, patients.length));
  for (const record of patients) {
    const patient = record.latest()?.body;
    if (!patient || record.latest()?.deleted || !ctx.random.chance(share)) continue;
    const createdAt = String(patient.created_at);
    const body = sources.generate(ctx.account.ids.next(), ctx, createdAt);
    if (!body) continue;
    const referrer = body.referrer;
    const selfReferred = JSON.stringify(referrer) === JSON.stringify(link('patients', record.id));
    store.seed(ctx.account, sources.name, {
      ...body,
      patient: link('patients', record.id),
      referrer: selfReferred ? null : (referrer ?? null),
    });
  }
}

/** Most forms were completed by the patient, a little after they were sent. */
function completed(form: Body, ctx: GenerateContext): Body {
  if (!ctx.random.chance(0.7)) return form;
  const completedAt = later(String(form.created_at), ctx.nowMs, ctx.random);
  return {
    ...form,
    completed_at: completedAt,
    content: answered(form.content, ctx.random),
    signatures: link('patient_forms', String(form.id), '/signatures'),
    updated_at: completedAt,
  };
}

/** A time up to three days after `from`, never after `end`. */
function later(from: string, end: number, random: Random): string {
  const at = Date.parse(from) + random.int(600, 3 * 86_400) * 1000;
  return formatTimestamp(Math.min(at, end - 1000));
}

/**
 * Every invoice's lines, written with it: usually one consultation; sometimes a product too. The
 * consultation's price makes the lines add up to the invoice's total.
 */
function seedInvoiceLines(store: Store, ctx: GenerateContext): void {
  for (const record of ctx.account.table('invoices').ordered()) {
    const invoice = record.latest()?.body;
    if (!invoice) continue;
    const total = Number(invoice.total_amount);
    const createdAt = String(invoice.created_at);
    const productId = ctx.random.chance(0.2) ? ctx.pick('products') : undefined;
    const product = productId ? ctx.account.current('products', productId) : undefined;
    const productPrice = Number(product?.price_including_tax ?? 0);
    const withProduct = productId !== undefined && productPrice > 0 && productPrice < total;
    const lines: { product?: string; item?: string; price: number }[] = [];
    if (withProduct) lines.push({ product: productId, price: productPrice });
    const price = Math.round((total - (withProduct ? productPrice : 0)) * 100) / 100;
    const item = closestService(ctx, price);
    lines.push({ ...(item ? { item } : {}), price });
    for (const line of lines) {
      const body = lineOf(ctx.account.ids.next(), ctx, invoice, { ...line, createdAt });
      store.seed(ctx.account, 'invoice_items', body);
    }
  }
}

/** The service whose list price is nearest `price` (the consultation an invoice most likely charged). */
function closestService(ctx: GenerateContext, price: number): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const record of ctx.account.table('billable_items').ordered()) {
    const item = record.latest()?.body;
    if (item?.item_type !== 'Service') continue;
    const distance = Math.abs(Number(item.price) - price);
    if (!best || distance < best.distance) best = { id: record.id, distance };
  }
  return best?.id;
}
