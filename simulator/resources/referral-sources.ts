/**
 * Referral sources: how one patient came to the clinic (at most one per patient): a type, and the
 * doctor or patient who referred them where the type has referrers. Created and edited through
 * the API. The old docs link one under its patient; the spec gives it an id and its own link,
 * which is what the simulator serves.
 */
import type { Body, Json } from '../store.js';
import { type GenerateContext, link, linkedId, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const referralSources: ResourceModel = {
  name: 'referral_sources',
  filters: { created_at: 'datetime', id: 'integer', updated_at: 'datetime' },
  foreignKeys: {},
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writable: {
    patient_id: { kind: 'link', resource: 'patients', as: 'patient' },
    referral_source_type_id: { kind: 'link', resource: 'referral_source_types', as: 'referral_source_type' },
    subcategory: { kind: 'string', nullable: true },
    notes: { kind: 'string', nullable: true },
  },
  required: ['patient_id', 'referral_source_type_id'],
  blank: (id, ctx) => ({
    id,
    notes: null,
    patient: null,
    referral_source_type: null,
    referrer: null,
    referrer_type: null,
    subcategory: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('referral_sources', id),
  }),
  finish(body, ctx) {
    const typeId = linkedId(body.referral_source_type);
    const type = typeId ? ctx.account.current('referral_source_types', typeId) : undefined;
    body.referrer_type = type?.referrer_type ?? null;
    if (body.referrer_type === null) body.referrer = null;
    return undefined;
  },
  generate(id, ctx, createdAt) {
    const patient = ctx.pick('patients');
    const typeId = ctx.pick('referral_source_types');
    const type = typeId ? ctx.account.current('referral_source_types', typeId) : undefined;
    if (!patient || !typeId || !type) return undefined;
    return {
      ...referralSources.blank(id, ctx),
      ...referrerOf(type, ctx, patient),
      notes: ctx.random.chance(0.2) ? 'Mentioned a friend recommended us.' : null,
      patient: link('patients', patient),
      referral_source_type: link('referral_source_types', typeId),
      subcategory: Array.isArray(type.subcategories) ? pickText(type.subcategories, ctx) : null,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};

/** The referrer a type calls for: a contact (a doctor) or another patient. */
function referrerOf(type: Body, ctx: GenerateContext, patient: string): Body {
  const referrerType = type.referrer_type ?? null;
  const resource =
    referrerType === 'Contact' ? 'contacts' : referrerType === 'Patient' ? 'patients' : undefined;
  const referrer = resource ? ctx.pick(resource) : undefined;
  return {
    referrer_type: referrerType,
    referrer: resource && referrer && referrer !== patient ? link(resource, referrer) : null,
  };
}

function pickText(values: Json[], ctx: GenerateContext): string | null {
  const texts = values.filter((v): v is string => typeof v === 'string');
  return texts.length > 0 ? ctx.random.pick(texts) : null;
}
