/**
 * Background changes of the resources added after the first eleven, at a clinic's rates: mostly
 * the diary's unavailable blocks, forms sent and completed, invoice lines and communications;
 * sometimes cases, attachments (and the job that processes them), stock and referrals; rarely
 * reference data. Each goes through the one write path (API writes where Cliniko has them, the
 * prepared commit of a background job or a settings change otherwise), so each is logged.
 */
import { formatTimestamp } from './clock.js';
import type { Random } from './random.js';
import { lineOf } from './resources/invoice-items.js';
import { type GenerateContext, linkedId, type ResourceModel } from './resources/model.js';
import { answered } from './resources/patient-forms.js';
import { findModel } from './resources/registry.js';
import type { Account, Body, Json } from './store.js';
import { phoneNumber } from './vocabulary.js';
import type { Writer } from './writes.js';

export type Mutation = (account: Account, ctx: GenerateContext) => boolean;

function model(name: string): ResourceModel {
  const found = findModel(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

/** A random live record of `resource` that `test` accepts (a few tries), with its body. */
function find(
  account: Account,
  ctx: GenerateContext,
  resource: string,
  test: (body: Body) => boolean = () => true,
): { id: string; body: Body } | undefined {
  for (let tries = 0; tries < 10; tries++) {
    const id = ctx.pick(resource);
    const body = id ? account.current(resource, id) : undefined;
    if (id && body && test(body)) return { id, body };
  }
  return undefined;
}

export class PracticeChurn {
  constructor(
    private readonly writer: Writer,
    private readonly random: Random,
  ) {}

  /** The weighted mutations; the first eleven resources' own mutations weigh about 90 in all. */
  mutations(): readonly (readonly [number, Mutation])[] {
    return [
      [6, (a, c) => this.create(a, c, 'unavailable_blocks')],
      [2, (a, c) => this.moveBlock(a, c)],
      [1, (a, c) => this.lifecycle(a, c, 'unavailable_blocks', 'archive')],
      [1, (a, c) => this.lifecycle(a, c, 'unavailable_blocks', 'delete')],
      [4, (a, c) => this.create(a, c, 'patient_forms')],
      [5, (a, c) => this.completeForm(a, c)],
      [3, (a, c) => this.sellProduct(a, c)],
      [4, (a, c) => this.create(a, c, 'communications')],
      [1, (a, c) => this.lifecycle(a, c, 'communications', 'archive')],
      [2, (a, c) => this.upload(a, c)],
      [2, (a, c) => this.processAttachment(a, c)],
      [1, (a, c) => this.openCase(a, c)],
      [1, (a, c) => this.bookUnderCase(a, c)],
      [1, (a, c) => this.closeCase(a, c)],
      [1, (a, c) => this.create(a, c, 'stock_adjustments')],
      [1, (a, c) => this.create(a, c, 'referral_sources')],
      [2, (a, c) => this.changeSettings(a, c)],
    ];
  }

  /** A new invoice is written with its line, a consultation charging its total. */
  invoiceLines(account: Account, ctx: GenerateContext, invoice: Body): boolean {
    const item = ctx.pick('billable_items');
    const line = lineOf(account.ids.next(), ctx, invoice, {
      ...(item ? { item } : {}),
      createdAt: ctx.now,
      price: Number(invoice.total_amount),
    });
    return this.writer.insert(account, model('invoice_items'), line).kind === 'ok';
  }

  private create(account: Account, ctx: GenerateContext, resource: string): boolean {
    const body = model(resource).generate(account.ids.next(), ctx, ctx.now);
    return body !== undefined && this.writer.insert(account, model(resource), body).kind === 'ok';
  }

  private update(account: Account, resource: string, id: string, input: Body): boolean {
    return this.writer.update(account, model(resource), id, input).kind === 'ok';
  }

  /** A background job or a settings screen changes a record the API cannot write. */
  private job(account: Account, resource: string, body: Body): boolean {
    return (
      this.writer.commitPrepared(account, model(resource), body, 'updated', { touch: true }).kind === 'ok'
    );
  }

  private lifecycle(account: Account, ctx: GenerateContext, resource: string, action: 'archive' | 'delete') {
    const found = find(account, ctx, resource, (body) => !body.archived_at);
    if (!found) return false;
    const result =
      action === 'archive'
        ? this.writer.archive(account, model(resource), found.id)
        : this.writer.delete(account, model(resource), found.id);
    return result.kind === 'ok';
  }

  private moveBlock(account: Account, ctx: GenerateContext): boolean {
    const found = find(account, ctx, 'unavailable_blocks');
    if (!found) return false;
    if (this.random.chance(0.5))
      return this.update(account, 'unavailable_blocks', found.id, { notes: 'Rescheduled' });
    const shift = (field: string) => formatTimestamp(Date.parse(String(found.body[field])) + 3_600_000);
    return this.update(account, 'unavailable_blocks', found.id, {
      starts_at: shift('starts_at'),
      ends_at: shift('ends_at'),
    });
  }

  /** The patient fills the form in online. */
  private completeForm(account: Account, ctx: GenerateContext): boolean {
    const found = find(account, ctx, 'patient_forms', (body) => !body.completed_at);
    if (!found) return false;
    const content = answered(found.body.content, this.random) as Json;
    return this.update(account, 'patient_forms', found.id, { completed: true, content });
  }

  /** A product sold at the desk is added to an open invoice, whose total grows with it. */
  private sellProduct(account: Account, ctx: GenerateContext): boolean {
    const invoice = find(account, ctx, 'invoices', (body) => body.status === 10);
    const product = find(account, ctx, 'products', (body) => !body.archived_at);
    if (!invoice || !product) return false;
    const line = lineOf(account.ids.next(), ctx, invoice.body, { product: product.id, createdAt: ctx.now });
    if (this.writer.insert(account, model('invoice_items'), line).kind !== 'ok') return false;
    const total = Number(invoice.body.total_amount) + Number(line.total_including_tax);
    return this.update(account, 'invoices', invoice.id, { total_amount: total.toFixed(2) });
  }

  /** A new upload, not processed yet. */
  private upload(account: Account, ctx: GenerateContext): boolean {
    const body = model('patient_attachments').generate(account.ids.next(), ctx, ctx.now);
    if (!body) return false;
    const fresh = { ...body, processed_at: null, processing_completed: false, pinned_at: null };
    return this.writer.insert(account, model('patient_attachments'), fresh).kind === 'ok';
  }

  /** Cliniko's job finishes processing an upload. */
  private processAttachment(account: Account, ctx: GenerateContext): boolean {
    const found = find(account, ctx, 'patient_attachments', (body) => body.processed_at === null);
    if (!found) return false;
    return this.job(account, 'patient_attachments', {
      ...found.body,
      processed_at: ctx.now,
      processing_completed: true,
    });
  }

  /** One of a patient's bookings is put under their open case (a scan for the first such booking). */
  private bookUnderCase(account: Account, ctx: GenerateContext): boolean {
    const found = find(account, ctx, 'patient_cases', (body) => !body.closed && !body.archived_at);
    const patient = found ? linkedId(found.body.patient) : null;
    if (!found || !patient) return false;
    for (const [id, record] of account.table('attendees').records) {
      const latest = record.latest();
      const body = latest?.body;
      if (!body || latest?.deleted || body.patient_case || body.cancelled_at) continue;
      if (linkedId(body.patient) === patient)
        return this.update(account, 'attendees', id, { patient_case_id: found.id });
    }
    return false;
  }

  /** A case is opened for a patient in treatment, and their booking put under it. */
  private openCase(account: Account, ctx: GenerateContext): boolean {
    const attendee = find(account, ctx, 'attendees', (body) => !body.patient_case && !body.cancelled_at);
    const body = model('patient_cases').generate(account.ids.next(), ctx, ctx.now);
    if (!attendee || !body) return false;
    const opened = { ...body, patient: attendee.body.patient ?? null, closed: false, notes: null };
    const written = this.writer.insert(account, model('patient_cases'), opened);
    if (written.kind !== 'ok') return false;
    return this.update(account, 'attendees', attendee.id, { patient_case_id: String(written.body.id) });
  }

  private closeCase(account: Account, ctx: GenerateContext): boolean {
    const found = find(account, ctx, 'patient_cases', (body) => !body.closed);
    return (
      found !== undefined &&
      this.update(account, 'patient_cases', found.id, { closed: true, notes: 'Goals met.' })
    );
  }

  /** Rarely, the clinic changes its set-up: prices, hours, a user's phone, a template. */
  private changeSettings(account: Account, ctx: GenerateContext): boolean {
    const r = this.random;
    switch (r.int(0, 5)) {
      case 0: {
        const found = find(account, ctx, 'products');
        return (
          found !== undefined &&
          this.update(account, 'products', found.id, { price_ex_tax: `${r.int(10, 90)}.0` })
        );
      }
      case 1: {
        const found = find(account, ctx, 'billable_items');
        return (
          found !== undefined &&
          this.update(account, 'billable_items', found.id, { price: `${r.int(40, 160)}.0` })
        );
      }
      case 2: {
        const found = find(account, ctx, 'daily_availabilities');
        const hours = [{ starts_at: `0${r.int(7, 9)}:00`, ends_at: `${r.int(15, 19)}:00` }];
        return (
          found !== undefined &&
          this.job(account, 'daily_availabilities', { ...found.body, availabilities: hours })
        );
      }
      case 3: {
        const found = find(account, ctx, 'users');
        const phones = [{ phone_type: 'Mobile', number: phoneNumber(r) }];
        return found !== undefined && this.job(account, 'users', { ...found.body, phone_numbers: phones });
      }
      case 4:
        return this.create(account, ctx, 'availability_blocks');
      default: {
        const found = find(account, ctx, 'concession_prices');
        return (
          found !== undefined &&
          this.update(account, 'concession_prices', found.id, { price: `${r.int(20, 80)}.0` })
        );
      }
    }
  }
}
