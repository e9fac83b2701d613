/**
 * Closing what a command opened (simulator, clients, state store, sinks), last opened first. Best
 * effort: one failing close must not keep the others, or the exit, from happening; its cause is named.
 */
import { describeError } from '../shared/error-description.js';

export type Closer = () => Promise<void> | void;

export async function closeAll(closers: readonly Closer[], stderr: NodeJS.WritableStream): Promise<void> {
  for (const close of [...closers].reverse()) {
    await Promise.resolve()
      .then(close)
      .catch((error: unknown) =>
        stderr.write(
          `A resource did not close cleanly (${describeError(error)}); state is safe up to the last checkpoint.\n`,
        ),
      );
  }
}
