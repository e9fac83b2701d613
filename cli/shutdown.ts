/**
 * SIGINT/SIGTERM for a long-running command: the first signal aborts `signal` so the engine finishes
 * its current page, publishes, checkpoints and returns; a second one forces exit code 1 at once
 * (state stays consistent up to the last checkpoint either way).
 */
export class Shutdown {
  private readonly controller = new AbortController();
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
    const { signal } = this;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  private handle(name: NodeJS.Signals): void {
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
