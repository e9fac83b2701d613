/**
 * The one place every event passes on its way to a destination: wraps that destination's publisher
 * and hands it each event with the fields of the data classes it does not take left out
 * (`withholdFields`). The CLI puts one in front of every `--sink`, the poller Lambda one in front of
 * its event bus, so no sink or publisher receives an event any other way.
 *
 *   const warehouse = new DataClassGate(new NdjsonSink({ path }), ['operational']);
 */

import { DATA_CLASSES, type DataClass } from '../data-classes.js';
import type { EventPublisher } from '../engine/ports.js';
import { ConfigError } from '../errors.js';
import type { ChangeEvent } from '../events/contract.js';
import { withholdFields } from '../events/withhold.js';

export class DataClassGate implements EventPublisher {
  /** The classes this destination takes, in class order. */
  readonly allowed: readonly DataClass[];
  private readonly allowedSet: ReadonlySet<DataClass>;

  /**
   * @param destination the sink or publisher behind the gate
   * @param allowed the classes it may receive; must include `operational`. @default every class
   */
  constructor(
    readonly destination: EventPublisher,
    allowed: readonly DataClass[] = DATA_CLASSES,
  ) {
    if (!allowed.includes('operational')) {
      throw new ConfigError(
        'allowClasses',
        'must include operational: every event carries ids and timestamps',
      );
    }
    this.allowed = DATA_CLASSES.filter((dataClass) => allowed.includes(dataClass));
    this.allowedSet = new Set(this.allowed);
  }

  /** The classes this destination never receives (empty when it takes everything). */
  get withheld(): readonly DataClass[] {
    return DATA_CLASSES.filter((dataClass) => !this.allowedSet.has(dataClass));
  }

  publish(events: readonly ChangeEvent[]): Promise<void> {
    if (this.withheld.length === 0) return this.destination.publish(events);
    return this.destination.publish(events.map((event) => withholdFields(event, this.allowedSet)));
  }
}
