/**
 * The one way tests make a port fail. `withFaults(port, plan)` is the port with every method call
 * going through `plan.around(operation, args, proceed)`, which lets the call through, fails it
 * before or after it takes effect, changes it, or holds it. `FaultPlan` is the plan of queued
 * faults most tests want; the chaos suite's run plan (test/chaos/chaos-ports.ts) is another.
 */
import { ClinikoUnavailableError, PublishError } from '../../shared/errors.js';

/** Makes the real call, with the caller's arguments unless others are given. */
export type Proceed = (args?: readonly unknown[]) => unknown;

/**
 * Decides each call. A call it leaves alone must return `proceed()`'s result as is, not awaited: a
 * method that returns an async iterable (`listRecordStates`) has to stay one.
 */
export interface CallPlan {
  around(operation: string, args: readonly unknown[], proceed: Proceed): unknown;
}

/**
 * `port` with its methods routed through `plan`. A call the plan lets through returns exactly what
 * the method returns (an async iterable stays one), so the wrapper is invisible without faults.
 */
export function withFaults<T extends object>(port: T, plan: CallPlan): T {
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      return (...args: unknown[]) =>
        plan.around(key, args, (given = args) => Reflect.apply(value, target, given));
    },
  });
}

/** What one call meets instead of going through: given the real call, what the caller sees. */
export type Fault = (
  proceed: (args?: readonly unknown[]) => Promise<unknown>,
  args: readonly unknown[],
) => Promise<unknown>;

/** The call throws `error` without taking effect. */
export const failBefore =
  (error: unknown): Fault =>
  () =>
    Promise.reject(error);

/** The call takes effect, then throws `error`: "the write landed but the caller saw an error". */
export const failAfter =
  (error: unknown): Fault =>
  async (proceed) => {
    await proceed();
    throw error;
  };

/** A Cliniko request that fails as an outage does (a 503 once the client's retries are spent). */
export const clinikoOutage = (): Fault =>
  failBefore(
    new ClinikoUnavailableError({ method: 'GET', path: '/injected', status: 503 }, 'injected outage'),
  );

/** A `publish` that fails as a whole, as `EventBridgePublisher` does once its retries are spent. */
export const publishFails: Fault = (_proceed, [events]) => {
  const count = (events as readonly unknown[]).length;
  return Promise.reject(new PublishError(`PutEvents failed for ${count} of ${count} entries (injected)`));
};

/**
 * A `publish` that delivers all but its last `n` events, then fails: what a run sees when some
 * PutEvents batches succeeded before one failed for good.
 */
export const publishFailsLast =
  (n: number): Fault =>
  async (proceed, [events, ...rest]) => {
    const all = events as readonly unknown[];
    const failed = Math.min(n, all.length);
    await proceed([all.slice(0, all.length - failed), ...rest]);
    if (failed > 0) {
      throw new PublishError(`PutEvents failed for ${failed} of ${all.length} entries (injected)`);
    }
  };

/** The names of `T`'s methods. */
export type Operation<T> = {
  [K in keyof T]-?: T[K] extends (...args: never[]) => unknown ? K : never;
}[keyof T] &
  string;

interface Queued {
  /** `undefined`: this call goes through. */
  readonly fault: Fault | undefined;
  /** The entry waits for the first call for which this holds; calls before it go through. */
  readonly when: (() => boolean) | undefined;
}

export interface FaultTiming {
  /** How many calls in a row meet the fault. @default 1 */
  readonly times?: number;
  /** Calls that go through first. @default 0 */
  readonly after?: number;
  /** Only a call for which this holds meets the fault; the calls before it go through. */
  readonly when?: () => boolean;
}

/** Faults queued per operation of a port `T`; a call with nothing queued goes through. */
export class FaultPlan<T> implements CallPlan {
  private readonly queues = new Map<string, Queued[]>();
  /** Faults that struck, in all. */
  strikes = 0;

  /** After `after` calls of `operation` go through, the next `times` calls meet `fault`. */
  next(operation: Operation<T>, fault: Fault, timing: FaultTiming = {}): this {
    const queue = this.queues.get(operation) ?? [];
    for (let i = 0; i < (timing.after ?? 0); i += 1) queue.push({ fault: undefined, when: undefined });
    for (let i = 0; i < (timing.times ?? 1); i += 1) queue.push({ fault, when: timing.when });
    this.queues.set(operation, queue);
    return this;
  }

  /** Forgets the faults that have not struck (so a fault armed for one run cannot leak into the next). */
  clear(): void {
    this.queues.clear();
  }

  around(operation: string, args: readonly unknown[], proceed: Proceed): unknown {
    const queue = this.queues.get(operation);
    const head = queue?.[0];
    if (head === undefined || (head.when !== undefined && !head.when())) return proceed();
    queue?.shift();
    if (head.fault === undefined) return proceed();
    this.strikes += 1;
    return head.fault(async (given) => proceed(given), args);
  }
}
