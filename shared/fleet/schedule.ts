/**
 * When each account of a fleet is polled, pure. Every account has a fixed phase inside the poll
 * interval, from a hash of its id, so hundreds of accounts spread over the interval instead of
 * starting in the same second, and each keeps a regular cadence: its slots are `k × interval +
 * phase`. An account runs in its first slot at least a tenth of an interval after its last run
 * ended (a run that overruns its interval skips slots instead of running back to back, while a run
 * that merely started late — a busy worker pool — keeps its next slot); while a poller holds its
 * lease (a run under way), in its next slot: a run still going then makes that one skip on the
 * lease. The Lambda dispatcher takes the slots of the coming tick and hands them to
 * workers with the slot as delivery delay; the local fleet runner sleeps until the next slot.
 */
import { createHash } from 'node:crypto';
import type { AccountStatus } from '../engine/ports.js';
import type { RegisteredAccount } from './registry.js';

/** An account's phase inside the interval (ms), stable for its id. */
export function phaseMs(accountId: string, intervalMs: number): number {
  const digest = createHash('sha256').update(accountId).digest();
  return digest.readUInt32BE(0) % Math.max(1, Math.floor(intervalMs));
}

/** The account's next slot at or after `fromMs`. */
export function slotAtOrAfter(accountId: string, fromMs: number, intervalMs: number): number {
  const phase = phaseMs(accountId, intervalMs);
  const k = Math.ceil((fromMs - phase) / intervalMs);
  return k * intervalMs + phase;
}

/** The least rest between an account's runs, as a share of the interval. */
export const MIN_REST_FRACTION = 0.1;

/**
 * When the account should run next: its first slot at or after `fromMs` (default `nowMs`) and,
 * unless a run is under way at `nowMs` (its lease held; then its first slot from `nowMs`),
 * `MIN_REST_FRACTION` of an interval after its last run ended.
 */
export function nextRunMs(
  accountId: string,
  status: AccountStatus | undefined,
  nowMs: number,
  intervalMs: number,
  fromMs: number = nowMs,
): number {
  if ((status?.leaseExpiresAt ?? 0) > nowMs) return slotAtOrAfter(accountId, nowMs, intervalMs);
  const lastEnd = status?.lastRun === undefined ? Number.NaN : Date.parse(status.lastRun.at);
  const earliest = Number.isNaN(lastEnd)
    ? fromMs
    : Math.max(fromMs, lastEnd + intervalMs * MIN_REST_FRACTION);
  return slotAtOrAfter(accountId, earliest, intervalMs);
}

export interface TickPlan {
  /** Accounts to run in this tick, with the delay of each from the tick's start (ms). */
  readonly runs: readonly { readonly account: string; readonly delayMs: number }[];
  readonly registered: number;
  readonly paused: number;
  /** Accounts a poller holds right now (a run under way). */
  readonly held: number;
  /** Active accounts without a successful run for more than three intervals (or since they were added). */
  readonly overdue: readonly string[];
  /** Active accounts whose last run failed. */
  readonly failing: readonly string[];
  /** The worst lag behind Cliniko's clock among active accounts' last runs (seconds). */
  readonly worstLagSeconds: number | null;
}

/** How many intervals without a success make an account overdue (it alarms). */
export const OVERDUE_INTERVALS = 3;

/**
 * The runs of the tick and the fleet's health, from the registry and the statuses kept with the
 * leases. A tick plans the whole grid window it falls in, `[⌊now / tick⌋ × tick, + tick)`, not the
 * next `tick` ms from `now`: a tick that comes late (the Scheduler's few seconds, a busy host) runs
 * the slots it is late for at once instead of losing them to the gap between two windows, and two
 * ticks in one window plan the same slots (a run of a slot already run is never planned again).
 */
export function planTick(
  accounts: readonly RegisteredAccount[],
  statuses: ReadonlyMap<string, AccountStatus>,
  nowMs: number,
  tickMs: number,
  intervalMs: number,
  /** Plan no run for an account whose lease is held (adaptive polling: its worker keeps it). */
  leaveHeld = false,
): TickPlan {
  const runs: { account: string; delayMs: number }[] = [];
  const overdue: string[] = [];
  const failing: string[] = [];
  let paused = 0;
  let held = 0;
  let worstLagSeconds: number | null = null;
  const windowStart = Math.floor(nowMs / tickMs) * tickMs;
  const windowEnd = windowStart + tickMs;
  for (const account of accounts) {
    if (account.paused) {
      paused += 1;
      continue;
    }
    const status = statuses.get(account.id);
    const since = Date.parse(status?.lastSuccessAt ?? account.addedAt);
    if (!Number.isNaN(since) && nowMs - since > OVERDUE_INTERVALS * intervalMs) overdue.push(account.id);
    if (status?.lastRun?.outcome === 'failed') failing.push(account.id);
    const lag = status?.lastRun?.lagSeconds;
    if (typeof lag === 'number') worstLagSeconds = Math.max(worstLagSeconds ?? lag, lag);
    const isHeld = (status?.leaseExpiresAt ?? 0) > nowMs;
    if (isHeld) held += 1;
    if (isHeld && leaveHeld) continue;
    const next = nextRunMs(account.id, status, nowMs, intervalMs, windowStart);
    if (next < windowEnd) runs.push({ account: account.id, delayMs: Math.max(0, next - nowMs) });
  }
  runs.sort((a, b) => a.delayMs - b.delayMs || a.account.localeCompare(b.account));
  return { runs, registered: accounts.length, paused, held, overdue, failing, worstLagSeconds };
}
