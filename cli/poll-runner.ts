/**
 * The polling loop of `cliniko-bridge run`: `once()` runs the engine until every stream is caught
 * up; `adaptive()` runs the poll loop (each stream as the planner says it falls due) and `loop()`
 * every stream every interval, both until a stop is requested. The engine itself (`syncAccount`,
 * `pollLoop`) is the same one the Lambda poller calls.
 */

import { type BridgeConfig, pollLoopOptionsFor } from '../shared/config/index.js';
import { pollLoop } from '../shared/engine/poll-loop.js';
import type { StreamReport, SyncReport } from '../shared/engine/report.js';
import { type SyncDeps, type SyncOptions, syncAccount } from '../shared/engine/sync.js';
import { describeError } from '../shared/error-description.js';
import { BridgeError, exitCodeOf } from '../shared/errors.js';
import { sinkRefusalIn } from '../shared/sinks/sink-refused-error.js';
import { formatDuration } from './duration.js';
import type { Progress } from './progress.js';
import type { Shutdown } from './shutdown.js';

export interface PollRunnerProps {
  readonly deps: SyncDeps;
  readonly syncOptions: SyncOptions;
  readonly intervalMs: number;
  readonly shutdown: Shutdown;
  readonly progress: Progress;
  readonly stderr: NodeJS.WritableStream;
  /** Print a line per poll that published events (when no console sink shows them). */
  readonly announceEvents: boolean;
  /** The 429 answers the account's client has had: the adaptive loop spends less after one. */
  readonly rateLimitedCount?: () => number;
  readonly now?: () => number;
}

const LEASE_RETRY_MS = 2000;

export class PollRunner {
  private readonly reportedFailures = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly props: PollRunnerProps) {
    this.now = props.now ?? Date.now;
  }

  /** Runs until caught up (or stopped); the exit code: 0, 3 (a stream was refused access) or 1. */
  async once(): Promise<number> {
    const { shutdown, stderr } = this.props;
    const started = this.now();
    const leaseWaitMs = this.props.syncOptions.leaseTtlMs + 5000;
    const totals: Record<string, number> = {};
    let waitingSince: number | undefined;
    for (;;) {
      const report = await this.poll();
      addEvents(totals, report.streams);
      if (shutdown.signal.aborted) {
        stderr.write(`Stopped: ${describeEvents(totals)}; cursors saved, the next run resumes from them.\n`);
        return 0;
      }
      if (report.skipped === 'lease-held') {
        const { account } = this.props.syncOptions;
        if (waitingSince === undefined) {
          waitingSince = this.now();
          stderr.write(`Another poller holds the lease of account "${account}"; waiting for it…\n`);
        }
        if (this.now() - waitingSince > leaseWaitMs) {
          throw new BridgeError(
            `another poller still holds the lease of account "${account}" after ${formatDuration(leaseWaitMs)}; ` +
              'stop the other cliniko-bridge process (or wait for its lease to expire) and try again',
          );
        }
        await shutdown.sleep(LEASE_RETRY_MS);
        continue;
      }
      const failed = report.streams.filter((stream) => stream.stopped === 'failed');
      for (const stream of failed) stderr.write(`Stream ${stream.stream} failed: ${failureText(stream)}\n`);
      // A refused permission (3) outranks any other failure (1).
      if (failed.length > 0) return Math.max(...failed.map((s) => s.error?.exitCode ?? 1));
      if (report.stopped === 'caught-up') {
        const seconds = ((this.now() - started) / 1000).toFixed(1);
        stderr.write(`Caught up: ${describeEvents(totals)} in ${seconds}s.\n`);
        return 0;
      }
    }
  }

  /**
   * Polls each stream as the planner says it falls due until a stop is requested. A failure ends
   * the loop's lease and starts it again after `intervalMs`; what ends `loop()` ends this too.
   */
  async adaptive(config: BridgeConfig): Promise<number> {
    const { deps, syncOptions, shutdown, stderr, progress, intervalMs } = this.props;
    while (!shutdown.signal.aborted) {
      try {
        progress.reset();
        const report = await pollLoop(
          {
            ...deps,
            sleep: (ms) => shutdown.sleep(ms),
            ...(this.props.rateLimitedCount ? { rateLimitedCount: this.props.rateLimitedCount } : {}),
            onRound: (round) => {
              progress.reset();
              this.reportFailures(round.streams);
              this.announce(round.streams);
            },
          },
          { ...pollLoopOptionsFor(config, syncOptions), signal: shutdown.signal },
        );
        if (report.skipped === 'lease-held') {
          stderr.write('Another poller holds the lease of this account; trying again shortly.\n');
          await shutdown.sleep(LEASE_RETRY_MS);
        }
      } catch (error) {
        this.onFailure(error);
        await shutdown.sleep(intervalMs);
      }
    }
    stderr.write('Stopped: cursors saved, the next run resumes from them.\n');
    return 0;
  }

  /**
   * Polls every interval until a stop is requested; transient failures wait for the next poll. A sink
   * that refuses events (a webhook answering 4xx, a closed stdout pipe) ends the loop: polling again
   * would only repeat the refusal, and a supervisor must see the exit.
   */
  async loop(): Promise<number> {
    const { shutdown, stderr, intervalMs } = this.props;
    while (!shutdown.signal.aborted) {
      const started = this.now();
      try {
        const report = await this.poll();
        this.reportFailures(report.streams);
        if (report.skipped === 'lease-held') {
          stderr.write('Another poller holds the lease of this account; skipped this poll.\n');
        }
        this.announce(report.streams);
      } catch (error) {
        this.onFailure(error);
      }
      await shutdown.sleep(Math.max(0, intervalMs - (this.now() - started)));
    }
    stderr.write('Stopped: cursors saved, the next run resumes from them.\n');
    return 0;
  }

  /** Rethrows what polling again cannot fix; says when it tries again otherwise. */
  private onFailure(error: unknown): void {
    const { stderr, intervalMs } = this.props;
    if (sinkRefusalIn(error) !== undefined) {
      stderr.write(
        'Stopping: a sink refuses events, and polling again cannot change that; fix what the message below says, then start the bridge again (nothing was lost: cursors stay at the last published batch).\n',
      );
      throw error;
    }
    if (isFatal(error)) throw error;
    stderr.write(`Poll failed: ${describeError(error)}. Trying again in ${formatDuration(intervalMs)}.\n`);
  }

  /** A line per poll that published events, when no console sink shows them. */
  private announce(streams: readonly StreamReport[]): void {
    const totals: Record<string, number> = {};
    addEvents(totals, streams);
    if (this.props.announceEvents && Object.keys(totals).length > 0) {
      this.props.stderr.write(
        `${new Date().toISOString().slice(11, 19)}  published ${describeEvents(totals)}\n`,
      );
    }
  }

  private async poll(): Promise<SyncReport> {
    const { deps, syncOptions, progress } = this.props;
    progress.reset();
    try {
      return await syncAccount(deps, syncOptions);
    } finally {
      progress.reset();
    }
  }

  /** Each stream failure once per kind, so a stream without permission does not flood the terminal. */
  private reportFailures(streams: readonly StreamReport[]): void {
    for (const stream of streams) {
      if (stream.stopped !== 'failed') continue;
      const key = `${stream.stream}:${stream.error?.name ?? ''}`;
      if (this.reportedFailures.has(key)) continue;
      this.reportedFailures.add(key);
      this.props.stderr.write(
        `Stream ${stream.stream} failed: ${failureText(stream)}. The other streams go on; it is retried every poll.\n`,
      );
    }
  }
}

/** Errors that polling again cannot fix: bad configuration, a refused key (exit 2 or 3), or a bug. */
function isFatal(error: unknown): boolean {
  return !(error instanceof BridgeError) || exitCodeOf(error) !== 1;
}

function failureText(stream: StreamReport): string {
  // The engine reports every stream failure with its class name; its message when it is the bridge's own.
  return stream.error?.message ?? `${stream.error?.name ?? 'an error'} (see the log line above)`;
}

function addEvents(totals: Record<string, number>, streams: readonly StreamReport[]): void {
  for (const stream of streams) {
    for (const [action, count] of Object.entries(stream.events))
      totals[action] = (totals[action] ?? 0) + (count ?? 0);
  }
}

function describeEvents(totals: Readonly<Record<string, number>>): string {
  const entries = Object.entries(totals).filter(([, n]) => n > 0);
  const sum = entries.reduce((total, [, n]) => total + n, 0);
  if (sum === 0) return 'no new events';
  const parts = entries.sort(([a], [b]) => a.localeCompare(b)).map(([action, n]) => `${action} ${n}`);
  return `${sum} event${sum === 1 ? '' : 's'} (${parts.join(', ')})`;
}
