/**
 * An in-memory `EventPublisher` for tests and benchmarks: keeps every published event in order.
 * Failures come from a `FaultPlan` around it (./fault-plan.ts: `publishFails`, `publishFailsLast`).
 */
import type { EventPublisher } from '../../shared/engine/ports.js';
import type { ChangeEvent } from '../../shared/events/contract.js';

export class RecordingPublisher implements EventPublisher {
  /** Every event delivered, in publication order (duplicates included: delivery is at-least-once). */
  readonly events: ChangeEvent[] = [];
  /** `publish` calls that reached it. */
  calls = 0;

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    this.calls += 1;
    this.events.push(...events);
  }
}
