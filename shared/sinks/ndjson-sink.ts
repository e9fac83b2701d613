/**
 * `--sink ndjson:PATH`: appends one event per line to a file, each line exactly the contract
 * envelope. `publish` resolves only after the lines are fsync'ed, because the engine checkpoints
 * its cursor as soon as `publish` resolves: an event must be on disk before the bridge forgets it.
 *
 * The file holds whatever the payload mode and the sink's allowed data classes put in events — by
 * default that is patient data, so the file is created readable by its owner only.
 */
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { EventPublisher } from '../engine/ports.js';
import type { ChangeEvent } from '../events/contract.js';
import { type EventFormat, encodeEvent } from './event-format.js';

export interface NdjsonSinkProps {
  /** The file to append to; parent directories are created. */
  readonly path: string;
  /** @default 'eventbridge' (the contract envelope); see event-format.ts */
  readonly format?: EventFormat;
}

const OWNER_ONLY = 0o600;
const NEWLINE = 0x0a;

async function endsWithNewline(file: FileHandle): Promise<boolean> {
  const { size } = await file.stat();
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  await file.read(last, 0, 1, size - 1);
  return last[0] === NEWLINE;
}

export class NdjsonSink implements EventPublisher {
  private readonly path: string;
  private readonly format: EventFormat;
  private directoryReady = false;

  constructor(props: NdjsonSinkProps) {
    this.path = resolve(props.path);
    this.format = props.format ?? 'eventbridge';
  }

  async publish(events: readonly ChangeEvent[]): Promise<void> {
    if (events.length === 0) return;
    // Serialize first: a bad event must fail the batch before anything is written.
    const text = events.map((event) => `${encodeEvent(event, this.format)}\n`).join('');
    if (!this.directoryReady) {
      await mkdir(dirname(this.path), { recursive: true });
      this.directoryReady = true;
    }
    const file = await open(this.path, 'a+', OWNER_ONLY);
    try {
      // A crash mid-append can leave a last line without its newline; start on a fresh line so the
      // re-published events that follow are not glued onto it.
      const separator = (await endsWithNewline(file)) ? '' : '\n';
      await file.appendFile(separator + text, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
  }
}
