/**
 * An in-memory `EventPublisher` for tests and benchmarks: keeps every published event in order and
 * can be told to fail like `EventBridgePublisher` does once its retry budget is spent — either the
 * whole call, or part-way (earlier entries delivered, later ones not), which is what a run sees when
 * some PutEvents batches succeeded before one failed for good.
 */
import type { EventPublisher } from '../../shared/engine/ports.js';
import { PublishError } from '../../shared/errors.js';
import type { ChangeEvent } from '../../shared/events/contract.js';

export class RecordingPublisher implements EventPublisher {
  /** Every event delivered, in publication order (duplicates included: delivery is at-least-once). */
  readonly events: ChangeEvent[] = [];
  /** `publish` calls, including failed ones. */
  calls = 0;
  private failingCalls = 0;
  private failingEntries: number[] = [];

  /** The next `n` calls throw `PublishError` without delivering anything. */
  failNextCalls(n: number): void {
    this.failingCalls += n;
  }

  /**
   * The next call delivers all but its last `n` events, then throws `PublishError`.
   * Successive calls queue up: `failNextEntries(2); failNextEntries(1)` affects the next two calls.
   */
  failNextEntries(n: number): void {
    this.failingEntries.push(n);
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    this.calls += 1;
    if (this.failingCalls > 0) {
      this.failingCalls -= 1;
      throw new PublishError(`PutEvents failed for ${events.length} of ${events.length} entries (injected)`);
    }
    const failing = this.failingEntries.shift();
    if (failing !== undefined && failing > 0 && events.length > 0) {
      const failed = Math.min(failing, events.length);
      this.events.push(...events.slice(0, events.length - failed));
      throw new PublishError(`PutEvents failed for ${failed} of ${events.length} entries (injected)`);
    }
    this.events.push(...events);
  }

  /** Forgets delivered events, counts and pending failures. */
  reset(): void {
    this.events.length = 0;
    this.calls = 0;
    this.failingCalls = 0;
    this.failingEntries = [];
  }
}
