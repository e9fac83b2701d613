/**
 * A sink that refuses events, or can no longer take them, until someone changes something: a webhook
 * receiver answering 4xx, a pipe whose reader went away. Unlike a transient `PublishError` (5xx,
 * timeouts), polling again every interval cannot help, so the CLI's polling loop stops on it with
 * exit 1 and the message saying what to fix, where a supervisor sees it. Nothing was checkpointed for
 * the refused batch: the next run publishes it again.
 */
import { BridgeError } from '../errors.js';

export class SinkRefusedError extends BridgeError {}

/** The `SinkRefusedError` in `error`, its `cause` chain or an `AggregateError` of several sinks, if any. */
export function sinkRefusalIn(error: unknown, depth = 0): SinkRefusedError | undefined {
  if (error instanceof SinkRefusedError) return error;
  if (depth >= 5 || !(error instanceof Error)) return undefined;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = sinkRefusalIn(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return sinkRefusalIn(error.cause, depth + 1);
}
