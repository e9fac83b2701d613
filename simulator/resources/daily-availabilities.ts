/**
 * Daily availabilities: a practitioner's usual hours at a business for one day of the week
 * (0 Sunday … 6 Saturday), in local `HH:MM` times. Set in Cliniko's settings; the API only reads
 * them, so they change through churn and the backdoor.
 */
import type { Json } from '../store.js';
import { link, type ResourceModel, selfLinks } from './model.js';
import { updatedAfter } from './timeline.js';

export const dailyAvailabilities: ResourceModel = {
  name: 'daily_availabilities',
  filters: {
    business_id: 'integer',
    created_at: 'datetime',
    id: 'integer',
    practitioner_id: 'integer',
    updated_at: 'datetime',
  },
  foreignKeys: { business_id: 'business', practitioner_id: 'practitioner' },
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writes: { create: false, update: false },
  writable: {
    day_of_week: { kind: 'integer' },
    availabilities: { kind: 'object' },
    practitioner_id: { kind: 'link', resource: 'practitioners', as: 'practitioner' },
    business_id: { kind: 'link', resource: 'businesses', as: 'business' },
  },
  required: ['day_of_week', 'practitioner_id', 'business_id'],
  blank: (id, ctx) => ({
    id,
    availabilities: [],
    business: null,
    day_of_week: 1,
    practitioner: null,
    time_zone: null,
    time_zone_identifier: null,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('daily_availabilities', id),
  }),
  generate(id, ctx, createdAt) {
    const practitioner = ctx.pick('practitioners');
    const business = ctx.pick('businesses');
    const where = business ? ctx.account.current('businesses', business) : undefined;
    if (!practitioner || !business || !where) return undefined;
    return {
      ...dailyAvailabilities.blank(id, ctx),
      availabilities: workingHours(ctx.random.int(0, 3)),
      business: link('businesses', business),
      day_of_week: ctx.random.int(1, 5),
      practitioner: link('practitioners', practitioner),
      time_zone: where.time_zone ?? null,
      time_zone_identifier: where.time_zone_identifier ?? null,
      created_at: createdAt,
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};

/** A day's hours: one of a few usual patterns, some split around lunch. */
export function workingHours(pattern: number): Json[] {
  switch (pattern % 4) {
    case 0:
      return [{ starts_at: '09:00', ends_at: '17:00' }];
    case 1:
      return [
        { starts_at: '08:00', ends_at: '12:30' },
        { starts_at: '13:30', ends_at: '18:00' },
      ];
    case 2:
      return [{ starts_at: '07:30', ends_at: '13:00' }];
    default:
      return [{ starts_at: '12:00', ends_at: '20:00' }];
  }
}
