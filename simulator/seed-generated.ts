/**
 * Seeding generated records of the resources added after the first eleven: `count` records of a
 * model, created at times spread over a window (in order, so the default `created_at` listing is
 * insertion order too), some with a lifecycle history already.
 */
import { formatTimestamp } from './clock.js';
import type { Random } from './random.js';
import type { GenerateContext, ResourceModel } from './resources/model.js';
import type { Account, Body, Store } from './store.js';

/** Epoch milliseconds; records are created in [from, to). */
export interface Window {
  readonly from: number;
  readonly to: number;
}

export function seedContext(account: Account, random: Random, end: number): GenerateContext {
  return {
    account,
    now: formatTimestamp(end),
    nowMs: end,
    random,
    pick: (resource) => account.table(resource).pickLive(random),
  };
}

/** Seeds up to `count` generated records (a generator may find nothing to link to and skip one). */
export function seedGenerated(
  store: Store,
  ctx: GenerateContext,
  model: ResourceModel,
  count: number,
  window: Window,
  /** Shapes each generated record before it is stored (a form completed, …). */
  shape: (body: Body) => Body = (body) => body,
): Body[] {
  const seconds = Math.max(0, Math.floor((window.to - window.from) / 1000) - 1);
  const times = Array.from({ length: count }, () => window.from + ctx.random.int(0, seconds) * 1000).sort(
    (a, b) => a - b,
  );
  const seeded: Body[] = [];
  for (const time of times) {
    const body = model.generate(ctx.account.ids.next(), ctx, formatTimestamp(time));
    if (!body) continue;
    const withPast = pastLifecycle(model, shape(body), ctx.random);
    store.seed(ctx.account, model.name, withPast);
    seeded.push(withPast);
  }
  return seeded;
}

/** A few records were archived, or deleted where a delete leaves `deleted_at`, before the history ends. */
function pastLifecycle(model: ResourceModel, body: Body, random: Random): Body {
  const at = String(body.updated_at);
  if (model.archivable && random.chance(0.03)) return { ...body, archived_at: at };
  if (model.deletable && model.deleteLeaves !== 'nothing' && 'deleted_at' in body && random.chance(0.02))
    return { ...body, deleted_at: at };
  return body;
}
