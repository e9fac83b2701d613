/**
 * The poll planner of one account (pure: time comes in as epoch ms): when each stream is polled next,
 * and whether that poll includes its lifecycle passes. Tiers with floor and ceiling intervals,
 * backoff, boosts of related streams, and one request budget that still polls every stream within
 * its ceiling: docs/design.md, Adaptive polling.
 */
import { ConfigError } from '../errors.js';
import type { StreamDefinition } from '../streams.js';

export type PollTier = 'hot' | 'warm' | 'cold';

export interface TierTiming {
  /** Interval while the stream changes, or is boosted. */
  readonly floorSeconds: number;
  /** Interval it backs off to while nothing changes. */
  readonly ceilingSeconds: number;
  /** How often the poll includes the lifecycle passes. */
  readonly lifecycleSeconds: number;
}

export interface PlannerSettings {
  readonly tiers: Readonly<Record<PollTier, TierTiming>>;
  /** Stream name → tier; a stream not named is cold. */
  readonly streamTiers: Readonly<Record<string, PollTier>>;
  /** The interval after an empty poll is the last one times this (> 1), up to the ceiling. */
  readonly backoffFactor: number;
  /** A change in the key stream polls these streams at their floor for `boostSeconds`. */
  readonly boosts: Readonly<Record<string, readonly string[]>>;
  readonly boostSeconds: number;
  /** Share (0..1] of `rateLimitPerMinute` that steady polling may spend in any minute. */
  readonly budgetShare: number;
  readonly rateLimitPerMinute: number;
}

export const DEFAULT_PLANNER_SETTINGS: PlannerSettings = Object.freeze({
  tiers: Object.freeze({
    hot: Object.freeze({ floorSeconds: 6, ceilingSeconds: 12, lifecycleSeconds: 120 }),
    warm: Object.freeze({ floorSeconds: 15, ceilingSeconds: 60, lifecycleSeconds: 300 }),
    cold: Object.freeze({ floorSeconds: 30, ceilingSeconds: 120, lifecycleSeconds: 600 }),
  }),
  streamTiers: Object.freeze({
    individual_appointments: 'hot',
    attendees: 'hot',
    patients: 'hot',
    group_appointments: 'warm',
    invoices: 'warm',
    treatment_notes: 'warm',
    unavailable_blocks: 'warm',
    communications: 'warm',
    patient_cases: 'warm',
  }),
  backoffFactor: 1.5,
  boosts: Object.freeze({
    individual_appointments: ['patients', 'attendees', 'invoices', 'treatment_notes'],
    group_appointments: ['attendees', 'patients'],
    attendees: ['patients', 'invoices', 'treatment_notes'],
    invoices: ['invoice_items'],
  }),
  boostSeconds: 120,
  budgetShare: 0.25,
  rateLimitPerMinute: 200,
});

/** A stream the planner schedules: its name and how many window passes a full poll makes. */
export interface PlannedStream {
  readonly name: string;
  /** Window passes of a poll: 1 (the change pass) + further lists + lifecycle passes. */
  readonly passes: number;
  /** Of those, the lifecycle passes (skipped when not due). */
  readonly lifecyclePasses: number;
}

/** The passes a poll of the stream makes, as `StreamSync` walks them (`scansOf`). */
export function plannedStreamOf(stream: StreamDefinition): PlannedStream {
  const lifecyclePasses = stream.lifecycleFilters.length;
  return {
    name: stream.name,
    passes: 1 + (stream.extraLists?.length ?? 0) + lifecyclePasses,
    lifecyclePasses,
  };
}

/** One stream to poll now. */
export interface DuePoll {
  readonly stream: string;
  /** Include the lifecycle passes in this poll. */
  readonly lifecycle: boolean;
}

/** What a poll of a stream found, as the planner needs it. */
export interface PollOutcome {
  readonly events: number;
  readonly requests: number;
  /** False when the poll stopped before it caught up (it is due again at once). */
  readonly caughtUp: boolean;
}

const MINUTE_MS = 60_000;
/** The share in use never drops below this fraction of the configured one. */
const MIN_BUDGET_FACTOR = 0.25;

interface StreamPlan {
  readonly stream: PlannedStream;
  readonly timing: TierTiming;
  intervalSeconds: number;
  dueAt: number;
  lifecycleDueAt: number;
  boostedUntil: number;
  /** Epoch ms of its last poll; `undefined` before the first. */
  polledAt: number | undefined;
}

export class PollPlanner {
  private readonly plans: StreamPlan[];
  /** Requests of the last minute: [epoch ms, count]. */
  private spent: Array<{ readonly at: number; readonly requests: number }> = [];
  private budgetFactor = 1;
  private budgetChangedAt: number;

  constructor(
    streams: readonly PlannedStream[],
    private readonly settings: PlannerSettings,
    now: number,
  ) {
    validate(settings);
    this.budgetChangedAt = now;
    // Everything is due at the start: a new planner knows nothing about the streams. That first poll
    // of each is catch-up, outside the steady budget (see `record`).
    this.plans = streams.map((stream) => {
      const timing = settings.tiers[settings.streamTiers[stream.name] ?? 'cold'];
      return {
        stream,
        timing,
        // Until a poll finds a change, a stream is presumed quiet.
        intervalSeconds: timing.ceilingSeconds,
        dueAt: now,
        lifecycleDueAt: now,
        boostedUntil: 0,
        polledAt: undefined,
      };
    });
    const ceilingLoad = this.ceilingLoadPerMinute();
    if (ceilingLoad > this.budgetPerMinute()) {
      throw new ConfigError(
        'polling.budgetShare',
        `polling ${streams.length} streams at their ceilings can take ${ceilingLoad} requests in a minute, more than the ` +
          `${this.budgetPerMinute().toFixed(1)} the share allows: raise budgetShare, raise the tiers' ceilings, or poll fewer streams`,
      );
    }
  }

  /** Requests a minute when every stream sits at its ceiling: the cost of an idle account. */
  idleRequestsPerMinute(): number {
    return this.plans.reduce((sum, { stream, timing }) => {
      const change = (stream.passes - stream.lifecyclePasses) * (60 / timing.ceilingSeconds);
      return sum + change + stream.lifecyclePasses * (60 / timing.lifecycleSeconds);
    }, 0);
  }

  /**
   * The most the change passes of streams polled at their ceilings can take in any minute (a stream
   * whose ceiling is C seconds is polled at most ⌈60 / C⌉ times in a minute that way).
   */
  ceilingLoadPerMinute(): number {
    return this.plans.reduce(
      (sum, { stream, timing }) => sum + changeCost(stream) * Math.ceil(60 / timing.ceilingSeconds),
      0,
    );
  }

  /** Requests steady polling may spend per minute now (the share, lowered after a 429). */
  budgetPerMinute(): number {
    return this.settings.rateLimitPerMinute * this.settings.budgetShare * this.budgetFactor;
  }

  /**
   * The polls due at `now` that fit in the budget. A stream at the end of its ceiling may use all
   * of it. A poll earlier than that (a stream at its floor, or boosted) and lifecycle passes must
   * leave room for every other stream's polls at the end of its ceiling within the next minute, as
   * if it were polled only then (`ceilingLoadPerMinute`, the most those can take, must fit: see the
   * constructor). So however busy the account, nothing crowds out a stream that must be polled, and
   * no stream goes a whole ceiling unpolled.
   */
  due(now: number): DuePoll[] {
    this.recover(now);
    let left = this.budgetPerMinute() - this.spentSince(now - MINUTE_MS);
    const due = this.plans.filter((plan) => plan.dueAt <= now);
    due.sort((a, b) => ceilingDeadline(a, now) - ceilingDeadline(b, now) || a.dueAt - b.dueAt);
    const polls: DuePoll[] = [];
    for (const plan of due) {
      const early = ceilingDeadline(plan, now) > now;
      const change = changeCost(plan.stream);
      const reserve = this.reserveFor(plan, now);
      if (change > left - (early ? reserve : 0)) continue;
      left -= change;
      const passes = plan.stream.lifecyclePasses;
      const lifecycle = passes > 0 && plan.lifecycleDueAt <= now && passes <= left - reserve;
      if (lifecycle) left -= passes;
      polls.push({ stream: plan.stream.name, lifecycle });
    }
    return polls;
  }

  /**
   * What the other streams' polls at the end of their ceilings can take within the next minute
   * (the window any spending now stays in): room an early poll of `plan` must leave.
   */
  private reserveFor(plan: StreamPlan, now: number): number {
    let reserved = 0;
    for (const other of this.plans) {
      if (other === plan) continue;
      const deadline = Math.max(now, ceilingDeadline(other, now));
      const ceilingMs = other.timing.ceilingSeconds * 1000;
      if (deadline < now + MINUTE_MS) {
        reserved += changeCost(other.stream) * (1 + Math.floor((now + MINUTE_MS - 1 - deadline) / ceilingMs));
      }
    }
    return reserved;
  }

  /** Epoch ms of the next moment a poll may be due (or may fit in the budget again). */
  nextWake(now: number): number {
    const waits = this.plans.map((plan) =>
      plan.dueAt > now
        ? plan.dueAt
        : // Due but over the budget: it fits when the oldest spending leaves the window, or at the
          // end of its ceiling, when the kept part of the budget is its.
          Math.max(now + 1, Math.min(this.windowFrees(now), ceilingDeadline(plan, now))),
    );
    return Math.min(...waits);
  }

  /** When the oldest spending of the last minute leaves it. */
  private windowFrees(now: number): number {
    const oldest = this.spent.find(({ at }) => at > now - MINUTE_MS);
    return oldest === undefined ? now : oldest.at + MINUTE_MS;
  }

  /** Takes what a poll of `stream` (started by `due`) found at `now`. */
  record(stream: string, poll: DuePoll, outcome: PollOutcome, now: number): void {
    const plan = this.plans.find((p) => p.stream.name === stream);
    if (plan === undefined) return;
    // The budget counts a poll's own passes; the first poll of each stream (catching up on the time
    // nobody watched), further pages of a busy or lagging stream and periodic work are catch-up, which
    // the rest of the rate limit is for.
    const cost = changeCost(plan.stream) + (poll.lifecycle ? plan.stream.lifecyclePasses : 0);
    const steady = plan.polledAt === undefined ? 0 : Math.min(outcome.requests, cost);
    if (steady > 0) this.spent.push({ at: now, requests: steady });
    plan.polledAt = now;
    if (poll.lifecycle && outcome.caughtUp) plan.lifecycleDueAt = now + plan.timing.lifecycleSeconds * 1000;
    if (outcome.events > 0) {
      plan.intervalSeconds = plan.timing.floorSeconds;
      for (const related of this.settings.boosts[stream] ?? []) this.boost(related, now);
    } else if (plan.boostedUntil <= now) {
      plan.intervalSeconds = Math.min(
        plan.timing.ceilingSeconds,
        plan.intervalSeconds * this.settings.backoffFactor,
      );
    }
    plan.dueAt = outcome.caughtUp ? now + plan.intervalSeconds * 1000 : now;
  }

  /** Cliniko answered 429: the key is busier than this account's polls; spend less. */
  rateLimited(now: number): void {
    this.budgetFactor = Math.max(MIN_BUDGET_FACTOR, this.budgetFactor / 2);
    this.budgetChangedAt = now;
  }

  /** Each stream's interval and due time (for progress output and tests). */
  snapshot(): Array<{ stream: string; intervalSeconds: number; dueAt: number }> {
    return this.plans.map((plan) => ({
      stream: plan.stream.name,
      intervalSeconds: plan.intervalSeconds,
      dueAt: plan.dueAt,
    }));
  }

  private boost(stream: string, now: number): void {
    const plan = this.plans.find((p) => p.stream.name === stream);
    if (plan === undefined) return;
    plan.boostedUntil = now + this.settings.boostSeconds * 1000;
    plan.intervalSeconds = plan.timing.floorSeconds;
    plan.dueAt = Math.min(plan.dueAt, now + plan.timing.floorSeconds * 1000);
  }

  private spentSince(from: number): number {
    this.spent = this.spent.filter(({ at }) => at > from);
    return this.spent.reduce((sum, entry) => sum + entry.requests, 0);
  }

  private recover(now: number): void {
    while (this.budgetFactor < 1 && now - this.budgetChangedAt >= MINUTE_MS) {
      this.budgetFactor = Math.min(1, this.budgetFactor + 0.25);
      this.budgetChangedAt += MINUTE_MS;
    }
  }
}

/** The requests of a poll without its lifecycle passes. */
function changeCost(stream: PlannedStream): number {
  return stream.passes - stream.lifecyclePasses;
}

/** When the stream will have gone a whole ceiling without a poll. */
function ceilingDeadline(plan: StreamPlan, now: number): number {
  return plan.polledAt === undefined ? now : plan.polledAt + plan.timing.ceilingSeconds * 1000;
}

function validate(settings: PlannerSettings): void {
  for (const [tier, timing] of Object.entries(settings.tiers)) {
    const { floorSeconds, ceilingSeconds, lifecycleSeconds } = timing;
    if (!(floorSeconds >= 1 && ceilingSeconds >= floorSeconds && lifecycleSeconds >= 1)) {
      throw new ConfigError(
        `polling.tiers.${tier}`,
        `needs 1 <= floorSeconds <= ceilingSeconds and lifecycleSeconds >= 1 (got ${floorSeconds}, ${ceilingSeconds}, ${lifecycleSeconds})`,
      );
    }
  }
  if (!(settings.backoffFactor > 1)) {
    throw new ConfigError('polling.backoffFactor', `must be above 1 (got ${settings.backoffFactor})`);
  }
  if (!(settings.budgetShare > 0 && settings.budgetShare <= 1)) {
    throw new ConfigError('polling.budgetShare', `must be in (0, 1] (got ${settings.budgetShare})`);
  }
}
