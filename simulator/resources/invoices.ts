/** Invoices: status codes 10 Open, 20 Paid, 30 Closed, 40 Open (credit); money as decimal strings. */
import { formatDate } from '../clock.js';
import { appUrl, link, type ResourceModel, recordRandom, selfLinks, type ValidationErrors } from './model.js';
import { updatedAfter } from './timeline.js';

export const INVOICE_STATUS: Readonly<Record<number, string>> = {
  10: 'Open',
  20: 'Paid',
  30: 'Closed',
  40: 'Open',
};

export const invoices: ResourceModel = {
  name: 'invoices',
  filters: {
    appointment_id: 'integer',
    archived_at: 'datetime',
    business_id: 'integer',
    created_at: 'datetime',
    deleted_at: 'datetime',
    id: 'integer',
    issue_date: 'date',
    number: 'integer',
    patient_id: 'integer',
    practitioner_id: 'integer',
    status: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: {
    appointment_id: 'appointment',
    business_id: 'business',
    patient_id: 'patient',
    practitioner_id: 'practitioner',
  },
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { deleted: true },
  writable: {
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    business_id: { kind: 'link', resource: 'businesses', as: 'business' },
    practitioner_id: { kind: 'link', resource: 'practitioners', as: 'practitioner' },
    appointment_id: { kind: 'link', resource: 'individual_appointments', as: 'appointment' },
    issue_date: { kind: 'date' },
    notes: { kind: 'string', nullable: true },
    invoice_to: { kind: 'string', nullable: true },
    patient_extra_information: { kind: 'string', nullable: true },
    status: { kind: 'integer' },
    total_amount: { kind: 'string' },
  },
  required: ['patient_id', 'business_id'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    issue_date: ctx.now.slice(0, 10),
    total_amount: '0.0',
    tax_amount: '0.0',
    net_amount: '0.0',
    notes: null,
    status: 10,
    invoice_to: null,
    patient_extra_information: null,
    number: 0,
    discounted_amount: '0.0',
    status_description: 'Open',
    created_at: ctx.now,
    updated_at: ctx.now,
    deleted_at: null,
    closed_at: null,
    appointment: null,
    business: null,
    patient: null,
    practitioner: null,
    online_payment_url: null,
    invoice_items: link('invoices', id, '/invoice_items'),
    links: selfLinks('invoices', id),
  }),
  finish(body, ctx): ValidationErrors | undefined {
    const status = body.status;
    const description = typeof status === 'number' ? INVOICE_STATUS[status] : undefined;
    if (!description) return { status: 'is not included in the list' };
    if (!/^\d+(\.\d+)?$/.test(String(body.total_amount))) return { total_amount: 'is not a number' };
    body.status_description = description;
    body.net_amount = String(body.total_amount);
    if (body.number === 0) body.number = ctx.account.table('invoices').records.size + 1;
    body.closed_at = status === 20 || status === 30 ? (body.closed_at ?? ctx.now) : null;
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const patient = ctx.pick('patients');
    const business = ctx.pick('businesses');
    if (!patient || !business) return undefined;
    const practitioner = ctx.pick('practitioners');
    const appointment = ctx.pick('individual_appointments');
    const status = ctx.random.pick([10, 20, 20, 20, 30]);
    const updatedAt = updatedAfter(createdAt, ctx);
    const total = `${ctx.random.int(45, 240)}.${ctx.random.pick(['0', '5', '95'])}`;
    return {
      ...invoices.blank(id, ctx),
      issue_date: formatDate(Date.parse(createdAt)),
      total_amount: total,
      net_amount: total,
      status,
      number: ctx.account.table('invoices').records.size + 1,
      status_description: INVOICE_STATUS[status] ?? 'Open',
      created_at: createdAt,
      updated_at: updatedAt,
      closed_at: status === 10 ? null : updatedAt,
      appointment: appointment ? link('individual_appointments', appointment) : null,
      business: link('businesses', business),
      patient: link('patients', patient),
      practitioner: practitioner ? link('practitioners', practitioner) : null,
      // Open invoices can be paid online, where the clinic takes online payments.
      online_payment_url:
        status === 10 && recordRandom(id).chance(0.6) ? appUrl(ctx, `invoices/${id}/pay`) : null,
    };
  },
};
