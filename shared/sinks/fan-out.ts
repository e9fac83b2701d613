/**
 * Several `--sink`s at once. Every sink receives every batch, concurrently, and the batch counts as
 * published only when all of them accepted it: if one fails, `publish` throws and the engine does
 * not checkpoint, so the next run publishes the batch again — to every sink, including those that
 * already took it. Those duplicates are expected (delivery is at-least-once): consumers dedupe on
 * `detail.eventId`, which is the same for every re-publication of the same observation.
 */
import type { EventPublisher } from '../engine/ports.js';
import { describeError } from '../error-description.js';
import { ConfigError, PublishError } from '../errors.js';
import type { ChangeEvent } from '../events/contract.js';

export class FanOutPublisher implements EventPublisher {
  private readonly publishers: readonly EventPublisher[];

  constructor(publishers: readonly EventPublisher[]) {
    // With no sink every event would vanish while the cursor moves on.
    if (publishers.length === 0) throw new ConfigError('--sink', 'at least one sink is required');
    this.publishers = [...publishers];
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    // Concurrent, so a webhook backing off does not hold the console back; all settle before we decide.
    const results = await Promise.allSettled(this.publishers.map((publisher) => publisher.publish(events)));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    const [first] = failures;
    if (failures.length === 1) throw first;
    if (failures.length > 1) {
      const reasons = failures.map((reason) => describeError(reason));
      throw new PublishError(
        `${failures.length} of ${this.publishers.length} sinks failed: ${reasons.join(' | ')}`,
        { cause: new AggregateError(failures) },
      );
    }
  }
}
