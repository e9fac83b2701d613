/**
 * Global setup of the `test:patterns` tier: builds the Event Ruler matcher jar once, before the test
 * files start, so parallel workers never run Maven at the same time.
 */
import { ensureEventRulerJar } from './event-patterns.js';

export default function setup(): void {
  ensureEventRulerJar();
}
