/**
 * Builds the initial data of the simulated accounts from the seed alone: same seed and sizes, same
 * accounts, keys, ids and records. History is placed before a fixed anchor instant (or before the
 * simulated now, if that is earlier) so it does not depend on when the simulator starts.
 */
import { formatTimestamp } from './clock.js';
import { Random } from './random.js';
import type { GenerateContext, ResourceModel } from './resources/model.js';
import { findModel } from './resources/registry.js';
import { seedContext } from './seed-generated.js';
import { linkSeededRecords } from './seed-links.js';
import { seedPatientRecords } from './seed-patient-records.js';
import { seedPractice } from './seed-practice.js';
import { relateSeededRecords } from './seed-relations.js';
import { Account, type Body, type Store } from './store.js';
import { CANCELLATION_REASONS } from './writes.js';

export interface SeedSizes {
  readonly accounts: number;
  readonly patients: number;
  readonly appointments: number;
}

/** Seeded history ends here (or at the simulated now if that is earlier). */
export const HISTORY_END = Date.UTC(2026, 0, 1);
export const HISTORY_SPAN_MS = 3 * 365 * 86_400_000;

/** Record counts per account for every resource, scaled from the patient and appointment counts. */
export function plannedCounts(sizes: SeedSizes): readonly [string, number][] {
  const { patients, appointments } = sizes;
  const groups = Math.max(1, Math.round(appointments / 20));
  return [
    ['businesses', 2],
    ['appointment_types', 6],
    ['practitioners', Math.max(3, Math.min(40, Math.round(patients / 25)))],
    ['contacts', Math.max(5, Math.round(patients / 10))],
    ['patients', patients],
    ['medical_alerts', Math.round(patients / 5)],
    ['individual_appointments', appointments],
    ['group_appointments', groups],
    ['attendees', groups * 3],
    ['invoices', Math.round(appointments / 2)],
    ['treatment_notes', Math.round(appointments / 2)],
  ];
}

export function accountKey(random: Random, index: number): string {
  // `-xx1` has the shape of a shard suffix but names no real shard, so a simulator key can never be
  // mistaken for (or sent to) a real Cliniko account.
  return `MS0${index}${random.hex(40)}-xx1`;
}

export function seedAccounts(store: Store, seed: number, sizes: SeedSizes, nowMs: number): void {
  const end = Math.min(HISTORY_END, nowMs);
  for (let index = 1; index <= sizes.accounts; index++) {
    const random = new Random(seed, 1, index);
    const account = new Account(`clinic-${index}`, accountKey(random, index), new Random(seed, 2, index));
    store.addAccount(account);
    seedAccount(store, account, random, sizes, end);
    const ctx = { account, now: formatTimestamp(end), nowMs: end };
    relateSeededRecords(store, account, new Random(seed, 5, index), ctx);
    // The resources added after the first eleven, on streams of their own: the eleven stay as they were.
    const history = { from: end - 1000 - HISTORY_SPAN_MS, to: end - 1000 };
    const practice = seedContext(account, new Random(seed, 6, index), end);
    const usersOf = seedPractice(store, practice, sizes, history);
    seedPatientRecords(store, practice, sizes, history);
    linkSeededRecords(store, seedContext(account, new Random(seed, 7, index), end), usersOf);
  }
}

function seedAccount(store: Store, account: Account, random: Random, sizes: SeedSizes, end: number): void {
  const ctx: GenerateContext = {
    account,
    now: formatTimestamp(end),
    nowMs: end,
    random,
    pick: (resource) => account.table(resource).pickLive(random),
  };
  for (const [name, count] of plannedCounts(sizes)) {
    const model = findModel(name);
    if (!model) continue;
    // Created times in order, so the default `created_at` listing is also insertion order.
    const times = Array.from(
      { length: count },
      () => end - 1000 - random.int(0, HISTORY_SPAN_MS / 1000) * 1000,
    ).sort((a, b) => a - b);
    for (const time of times) {
      const body = model.generate(account.ids.next(), ctx, formatTimestamp(time));
      if (body) store.seed(account, name, withHistory(model, body, random));
    }
  }
}

/** Some seeded records already carry a lifecycle: a few archived patients, cancelled appointments … */
function withHistory(model: ResourceModel, body: Body, random: Random): Body {
  const at = String(body.updated_at);
  if (model.cancellable && random.chance(0.08)) {
    const reason = random.pick(Object.keys(CANCELLATION_REASONS).map(Number));
    return {
      ...body,
      cancelled_at: at,
      cancellation_reason: reason,
      cancellation_reason_description: CANCELLATION_REASONS[reason] ?? 'Other',
      cancellation_note: random.chance(0.5) ? 'Called the clinic' : null,
    };
  }
  if (model.archivable && model.name !== 'businesses' && random.chance(0.03))
    return { ...body, archived_at: at };
  return body;
}
