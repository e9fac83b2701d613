/**
 * `--sink ndjson:-`: one event per line on a stream (the process's stdout), each line exactly what
 * `ndjson:PATH` writes. A batch is one write, and `publish` resolves once the stream has handed it to
 * the operating system (the write callback) — "flushed per batch". There is no fsync: a pipe or a
 * terminal cannot be synced, and whoever reads the pipe owns durability from there. When every event
 * must be on disk before the cursor moves, use `ndjson:PATH`.
 *
 * When the reader goes away (`| head`, a crashed consumer) the write fails with EPIPE: `publish` throws
 * a `SinkRefusedError`, nothing is checkpointed, and the CLI stops instead of writing into a dead pipe.
 */
import type { EventPublisher } from '../engine/ports.js';
import type { ChangeEvent } from '../events/contract.js';
import { type EventFormat, encodeEvent } from './event-format.js';
import { SinkRefusedError } from './sink-refused-error.js';

export interface NdjsonStreamSinkProps {
  /** Where lines go, usually `process.stdout`. */
  readonly stream: NodeJS.WritableStream;
  /** For messages. @default 'stdout' */
  readonly name?: string;
  /** @default 'eventbridge' (the contract envelope); see event-format.ts */
  readonly format?: EventFormat;
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export class NdjsonStreamSink implements EventPublisher {
  private readonly name: string;
  private readonly format: EventFormat;
  private failure: unknown;

  constructor(private readonly props: NdjsonStreamSinkProps) {
    this.name = props.name ?? 'stdout';
    this.format = props.format ?? 'eventbridge';
    // A stream with no 'error' listener would crash the process on EPIPE; the next publish reports it.
    props.stream.on('error', (error: unknown) => {
      this.failure ??= error;
    });
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Serialize first: a bad event must fail the batch before anything is written.
    const text = events.map((event) => `${encodeEvent(event, this.format)}\n`).join('');
    if (this.failure !== undefined) throw this.closed(this.failure);
    await new Promise<void>((resolve, reject) => {
      this.props.stream.write(text, (error?: Error | null) => {
        if (error) {
          this.failure ??= error;
          reject(this.closed(error));
        } else resolve();
      });
    });
  }

  private closed(error: unknown): SinkRefusedError {
    const code = codeOf(error);
    const what =
      code === 'EPIPE'
        ? `${this.name} was closed by its reader (EPIPE)`
        : `${this.name} cannot be written (${code ?? (error instanceof Error ? error.name : typeof error)})`;
    return new SinkRefusedError(
      `${what}: the events of this batch may not have arrived and nothing was checkpointed; ` +
        'the next run publishes them again. Keep the reading end of the pipe open while the bridge runs',
      { cause: error },
    );
  }
}
