import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NdjsonStreamSink } from '../../../shared/sinks/ndjson-stream-sink.js';
import { SinkRefusedError } from '../../../shared/sinks/sink-refused-error.js';
import { sampleEvents } from './sample-events.js';

describe('NdjsonStreamSink', () => {
  it('writes one contract line per event and resolves only after the batch was handed to the stream', async () => {
    const writes: string[] = [];
    let release: (() => void) | undefined;
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        writes.push(chunk.toString('utf8'));
        release = callback;
      },
    });
    const sink = new NdjsonStreamSink({ stream });
    const events = sampleEvents(3);

    let resolved = false;
    const publishing = sink.publish(events).then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    release?.();
    await publishing;

    // One write per batch: a reader never sees half a batch interleaved with anything else.
    expect(writes).toHaveLength(1);
    expect(
      writes
        .join('')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(events);
  });

  it('writes nothing for an empty batch', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));

    await new NdjsonStreamSink({ stream }).publish([]);

    expect(chunks).toHaveLength(0);
  });

  it('fails with a SinkRefusedError naming EPIPE when the reader closed the pipe, without crashing the process', async () => {
    const stream = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write', errno: -32 }));
      },
    });
    const sink = new NdjsonStreamSink({ stream, name: 'stdout' });

    const error = await sink.publish(sampleEvents(1)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SinkRefusedError);
    expect((error as Error).message).toMatch(/stdout was closed by its reader \(EPIPE\)/);
    // A later batch fails the same way instead of writing into a dead stream.
    await expect(sink.publish(sampleEvents(1))).rejects.toBeInstanceOf(SinkRefusedError);
  });
});
