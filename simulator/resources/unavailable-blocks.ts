/**
 * Unavailable blocks: time a practitioner is away from their diary (lunch, leave, meetings).
 * Archivable and legacy-deletable (`deleted_at`, with the old docs' `/deleted` feed); some repeat.
 * One of the three kinds `/bookings` lists.
 */
import { formatTimestamp } from '../clock.js';
import type { Body } from '../store.js';
import { generatedStart } from './appointment-fields.js';
import { link, type ResourceModel, selfLinks, type ValidationErrors } from './model.js';
import { updatedAfter } from './timeline.js';

const REASONS: readonly { notes: string | null; minutes: readonly number[] }[] = [
  { notes: 'Lunch', minutes: [30, 45, 60] },
  { notes: 'Admin time', minutes: [30, 60, 90] },
  { notes: 'Staff meeting', minutes: [60] },
  { notes: 'Annual leave', minutes: [480] },
  { notes: 'Professional development', minutes: [240, 480] },
  { notes: 'Home visits', minutes: [120, 180] },
  { notes: null, minutes: [15, 30] },
];

export const unavailableBlocks: ResourceModel = {
  name: 'unavailable_blocks',
  filters: {
    archived_at: 'datetime',
    business_id: 'integer',
    created_at: 'datetime',
    deleted_at: 'datetime',
    ends_at: 'datetime',
    id: 'integer',
    practitioner_id: 'integer',
    repeated_from_id: 'integer',
    starts_at: 'datetime',
    updated_at: 'datetime',
  },
  foreignKeys: {
    business_id: 'business',
    practitioner_id: 'practitioner',
    repeated_from_id: 'repeated_from',
  },
  archivable: true,
  cancellable: false,
  deletable: true,
  feeds: { deleted: true },
  writable: {
    starts_at: { kind: 'datetime' },
    ends_at: { kind: 'datetime' },
    notes: { kind: 'string', nullable: true },
    practitioner_id: { kind: 'link', resource: 'practitioners', as: 'practitioner' },
    business_id: { kind: 'link', resource: 'businesses', as: 'business' },
  },
  required: ['starts_at', 'ends_at', 'practitioner_id', 'business_id'],
  blank: (id, ctx) => ({
    id,
    archived_at: null,
    business: null,
    conflicts: link('unavailable_blocks', id, '/conflicts'),
    notes: null,
    practitioner: null,
    repeat_rule: {},
    repeated_from: null,
    repeats: null,
    starts_at: null,
    ends_at: null,
    deleted_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('unavailable_blocks', id),
  }),
  finish(body): ValidationErrors | undefined {
    const starts = Date.parse(String(body.starts_at));
    const ends = Date.parse(String(body.ends_at));
    return ends > starts ? undefined : { ends_at: 'must be after the start time' };
  },
  generate(id, ctx, createdAt) {
    const practitioner = ctx.pick('practitioners');
    const business = ctx.pick('businesses');
    if (!practitioner || !business) return undefined;
    const reason = ctx.random.pick(REASONS);
    const startsAt = generatedStart(createdAt, ctx);
    const body: Body = {
      ...unavailableBlocks.blank(id, ctx),
      business: link('businesses', business),
      notes: reason.notes,
      practitioner: link('practitioners', practitioner),
      starts_at: startsAt,
      ends_at: formatTimestamp(Date.parse(startsAt) + ctx.random.pick(reason.minutes) * 60_000),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
    return body;
  },
};
