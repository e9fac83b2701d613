import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSink, consoleColumnsFor, formatConsoleLine } from '../../../shared/sinks/console-sink.js';
import { CORE_STREAMS, STREAMS } from '../../../shared/streams.js';
import { SENTINEL, sampleEvent, sampleEvents } from './sample-events.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes are what is being detected.
const ANSI = /\u001b\[[0-9;]*m/;

// The time column is local time: pin the zone. The sample events happen on 2026-11-29 (UTC).
const SAME_DAY = Date.parse('2026-11-29T18:00:00Z');
let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('ConsoleSink', () => {
  it('writes one line per event with time, type, resource/recordId and changed field names', async () => {
    const out = capture();
    const sink = new ConsoleSink({ stream: out.stream, color: false, now: () => SAME_DAY });

    await sink.publish([sampleEvent()]);

    const lines = out.text().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    expect(lines[0]).toMatch(
      /^10:15:00 {2}patient\.updated +patients\/1390726237298631770 +fields: email, patient_phone_numbers$/,
    );
  });

  it('never prints record data values', async () => {
    const out = capture();
    const sink = new ConsoleSink({ stream: out.stream, color: true });

    await sink.publish([
      sampleEvent(),
      sampleEvent({ action: 'created', fields: null }),
      sampleEvent({ action: 'snapshot', fields: null }),
    ]);

    expect(out.text()).not.toContain(SENTINEL);
    expect(out.text()).not.toContain('example.test');
  });

  it('shows the action for lifecycle events without changed fields and only the type for snapshots', () => {
    const deleted = formatConsoleLine(sampleEvent({ action: 'deleted', fields: [] }), false, SAME_DAY);
    const snapshot = formatConsoleLine(sampleEvent({ action: 'snapshot', fields: null }), false, SAME_DAY);

    expect(deleted).toMatch(/patient\.deleted +patients\/1390726237298631770 +deleted$/);
    expect(snapshot).toMatch(/^10:15:00 {2}patient\.snapshot +patients\/1390726237298631770$/);
  });

  it('lines up the columns of short and long event types', () => {
    const short = formatConsoleLine(sampleEvent(), false);
    const long = formatConsoleLine(
      sampleEvent({
        entity: 'individual_appointment',
        resource: 'individual_appointments',
        action: 'cancelled',
      }),
      false,
    );

    expect(short.indexOf('fields:')).toBe(long.indexOf('fields:'));
  });

  it('lines up the longest detail-type and resource of all 32 streams with the shortest', () => {
    const short = formatConsoleLine(sampleEvent(), false);
    const longest = formatConsoleLine(
      sampleEvent({
        entity: 'practitioner_reference_number',
        resource: 'practitioner_reference_numbers',
        action: 'snapshot',
        fields: ['reference_number'],
      }),
      false,
    );

    expect(short.indexOf('fields:')).toBe(longest.indexOf('fields:'));
  });

  it('keeps the compact columns of the eleven core streams when only those are printed', async () => {
    const out = capture();
    const sink = new ConsoleSink({
      stream: out.stream,
      color: false,
      now: () => SAME_DAY,
      streams: CORE_STREAMS,
    });

    await sink.publish([sampleEvent()]);

    // `individual_appointment.cancelled` (32) and `individual_appointments/` + 19 digits (43) are the widest.
    expect(out.text()).toBe(
      `10:15:00  ${'patient.updated'.padEnd(32)}  ${'patients/1390726237298631770'.padEnd(43)}  fields: email, patient_phone_numbers\n`,
    );
  });

  it('sizes the type column by the detail-types the streams produce, not by every action', () => {
    const practitioners = STREAMS.filter((stream) => stream.name === 'practitioners');

    // Practitioners are never cancelled or archived: `practitioner.snapshot` is their longest type.
    expect(consoleColumnsFor(practitioners).type).toBe('practitioner.snapshot'.length);
    expect(consoleColumnsFor(STREAMS).type).toBe('practitioner_reference_number.snapshot'.length);
  });

  it('contains no escape sequences when colour is off', () => {
    const line = formatConsoleLine(sampleEvent({ action: 'created', fields: null }), false);

    expect(line).not.toMatch(ANSI);
  });

  it('colours the type by action when colour is on', () => {
    const colourOf = (action: 'created' | 'updated' | 'deleted' | 'cancelled' | 'snapshot' | 'archived') =>
      formatConsoleLine(sampleEvent({ action }), true).match(ANSI)?.[0];

    expect(colourOf('created')).toBe('\u001b[32m');
    expect(colourOf('updated')).toBe('\u001b[33m');
    expect(colourOf('deleted')).toBe('\u001b[31m');
    expect(colourOf('cancelled')).toBe('\u001b[31m');
    expect(colourOf('snapshot')).toBe('\u001b[90m');
    expect(colourOf('archived')).toBe('\u001b[34m');
  });

  it('replaces control characters in ids so they cannot drive the terminal', () => {
    const line = formatConsoleLine(sampleEvent({ recordId: '12\u001b[2J34' }), false);

    expect(line).toContain('patients/12?[2J34');
    expect(line).not.toMatch(ANSI);
  });

  it('waits for the stream to drain before resolving', async () => {
    const written: string[] = [];
    let release: (() => void) | undefined;
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString('utf8'));
        release = done;
      },
    });
    const sink = new ConsoleSink({ stream: slow, color: false });
    let resolved = false;

    const publishing = sink.publish(sampleEvents(2)).then(() => {
      resolved = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const resolvedWhileBlocked = resolved;
    while (release) {
      const next = release;
      release = undefined;
      next();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await publishing;

    expect(resolvedWhileBlocked).toBe(false);
    expect(written).toHaveLength(2);
    expect(written[1]).toContain('patients/1390726237298631771');
  });
});

describe('the time column (local time)', () => {
  let outerTz: string | undefined;
  beforeAll(() => {
    outerTz = process.env.TZ;
    // UTC+11 in December: the local day differs from the UTC day for part of it.
    process.env.TZ = 'Australia/Sydney';
  });
  afterAll(() => {
    process.env.TZ = outerTz;
  });

  const at = (occurredAt: string, now: string) =>
    formatConsoleLine(sampleEvent({ occurredAt }), false, Date.parse(now)).split('  ')[0];

  it('shows only the local time for an event of today', () => {
    expect(at('2026-12-01T14:48:43Z', '2026-12-02T03:00:00Z')).toBe('01:48:43');
  });

  it('shows the local date too for an event of another day', () => {
    expect(at('2026-12-01T02:48:43Z', '2026-12-02T03:00:00Z')).toBe('2026-12-01 13:48:43');
    expect(at('2025-12-02T03:00:00Z', '2026-12-02T03:00:00Z')).toBe('2025-12-02 14:00:00');
  });

  it('keeps a value that is not a timestamp as it is', () => {
    expect(at('not-a-time', '2026-12-02T03:00:00Z')).toBe('not-a-time');
  });
});
