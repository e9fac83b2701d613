/**
 * SIGINT/SIGTERM for a long-running command: the first signal aborts `signal` so the engine finishes
 * its current page, publishes, checkpoints and returns; a second one forces exit code 1 at once
 * (state stays consistent up to the last checkpoint either way).
 *
 * Until `pollingStarted()` the command is still starting: nothing has been polled, so there is nothing
 * to finish or save, and start-up steps (opening a store, reaching DynamoDB) do not watch `signal` and
 * may hang. A signal then exits 0 at once, so it can never be ignored.
 */
import { sleep } from '../shared/backoff.js';

export class Shutdown {
  private readonly controller = new AbortController();
  private polling = false;
  private readonly onSignal = (name: NodeJS.Signals) => this.handle(name);

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly forceExit: (code: number) => void = (code) => process.exit(code),
  ) {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Waits `ms`, or less when a stop is requested. */
  sleep(ms: number): Promise<void> {
    return sleep(ms, this.signal);
  }

  /** From now on a first signal lets the current page finish and checkpoint before the command returns. */
  pollingStarted(): void {
    this.polling = true;
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  private handle(name: NodeJS.Signals): void {
    if (!this.polling) {
      this.out.write(
        `\n${name} during start-up: stopping now; nothing was polled yet, so nothing is lost.\n`,
      );
      this.controller.abort();
      this.forceExit(0);
      return;
    }
    if (!this.controller.signal.aborted) {
      this.out.write(
        `\n${name}: stopping after the current page (events published, cursors saved). Press Ctrl-C again to force.\n`,
      );
      this.controller.abort();
      return;
    }
    this.out.write(
      `${name} again: forced stop. Work after the last checkpoint will be redone on the next run.\n`,
    );
    this.forceExit(1);
  }
}
