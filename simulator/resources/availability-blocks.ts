/**
 * Availability blocks: extra time a practitioner is available outside their usual hours (a
 * Saturday clinic). Created and deleted through the API, never edited; a delete leaves no trace
 * (the spec gives them no `deleted_at`).
 */
import { formatTimestamp } from '../clock.js';
import { generatedStart } from './appointment-fields.js';
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const availabilityBlocks: ResourceModel = {
  name: 'availability_blocks',
  filters: {
    business_id: 'integer',
    created_at: 'datetime',
    id: 'integer',
    practitioner_id: 'integer',
    starts_at: 'datetime',
    updated_at: 'datetime',
  },
  foreignKeys: { business_id: 'business', practitioner_id: 'practitioner' },
  archivable: false,
  cancellable: false,
  deletable: true,
  deleteLeaves: 'nothing',
  feeds: {},
  writes: { create: true, update: false },
  writable: {
    starts_at: { kind: 'datetime' },
    ends_at: { kind: 'datetime' },
    practitioner_id: { kind: 'link', resource: 'practitioners', as: 'practitioner' },
    business_id: { kind: 'link', resource: 'businesses', as: 'business' },
    repeat_rule: { kind: 'object', nullable: true },
  },
  required: ['starts_at', 'ends_at', 'practitioner_id', 'business_id'],
  blank: (id, ctx) => ({
    id,
    business: null,
    practitioner: null,
    repeat_rule: null,
    starts_at: null,
    ends_at: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('availability_blocks', id),
  }),
  finish(body) {
    const starts = Date.parse(String(body.starts_at));
    const ends = Date.parse(String(body.ends_at));
    return ends > starts ? undefined : { ends_at: 'must be after the start time' };
  },
  generate(id, ctx, createdAt) {
    const practitioner = ctx.pick('practitioners');
    const business = ctx.pick('businesses');
    if (!practitioner || !business) return undefined;
    const startsAt = generatedStart(createdAt, ctx);
    const weekly = ctx.random.chance(0.4);
    return {
      ...availabilityBlocks.blank(id, ctx),
      business: link('businesses', business),
      practitioner: link('practitioners', practitioner),
      repeat_rule: weekly
        ? { repeat_type: 'Weekly', number_of_repeats: ctx.random.int(4, 12), repeating_interval: 1 }
        : null,
      starts_at: startsAt,
      ends_at: formatTimestamp(Date.parse(startsAt) + ctx.random.pick([3, 4]) * 3_600_000),
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};
