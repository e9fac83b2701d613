import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../../shared/engine/ports.js';
import type { RegisteredAccount } from '../../../shared/fleet/registry.js';
import {
  MIN_REST_FRACTION,
  nextRunMs,
  phaseMs,
  planTick,
  slotAtOrAfter,
} from '../../../shared/fleet/schedule.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-01T09:00:00Z');

const account = (id: string, extra: Partial<RegisteredAccount> = {}): RegisteredAccount => ({
  id,
  apiKey: { store: 'secretsmanager', secretId: `cliniko/${id}` },
  paused: false,
  origin: 'cli',
  addedAt: new Date(T0 - 3600_000).toISOString(),
  updatedAt: new Date(T0 - 3600_000).toISOString(),
  ...extra,
});

const ran = (
  endMs: number,
  outcome: 'ok' | 'failed' = 'ok',
  lagSeconds: number | null = 10,
): AccountStatus => ({
  lastRun: { at: new Date(endMs).toISOString(), outcome, lagSeconds },
  ...(outcome === 'ok' ? { lastSuccessAt: new Date(endMs).toISOString() } : {}),
  leaseExpiresAt: 0,
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => `clinic-${i}`);

describe('fleet schedule', () => {
  it('spreads 500 accounts over the interval: no second holds more than a few of them', () => {
    const perSecond = new Map<number, number>();
    for (const id of ids(500)) {
      const second = Math.floor(phaseMs(id, MINUTE) / 1000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    }
    expect(perSecond.size).toBeGreaterThan(55);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(20);
  });

  it('gives every account slots one interval apart, at its own phase', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 1e12 }),
        (id, from) => {
          const slot = slotAtOrAfter(id, from, MINUTE);
          expect(slot).toBeGreaterThanOrEqual(from);
          expect(slot - from).toBeLessThan(MINUTE);
          expect(((slot % MINUTE) + MINUTE) % MINUTE).toBe(phaseMs(id, MINUTE));
        },
      ),
    );
  });

  it('runs an account no sooner than a tenth of an interval after its last run ended, in a slot', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * MINUTE }),
        fc.integer({ min: 0, max: 10 * MINUTE }),
        (end, now) => {
          const next = nextRunMs('clinic-a', ran(T0 + end), T0 + now, MINUTE);
          expect(next).toBeGreaterThanOrEqual(T0 + now);
          expect(next).toBeGreaterThanOrEqual(T0 + end + MINUTE * MIN_REST_FRACTION);
          expect(next - Math.max(T0 + now, T0 + end + MINUTE * MIN_REST_FRACTION)).toBeLessThan(MINUTE);
        },
      ),
    );
  });

  it('keeps the next slot of a run that started late but ended well before it', () => {
    const slot = slotAtOrAfter('clinic-a', T0, MINUTE);
    // The run of the slot before started 28 s late (a busy pool) and took 7 s: it ended 25 s before
    // this slot, which it must not lose (the fleet benchmark saw such gaps of 89 s).
    const ended = slot - 25_000;

    expect(nextRunMs('clinic-a', ran(ended), slot - 20_000, MINUTE)).toBe(slot);
    // A run that overran into the slot (ended 1 s before it) skips it instead of running back to back.
    expect(nextRunMs('clinic-a', ran(slot - 1_000), slot - 500, MINUTE)).toBe(slot + MINUTE);
  });

  it('runs each active account exactly once per interval when ticks cover the time and runs are short', () => {
    const fleet = ids(200).map((id) => account(id));
    const statuses = new Map<string, AccountStatus>();
    const runs = new Map<string, number[]>();
    // Ten one-minute ticks; every run takes 3 s.
    for (let tick = 0; tick < 10; tick += 1) {
      const now = T0 + tick * MINUTE;
      const plan = planTick(fleet, statuses, now, MINUTE, MINUTE);
      for (const run of plan.runs) {
        const start = now + run.delayMs;
        runs.set(run.account, [...(runs.get(run.account) ?? []), start]);
        statuses.set(run.account, ran(start + 3000));
      }
    }
    for (const id of ids(200)) {
      const starts = runs.get(id) ?? [];
      expect(starts.length).toBeGreaterThanOrEqual(9);
      for (let i = 1; i < starts.length; i += 1) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBe(MINUTE);
    }
  });

  it('keeps the cadence of an account whose run is under way at the tick: its next slot, not one later', () => {
    const slot = slotAtOrAfter('busy', T0, MINUTE);
    // The run of `slot` is still going at the next ticks; the status is the run before it.
    const status: AccountStatus = { ...ran(slot - MINUTE + 3000), leaseExpiresAt: slot + 2 * MINUTE };
    const statuses = new Map([['busy', status]]);

    // The tick of the window holding `slot` (just after it) plans nothing more for that window.
    const same = planTick([account('busy')], statuses, slot + 1000, MINUTE, MINUTE);
    // The next window's tick plans the next slot, although the run is still under way.
    const nextWindow = Math.floor((slot + MINUTE) / MINUTE) * MINUTE;
    const next = planTick([account('busy')], statuses, nextWindow + 200, MINUTE, MINUTE);

    expect(same.runs).toEqual([]);
    expect(same.held).toBe(1);
    expect(next.runs).toEqual([
      { account: 'busy', delayMs: Math.max(0, slot + MINUTE - (nextWindow + 200)) },
    ]);
  });

  it('with adaptive polling leaves an account whose lease is held to its worker, and hands it out once the lease is gone', () => {
    const slot = slotAtOrAfter('looping', T0, MINUTE);
    const window = Math.floor(slot / MINUTE) * MINUTE;
    const held: AccountStatus = { ...ran(slot - MINUTE), leaseExpiresAt: slot + 60_000 };
    const free: AccountStatus = { ...ran(slot - MINUTE), leaseExpiresAt: 0 };

    const whileHeld = planTick(
      [account('looping')],
      new Map([['looping', held]]),
      window + 10,
      MINUTE,
      MINUTE,
      true,
    );
    const fixedMode = planTick(
      [account('looping')],
      new Map([['looping', held]]),
      window + 10,
      MINUTE,
      MINUTE,
    );
    const released = planTick(
      [account('looping')],
      new Map([['looping', free]]),
      window + 10,
      MINUTE,
      MINUTE,
      true,
    );

    expect(whileHeld.runs).toEqual([]);
    expect(whileHeld.held).toBe(1);
    expect(fixedMode.runs.map((r) => r.account)).toEqual(['looping']);
    expect(released.runs.map((r) => r.account)).toEqual(['looping']);
  });

  it('loses no slot and runs none twice when ticks come up to 10 s late or twice in a window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 12, maxLength: 12 }),
        fc.integer({ min: 0, max: 11 }),
        (lateness, doubled) => {
          const fleet = ids(120).map((id) => account(id));
          const statuses = new Map<string, AccountStatus>();
          const starts = new Map<string, number[]>();
          const tickAt = (window: number, late: number) => {
            const now = T0 + window * MINUTE + late;
            for (const run of planTick(fleet, statuses, now, MINUTE, MINUTE).runs) {
              const start = now + run.delayMs;
              starts.set(run.account, [...(starts.get(run.account) ?? []), start]);
              // Runs take 2 s; their status lands before the next tick.
              statuses.set(run.account, ran(start + 2000));
            }
          };
          lateness.forEach((late, window) => {
            tickAt(window, late);
            if (window === doubled) tickAt(window, late + 500);
          });
          for (const id of ids(120)) {
            const list = starts.get(id) ?? [];
            // One run per window from the first (an account's slot in window 0 may precede T0).
            expect([id, list.length >= 11, list.length <= 12]).toEqual([id, true, true]);
            for (let i = 1; i < list.length; i += 1) {
              const gap = (list[i] ?? 0) - (list[i - 1] ?? 0);
              expect([id, gap > MINUTE * MIN_REST_FRACTION, gap < 2 * MINUTE]).toEqual([id, true, true]);
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('leaves out paused accounts, and reports the fleet’s health', () => {
    const fleet = [
      account('healthy'),
      account('paused', { paused: true }),
      account('held'),
      account('failing'),
      account('never-ran', { addedAt: new Date(T0 - 10 * MINUTE).toISOString() }),
      account('new', { addedAt: new Date(T0 - MINUTE).toISOString() }),
    ];
    const statuses = new Map<string, AccountStatus>([
      ['healthy', ran(T0 - MINUTE, 'ok', 12)],
      ['held', { ...ran(T0 - 2 * MINUTE, 'ok', 40), leaseExpiresAt: T0 + 30_000 }],
      [
        'failing',
        { ...ran(T0 - MINUTE, 'failed', null), lastSuccessAt: new Date(T0 - 5 * MINUTE).toISOString() },
      ],
    ]);

    const plan = planTick(fleet, statuses, T0, MINUTE, MINUTE);

    expect(plan.runs.map((r) => r.account).sort()).toEqual([
      'failing',
      'healthy',
      'held',
      'never-ran',
      'new',
    ]);
    expect(plan.runs.every((r) => r.delayMs >= 0 && r.delayMs < MINUTE)).toBe(true);
    expect(plan).toMatchObject({ registered: 6, paused: 1, held: 1, worstLagSeconds: 40 });
    expect([...plan.overdue].sort()).toEqual(['failing', 'never-ran']);
    expect(plan.failing).toEqual(['failing']);
  });
});
