/**
 * Seeds the resources of running a practice, added after the first eleven: reference data set up
 * when the clinic started (taxes, billable items, concessions, products, templates, referral
 * types), its staff as users, practitioners' reference numbers and hours, and the diary's
 * availability and unavailable blocks (some repeating weekly). Runs after the first eleven are
 * seeded and related, on its own random stream, so their records stay as they were.
 */
import { formatTimestamp } from './clock.js';
import { workingHours } from './resources/daily-availabilities.js';
import { type GenerateContext, LINK_BASE, link, type ResourceModel, selfLinks } from './resources/model.js';
import { REFERENCE_NAMES, referenceNumber } from './resources/practitioner-reference-numbers.js';
import { findModel } from './resources/registry.js';
import { userFields } from './resources/users.js';
import { seedGenerated, type Window } from './seed-generated.js';
import type { Body, Store } from './store.js';

export interface PracticeSizes {
  readonly patients: number;
  readonly appointments: number;
}

function model(name: string): ResourceModel {
  const found = findModel(name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

/** Reference data first (its generators link to what came before), in the first weeks of history. */
const REFERENCE: readonly [string, number][] = [
  ['taxes', 2],
  ['billable_items', 8],
  ['concession_types', 3],
  ['concession_prices', 6],
  ['product_suppliers', 3],
  ['products', 8],
  ['referral_source_types', 5],
  ['treatment_note_templates', 4],
  ['patient_form_templates', 4],
];

/** Seeds the practice; answers each practitioner's user id. */
export function seedPractice(
  store: Store,
  ctx: GenerateContext,
  sizes: PracticeSizes,
  history: Window,
): Map<string, string> {
  const setUp = { from: history.from, to: history.from + 30 * 86_400_000 };
  for (const [name, count] of REFERENCE) seedGenerated(store, ctx, model(name), count, setUp);
  const usersOfPractitioners = seedUsers(store, ctx, history);
  const products = ctx.account.table('products').liveCount;
  const { appointments } = sizes;
  seedGenerated(
    store,
    ctx,
    model('stock_adjustments'),
    products * 3 + Math.round(appointments / 25),
    history,
  );
  seedPerPractitioner(store, ctx);
  seedGenerated(
    store,
    ctx,
    model('availability_blocks'),
    Math.max(2, Math.round(appointments / 50)),
    history,
  );
  const blocks = seedGenerated(
    store,
    ctx,
    model('unavailable_blocks'),
    Math.max(4, Math.round(appointments / 10)),
    history,
  );
  repeatWeekly(store, ctx, blocks);
  return usersOfPractitioners;
}

/**
 * The account's owner (an administrator, the first user, who owns the API keys), front-desk and
 * accounts staff, and a user for each practitioner (inactive with them when they left).
 */
function seedUsers(store: Store, ctx: GenerateContext, history: Window): Map<string, string> {
  const users = model('users');
  const before = { from: history.from - 86_400_000, to: history.from };
  seedGenerated(store, ctx, users, 1, before);
  const practitioners = ctx.account.table('practitioners').ordered();
  seedGenerated(store, ctx, users, Math.max(1, Math.round(practitioners.length / 4)), history);
  const byPractitioner = new Map<string, string>();
  for (const record of practitioners) {
    const practitioner = record.latest()?.body;
    if (!practitioner) continue;
    const id = ctx.account.ids.next();
    const createdAt = String(practitioner.created_at);
    const active = practitioner.active !== false;
    const body: Body = {
      ...userFields(
        id,
        ctx,
        createdAt,
        practitioner.title ?? null,
        String(practitioner.first_name),
        String(practitioner.last_name),
      ),
      role: 'practitioner',
      active,
      user_active: active,
      updated_at: String(practitioner.updated_at),
    };
    store.seed(ctx.account, 'users', body);
    byPractitioner.set(record.id, id);
  }
  return byPractitioner;
}

/** Each practitioner's reference numbers and weekday hours, at one of the businesses. */
function seedPerPractitioner(store: Store, ctx: GenerateContext): void {
  const references = model('practitioner_reference_numbers');
  const hours = model('daily_availabilities');
  for (const record of ctx.account.table('practitioners').ordered()) {
    const practitioner = record.latest()?.body;
    const businessId = ctx.pick('businesses');
    const business = businessId ? ctx.account.current('businesses', businessId) : undefined;
    if (!practitioner || !businessId || !business) continue;
    const createdAt = String(practitioner.created_at);
    const at = { created_at: createdAt, updated_at: createdAt };
    const where = {
      practitioner: link('practitioners', record.id),
      business: link('businesses', businessId),
    };
    const names = ctx.random.chance(0.3) ? REFERENCE_NAMES.slice(0, 2) : REFERENCE_NAMES.slice(0, 1);
    for (const name of names) {
      const id = ctx.account.ids.next();
      store.seed(ctx.account, references.name, {
        ...references.blank(id, ctx),
        ...where,
        ...at,
        name,
        reference_number: referenceNumber(name, ctx.random.digits(8)),
      });
    }
    const pattern = ctx.random.int(0, 3);
    const dayOff = ctx.random.chance(0.3) ? ctx.random.int(1, 5) : 0;
    for (let day = 1; day <= 5; day++) {
      if (day === dayOff) continue;
      const id = ctx.account.ids.next();
      store.seed(ctx.account, hours.name, {
        ...hours.blank(id, ctx),
        ...where,
        ...at,
        availabilities: workingHours(pattern),
        day_of_week: day,
        time_zone: business.time_zone ?? null,
        time_zone_identifier: business.time_zone_identifier ?? null,
      });
    }
  }
}

/** Some blocks repeat weekly (a standing lunch break): the first links its repeats and each repeat it. */
function repeatWeekly(store: Store, ctx: GenerateContext, blocks: readonly Body[]): void {
  const resource = 'unavailable_blocks';
  for (const origin of blocks) {
    if (origin.deleted_at || !ctx.random.chance(0.15)) continue;
    const count = ctx.random.int(2, 6);
    const rule: Body = { repeat_type: 'Weekly', number_of_repeats: count, repeating_interval: 1 };
    const originId = String(origin.id);
    store.seed(ctx.account, resource, {
      ...origin,
      repeat_rule: rule,
      repeats: { links: { self: `${LINK_BASE}/${resource}?q[]=repeated_from_id:=${originId}` } },
    });
    for (let week = 1; week <= count; week++) {
      const shift = (iso: string) => formatTimestamp(Date.parse(iso) + week * 7 * 86_400_000);
      const id = ctx.account.ids.next();
      store.seed(ctx.account, resource, {
        ...origin,
        id,
        repeat_rule: rule,
        repeated_from: link(resource, originId),
        repeats: null,
        starts_at: shift(String(origin.starts_at)),
        ends_at: shift(String(origin.ends_at)),
        conflicts: link(resource, id, '/conflicts'),
        archived_at: null,
        links: selfLinks(resource, id),
      });
    }
  }
}
