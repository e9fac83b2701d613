/**
 * Users: the people who sign in to Cliniko (practitioners, receptionists, administrators). The API
 * only reads them; former staff stay listed with `active` false. The first user is the account's
 * administrator, who owns the simulator's API keys.
 */
import type { Body, Json } from '../store.js';
import { person, phoneNumber } from '../vocabulary.js';
import { type GenerateContext, link, type ResourceModel, selfLinks, type WriteContext } from './model.js';
import { updatedAfter } from './timeline.js';

export const ROLES = ['administrator', 'practitioner', 'receptionist', 'power_receptionist', 'bookkeeper'];

export const users: ResourceModel = {
  name: 'users',
  filters: { created_at: 'datetime', id: 'integer', updated_at: 'datetime' },
  foreignKeys: {},
  archivable: false,
  cancellable: false,
  deletable: false,
  feeds: {},
  writes: { create: false, update: false },
  writable: {
    title: { kind: 'string', nullable: true },
    first_name: { kind: 'string' },
    last_name: { kind: 'string' },
    email: { kind: 'string' },
    role: { kind: 'string', nullable: true },
    time_zone: { kind: 'string' },
  },
  required: ['first_name', 'last_name', 'email'],
  blank: (id, ctx) => ({
    id,
    active: true,
    email: '',
    first_name: '',
    last_name: '',
    new_ui_enabled: true,
    phone_numbers: [],
    privacy_policy_accepted: null,
    role: 'receptionist',
    time_zone: 'Melbourne',
    time_zone_identifier: 'Australia/Melbourne',
    title: null,
    user_active: true,
    created_at: ctx.now,
    updated_at: ctx.now,
    links: selfLinks('users', id),
  }),
  generate(id, ctx, createdAt) {
    const who = person(ctx.random);
    // The first user is the account's owner; the rest are front-desk and accounts staff.
    const first = ctx.account.table('users').records.size === 0;
    return {
      ...userFields(id, ctx, createdAt, who.title, who.firstName, who.lastName),
      role: first ? 'administrator' : ctx.random.pick(['receptionist', 'power_receptionist', 'bookkeeper']),
      updated_at: updatedAfter(createdAt, ctx),
    };
  },
};

/** A user with the given name, as the seeding of a practitioner's user also builds it. */
export function userFields(
  id: string,
  ctx: GenerateContext,
  createdAt: string,
  title: Json,
  firstName: string,
  lastName: string,
): Body {
  const local = `${firstName}.${lastName}`.toLowerCase().replace(/[^a-z.]/g, '');
  const phones: Json[] = ctx.random.chance(0.7)
    ? [{ phone_type: 'Mobile', number: phoneNumber(ctx.random) }]
    : [];
  return {
    ...users.blank(id, ctx),
    email: `${local}@${ctx.account.id}.example.com`,
    first_name: firstName,
    last_name: lastName,
    new_ui_enabled: ctx.random.chance(0.8),
    phone_numbers: phones,
    // The version of the privacy policy the user accepted, where they have been asked.
    privacy_policy_accepted: ctx.random.chance(0.7) ? ctx.random.int(1, 3) : null,
    title: typeof title === 'string' && title !== '' ? title : null,
    created_at: createdAt,
    updated_at: createdAt,
  };
}

/** A link to the user who owns the API key (the account's first user), or null before any exists. */
export function keyUser(ctx: WriteContext): Json {
  const first = ctx.account.table('users').ordered()[0];
  return first ? link('users', first.id) : null;
}
