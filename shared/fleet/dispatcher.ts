/**
 * One tick of the fleet's dispatcher: reads the registry and the statuses kept with the leases,
 * plans the runs of the tick (schedule.ts) and hands them to the work queue with their delays. The
 * Lambda dispatcher ticks every minute and the queue is SQS; the local fleet runner ticks in-process
 * and its queue runs the workers itself. Either way the plan also reports the fleet's health
 * (docs/design.md, Fleet).
 */
import type { AccountStatusReader } from '../engine/ports.js';
import type { AccountRegistry } from './registry.js';
import { planTick, type TickPlan } from './schedule.js';
import type { WorkQueue } from './work-queue.js';

export interface DispatcherDeps {
  readonly registry: Pick<AccountRegistry, 'list'>;
  readonly statuses: AccountStatusReader;
  readonly queue: WorkQueue;
  /** Time between two runs of an account. */
  readonly intervalMs: number;
  /** Time between two ticks: the window each tick plans. */
  readonly tickMs: number;
  /** Hand out no run of an account whose lease is held (adaptive polling). @default false */
  readonly leaveHeld?: boolean;
  readonly now?: () => number;
}

export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async tick(): Promise<TickPlan> {
    const { registry, statuses, queue, intervalMs, tickMs } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    const accounts = await registry.list();
    const known = await statuses.getAccountStatuses(accounts.filter((a) => !a.paused).map((a) => a.id));
    const plan = planTick(accounts, known, now, tickMs, intervalMs, this.deps.leaveHeld ?? false);
    await queue.send(
      plan.runs.map((run) => ({ work: { account: run.account, task: 'poll' }, delayMs: run.delayMs })),
    );
    return plan;
  }
}
