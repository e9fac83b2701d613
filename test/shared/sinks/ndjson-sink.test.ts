import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NdjsonSink } from '../../../shared/sinks/ndjson-sink.js';
import { sampleEvent, sampleEvents } from './sample-events.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ndjson-sink-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

describe('NdjsonSink', () => {
  it('appends one line per event that parses back to exactly the published events, across publishes', async () => {
    const path = join(dir, 'nested', 'deeper', 'events.ndjson');
    const sink = new NdjsonSink({ path });
    const events = [
      ...sampleEvents(3),
      sampleEvent({ action: 'deleted', fields: null, eventId: 'evt-deleted' }),
    ];

    await sink.publish(events.slice(0, 2));
    await sink.publish(events.slice(2));

    const lines = await readLines(path);
    expect(lines.map((line) => JSON.parse(line))).toEqual(events);
  });

  it('keeps appending to a file written by an earlier sink instance', async () => {
    const path = join(dir, 'events.ndjson');
    const events = sampleEvents(2);

    await new NdjsonSink({ path }).publish(events.slice(0, 1));
    await new NdjsonSink({ path }).publish(events.slice(1));

    expect((await readLines(path)).map((line) => JSON.parse(line))).toEqual(events);
  });

  it('writes only the contract keys, in contract order', async () => {
    const path = join(dir, 'events.ndjson');
    const event = sampleEvent();
    const withExtra = { ...event, internal: 'x', detail: { ...event.detail, debug: true } };

    await new NdjsonSink({ path }).publish([withExtra]);

    const [line] = await readLines(path);
    expect(Object.keys(JSON.parse(line ?? '{}'))).toEqual([
      'version',
      'id',
      'detail-type',
      'source',
      'account',
      'time',
      'region',
      'resources',
      'detail',
    ]);
    expect(JSON.parse(line ?? '{}')).toEqual(event);
  });

  it('starts on a new line when the file ends with a torn line from a crash', async () => {
    const path = join(dir, 'events.ndjson');
    await writeFile(path, '{"version":"0","id":"torn');
    const event = sampleEvent();

    await new NdjsonSink({ path }).publish([event]);

    const lines = await readLines(path);
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1] ?? '')).toEqual(event);
  });

  it('creates the file readable by its owner only, because events may carry patient data', async () => {
    const path = join(dir, 'events.ndjson');

    await new NdjsonSink({ path }).publish([sampleEvent()]);

    expect((await stat(path)).mode & 0o077).toBe(0);
  });

  it('rejects when the path cannot be written, so the engine does not checkpoint', async () => {
    const blocker = join(dir, 'not-a-directory');
    await writeFile(blocker, '');

    const publishing = new NdjsonSink({ path: join(blocker, 'events.ndjson') }).publish([sampleEvent()]);

    await expect(publishing).rejects.toThrow(/ENOTDIR|EEXIST/);
  });
});
