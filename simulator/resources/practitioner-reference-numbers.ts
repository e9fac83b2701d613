/**
 * Practitioner reference numbers: a practitioner's provider or registration number at a business
 * (Medicare provider numbers differ per location). Created, edited and deleted through the API; a
 * delete leaves no trace (the spec gives them no `deleted_at`).
 */
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const REFERENCE_NAMES = ['Medicare provider number', 'HICAPS provider number', 'AHPRA registration'];

export const practitionerReferenceNumbers: ResourceModel = {
  name: 'practitioner_reference_numbers',
  filters: {
    business_id: 'integer',
    created_at: 'datetime',
    id: 'integer',
    practitioner_id: 'integer',
    reference_number: 'string',
    updated_at: 'datetime',
  },
  foreignKeys: { business_id: 'business', practitioner_id: 'practitioner' },
  archivable: false,
  cancellable: false,
  deletable: true,
  deleteLeaves: 'nothing',
  feeds: {},
  writable: {
    name: { kind: 'string', nullable: true },
    reference_number: { kind: 'string', nullable: true },
    practitioner_id: { kind: 'link', resource: 'practitioners', as: 'practitioner' },
    business_id: { kind: 'link', resource: 'businesses', as: 'business' },
  },
  required: ['practitioner_id', 'business_id', 'reference_number'],
  blank: (id, ctx) => ({
    id,
    business: null,
    name: null,
    practitioner: null,
    reference_number: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('practitioner_reference_numbers', id),
  }),
  generate(id, ctx, createdAt) {
    const practitioner = ctx.pick('practitioners');
    const business = ctx.pick('businesses');
    if (!practitioner || !business) return undefined;
    const name = ctx.random.pick(REFERENCE_NAMES);
    return {
      ...practitionerReferenceNumbers.blank(id, ctx),
      business: link('businesses', business),
      name,
      practitioner: link('practitioners', practitioner),
      reference_number: referenceNumber(name, ctx.random.digits(8)),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};

/** A made-up number in the shape of the named register's numbers. */
export function referenceNumber(name: string, digits: string): string {
  if (name.startsWith('AHPRA')) return `PHY000${digits.slice(0, 7)}`;
  if (name.startsWith('HICAPS')) return `${digits.slice(0, 6)}`;
  return `${digits.slice(0, 6)}${'ABCDEFGHJK'[Number(digits[6] ?? 0)]}${'TVWXYZ'[Number(digits[7] ?? 0) % 6]}`;
}
