/**
 * The poll planner, pure: driven through simulated time with random outcomes (fast-check), checked
 * against its promises — the budget share over any minute, every stream within its ceiling, a change
 * snapping the stream to its floor and boosting related ones, a 429 lowering the budget.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PLANNER_SETTINGS,
  type DuePoll,
  type PlannedStream,
  type PlannerSettings,
  PollPlanner,
  plannedStreamOf,
} from '../../../shared/engine/poll-planner.js';
import { ConfigError } from '../../../shared/errors.js';
import { CORE_STREAMS, STREAMS } from '../../../shared/streams.js';

const T0 = Date.parse('2026-03-02T09:00:00Z');

interface PollLog {
  readonly at: number;
  readonly stream: string;
  readonly steady: number;
}

/**
 * Runs the planner for `minutes` of simulated time: at every wake, polls what is due; each poll finds
 * a change with the stream's probability, costs its passes plus `extraPages` catch-up requests.
 */
function simulate(
  planner: PollPlanner,
  streams: readonly PlannedStream[],
  options: {
    minutes: number;
    changeChance: (stream: string, at: number) => boolean;
    extraPages?: (stream: string) => number;
    rateLimitedAt?: readonly number[];
  },
): PollLog[] {
  const log: PollLog[] = [];
  const end = T0 + options.minutes * 60_000;
  const limits = [...(options.rateLimitedAt ?? [])];
  const polled = new Set<string>();
  let now = T0;
  while (now < end) {
    while (limits.length > 0 && (limits[0] ?? Infinity) <= now) {
      limits.shift();
      planner.rateLimited(now);
    }
    for (const poll of planner.due(now)) {
      const stream = streams.find((s) => s.name === poll.stream);
      if (stream === undefined) throw new Error(poll.stream);
      // A stream's first poll is catch-up, outside the steady budget (as the planner counts it).
      const steady = polled.has(poll.stream)
        ? stream.passes - (poll.lifecycle ? 0 : stream.lifecyclePasses)
        : 0;
      polled.add(poll.stream);
      const events = options.changeChance(poll.stream, now) ? 1 : 0;
      const requests = steady + (options.extraPages?.(poll.stream) ?? 0);
      planner.record(poll.stream, poll, { events, requests, caughtUp: true }, now);
      log.push({ at: now, stream: poll.stream, steady });
    }
    // A round takes a little time; the loop then sleeps until the planner's next wake.
    now = Math.max(now + 250, planner.nextWake(now));
  }
  return log;
}

function maxSpentInAnyMinute(log: readonly PollLog[]): number {
  let max = 0;
  for (const entry of log) {
    const spent = log
      .filter((other) => other.at > entry.at - 60_000 && other.at <= entry.at)
      .reduce((sum, other) => sum + other.steady, 0);
    max = Math.max(max, spent);
  }
  return max;
}

function longestGapSeconds(log: readonly PollLog[], stream: string, end: number): number {
  const times = [T0, ...log.filter((e) => e.stream === stream).map((e) => e.at), end];
  let gap = 0;
  for (let i = 1; i < times.length; i += 1)
    gap = Math.max(gap, ((times[i] ?? 0) - (times[i - 1] ?? 0)) / 1000);
  return gap;
}

const core = CORE_STREAMS.map(plannedStreamOf);
const budget = (settings: PlannerSettings) => settings.rateLimitPerMinute * settings.budgetShare;

describe('PollPlanner', () => {
  it('never spends more than its share of the rate limit in any minute, whatever the churn and 429s', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: 0, max: 20 * 60_000 }), { maxLength: 4 }),
        fc.integer(),
        (changeRate, extra, limitOffsets, seed) => {
          const random = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: 4000, seed });
          let i = 0;
          const planner = new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0);
          const log = simulate(planner, core, {
            minutes: 20,
            changeChance: () => (random[i++ % random.length] ?? 0) < changeRate,
            extraPages: () => extra,
            rateLimitedAt: limitOffsets.sort((a, b) => a - b).map((offset) => T0 + offset),
          });
          expect(log.length).toBeGreaterThan(0);
          expect(maxSpentInAnyMinute(log)).toBeLessThanOrEqual(budget(DEFAULT_PLANNER_SETTINGS));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('polls every stream at least once per its ceiling, whatever the churn (without 429s)', () => {
    fc.assert(
      fc.property(
        fc.record({
          hot: fc.double({ min: 0, max: 1, noNaN: true }),
          other: fc.double({ min: 0, max: 0.5, noNaN: true }),
          extra: fc.integer({ min: 0, max: 5 }),
          seed: fc.integer(),
        }),
        ({ hot, other, extra, seed }) => {
          const random = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { numRuns: 4000, seed });
          let i = 0;
          const planner = new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0);
          const log = simulate(planner, core, {
            minutes: 20,
            changeChance: (stream) =>
              (random[i++ % random.length] ?? 0) <
              (DEFAULT_PLANNER_SETTINGS.streamTiers[stream] === 'hot' ? hot : other),
            extraPages: () => extra,
          });
          for (const stream of core) {
            const tier = DEFAULT_PLANNER_SETTINGS.streamTiers[stream.name] ?? 'cold';
            const ceiling = DEFAULT_PLANNER_SETTINGS.tiers[tier].ceilingSeconds;
            // One simulated round (250 ms) of slack.
            expect(longestGapSeconds(log, stream.name, T0 + 20 * 60_000), stream.name).toBeLessThanOrEqual(
              ceiling + 0.25,
            );
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('polls the hot streams close to their floor while they keep changing, within the budget', () => {
    const planner = new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0);
    const hot = ['individual_appointments', 'attendees', 'patients'];
    const log = simulate(planner, core, { minutes: 20, changeChance: (stream) => hot.includes(stream) });
    for (const stream of hot) {
      const polls = log.filter((entry) => entry.stream === stream).length;
      // 20 minutes at a 6 s floor would be 200 polls; the boosted streams share the budget with
      // them, so the hot ones average at most about 7 s apart.
      expect(polls, stream).toBeGreaterThanOrEqual(165);
    }
    expect(maxSpentInAnyMinute(log)).toBeLessThanOrEqual(50);
  });

  it('backs an empty stream off toward its ceiling and snaps it to its floor on the first change', () => {
    const planner = new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0);
    const poll: DuePoll = { stream: 'individual_appointments', lifecycle: false };
    const intervalOf = () =>
      planner.snapshot().find((s) => s.stream === 'individual_appointments')?.intervalSeconds;
    const quiet = { events: 0, requests: 1, caughtUp: true };
    // A new planner presumes every stream quiet: at its ceiling until a change shows.
    expect(intervalOf()).toBe(12);
    planner.record('individual_appointments', poll, { events: 1, requests: 1, caughtUp: true }, T0);
    expect(intervalOf()).toBe(6);
    planner.record('individual_appointments', poll, quiet, T0 + 6_000);
    expect(intervalOf()).toBe(9);
    for (let k = 1; k < 5; k += 1) planner.record('individual_appointments', poll, quiet, T0 + k * 20_000);
    expect(intervalOf()).toBe(12);

    planner.record('individual_appointments', poll, { events: 2, requests: 1, caughtUp: true }, T0 + 200_000);
    expect(planner.snapshot().find((s) => s.stream === 'individual_appointments')).toEqual({
      stream: 'individual_appointments',
      intervalSeconds: 6,
      dueAt: T0 + 206_000,
    });
  });

  it('boosts the related streams to their floor for a while after a change', () => {
    const planner = new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0);
    const quiet = { events: 0, requests: 3, caughtUp: true };
    for (let k = 0; k < 10; k += 1)
      planner.record('invoices', { stream: 'invoices', lifecycle: false }, quiet, T0 + k);
    expect(planner.snapshot().find((s) => s.stream === 'invoices')?.intervalSeconds).toBe(60);

    const at = T0 + 30_000;
    planner.record(
      'individual_appointments',
      { stream: 'individual_appointments', lifecycle: false },
      { events: 1, requests: 1, caughtUp: true },
      at,
    );
    const invoices = planner.snapshot().find((s) => s.stream === 'invoices');
    expect(invoices).toEqual({ stream: 'invoices', intervalSeconds: 15, dueAt: at + 15_000 });
    // Still boosted: an empty poll keeps the floor until the boost ends.
    planner.record('invoices', { stream: 'invoices', lifecycle: false }, quiet, at + 15_000);
    expect(planner.snapshot().find((s) => s.stream === 'invoices')?.intervalSeconds).toBe(15);
    planner.record('invoices', { stream: 'invoices', lifecycle: false }, quiet, at + 121_000);
    expect(planner.snapshot().find((s) => s.stream === 'invoices')?.intervalSeconds).toBe(22.5);
  });

  it('includes the lifecycle passes only every lifecycleSeconds, and re-polls at once a stream that did not catch up', () => {
    const planner = new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0);
    const first = planner.due(T0);
    expect(first.find((p) => p.stream === 'individual_appointments')).toEqual({
      stream: 'individual_appointments',
      lifecycle: true,
    });
    for (const poll of first) {
      const events = poll.stream === 'individual_appointments' ? 1 : 0;
      planner.record(poll.stream, poll, { events, requests: 4, caughtUp: true }, T0);
    }
    expect(planner.due(T0 + 6_000).find((p) => p.stream === 'individual_appointments')).toEqual({
      stream: 'individual_appointments',
      lifecycle: false,
    });
    planner.record(
      'individual_appointments',
      { stream: 'individual_appointments', lifecycle: false },
      { events: 0, requests: 1, caughtUp: false },
      T0 + 6_000,
    );
    expect(planner.due(T0 + 6_000).map((p) => p.stream)).toContain('individual_appointments');
    expect(planner.due(T0 + 120_000).find((p) => p.stream === 'individual_appointments')?.lifecycle).toBe(
      true,
    );
  });

  it('halves the budget on a 429 and gives it back a quarter per quiet minute', () => {
    const planner = new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0);
    expect(planner.budgetPerMinute()).toBe(50);
    planner.rateLimited(T0);
    expect(planner.budgetPerMinute()).toBe(25);
    planner.rateLimited(T0);
    planner.rateLimited(T0);
    // Never below a quarter of the share.
    expect(planner.budgetPerMinute()).toBe(12.5);
    // Due polls that do not fit wait: the first round at T0 now fits only 12 passes.
    const steady = planner.due(T0).reduce((sum, poll) => {
      const stream = core.find((s) => s.name === poll.stream);
      return sum + (stream ? stream.passes - (poll.lifecycle ? 0 : stream.lifecyclePasses) : 0);
    }, 0);
    expect(steady).toBeLessThanOrEqual(12.5);
    expect(steady).toBeGreaterThan(0);
    planner.due(T0 + 60_000);
    expect(planner.budgetPerMinute()).toBe(25);
    planner.due(T0 + 180_000);
    expect(planner.budgetPerMinute()).toBe(50);
  });

  it('refuses settings under which the idle streams alone would overrun the budget, naming the setting', () => {
    const all = STREAMS.map(plannedStreamOf);
    const tight = { ...DEFAULT_PLANNER_SETTINGS, budgetShare: 0.05 };
    expect(() => new PollPlanner(all, tight, T0)).toThrow(ConfigError);
    expect(() => new PollPlanner(all, tight, T0)).toThrow(/polling\.budgetShare/);
    const idle = new PollPlanner(all, DEFAULT_PLANNER_SETTINGS, T0).idleRequestsPerMinute();
    expect(idle).toBeLessThanOrEqual(50);
    expect(new PollPlanner(core, DEFAULT_PLANNER_SETTINGS, T0).idleRequestsPerMinute()).toBeLessThanOrEqual(
      30,
    );
  });
});
