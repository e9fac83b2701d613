/**
 * A fleet in one process (`cliniko-bridge run --config FILE`, or `run` over a store whose registry
 * holds accounts): the dispatcher ticks in-process and its work queue is a timer per run that hands
 * the account to the same `AccountWorker` the Lambda uses, at most `concurrency` accounts at a time.
 * Each account keeps its own Cliniko client (rate budget) and runs under its own lease. With adaptive
 * polling a hand-out keeps the account until the runner stops (nothing ends the loop sooner), so
 * later hand-outs of it are dropped while it runs.
 */
import { setMaxListeners } from 'node:events';
import { sleep } from '../backoff.js';
import type { SyncRuntime } from '../config/sync-options.js';
import type { AccountStatusReader } from '../engine/ports.js';
import type { AccountPoll, AccountWorker } from './account-worker.js';
import { Dispatcher } from './dispatcher.js';
import type { AccountRegistry } from './registry.js';
import type { TickPlan } from './schedule.js';
import type { Work, WorkQueue } from './work-queue.js';

export interface FleetRunnerProps {
  readonly registry: Pick<AccountRegistry, 'list'>;
  readonly statuses: AccountStatusReader;
  readonly worker: Pick<AccountWorker, 'poll'>;
  readonly intervalMs: number;
  /** Accounts polled at once. */
  readonly concurrency: number;
  /** Lease owner of this process. */
  readonly owner: string;
  readonly signal: AbortSignal;
  /** Called after every poll (and with the error of a poll that threw). */
  readonly onPoll?: (account: string, outcome: { poll: AccountPoll } | { error: unknown }) => void;
  readonly onTick?: (plan: TickPlan) => void;
  /** Extra engine settings for every run (reconciliation interval and the like). */
  readonly runtime?: Omit<SyncRuntime, 'signal'>;
  readonly now?: () => number;
}

export class FleetRunner {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly waiting: Work[] = [];
  private readonly running = new Set<Promise<void>>();
  /** Accounts waiting or being polled: a hand-out for one of them is dropped (its lease owner is ours). */
  private readonly pending = new Set<string>();
  private active = 0;

  constructor(private readonly props: FleetRunnerProps) {
    // Every account polled at once waits on the one signal (adaptive loops sleep on it).
    setMaxListeners(props.concurrency + 10, props.signal);
  }

  /** Polls every active account once, until each is caught up; resolves with each account's outcome. */
  async once(accounts: readonly string[]): Promise<void> {
    for (const account of accounts) this.enqueue({ account, task: 'poll' });
    await this.drain();
  }

  /** Ticks every `min(interval, 1 min)` until the signal aborts, then waits for polls under way. */
  async loop(): Promise<void> {
    const { signal, intervalMs } = this.props;
    const tickMs = Math.min(intervalMs, 60_000);
    const clock = this.props.now ?? Date.now;
    // Every window of the tick grid gets exactly one tick, in order: a tick that ends in the next
    // window, or a timer that fires a hair early, can neither skip a window nor repeat one.
    let window = Math.floor(clock() / tickMs) * tickMs;
    const dispatcher = new Dispatcher({
      registry: this.props.registry,
      statuses: this.props.statuses,
      queue: this.queue(),
      intervalMs,
      tickMs,
      now: () => Math.max(clock(), window),
    });
    while (!signal.aborted) {
      const plan = await dispatcher.tick();
      this.props.onTick?.(plan);
      window += tickMs;
      await sleep(Math.max(0, window - clock()), signal);
    }
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.waiting.length = 0;
    await Promise.all(this.running);
  }

  /** The in-process work queue: a timer per run, then the worker pool. */
  private queue(): WorkQueue {
    return {
      send: async (items) => {
        for (const { work, delayMs } of items) {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            this.enqueue(work);
          }, delayMs);
          this.timers.add(timer);
        }
      },
    };
  }

  private enqueue(work: Work): void {
    if (this.props.signal.aborted || this.pending.has(work.account)) return;
    this.pending.add(work.account);
    this.waiting.push(work);
    this.pump();
  }

  private pump(): void {
    while (this.active < this.props.concurrency && this.waiting.length > 0) {
      const work = this.waiting.shift();
      if (work === undefined) return;
      this.active += 1;
      const run = this.poll(work).finally(() => {
        this.pending.delete(work.account);
        this.active -= 1;
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
  }

  private async poll(work: Work): Promise<void> {
    const { worker, owner, signal, onPoll, runtime } = this.props;
    try {
      const poll = await worker.poll(work.account, {
        ...runtime,
        owner,
        signal,
        ...(work.task === 'reconcile' ? { forceReconcile: true } : {}),
      });
      onPoll?.(work.account, { poll });
    } catch (error) {
      onPoll?.(work.account, { error });
    }
  }

  /** Resolves once nothing waits and nothing runs. */
  private async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }
}
