/**
 * Bad input through the whole engine (real client, real HTTP, crafted answers): each case gets a
 * typed error or safe handling, and never a cursor that moved past data it did not process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isChangeEvent } from '../../shared/events/index.js';
import {
  type CraftedCliniko,
  contact,
  EngineUnderTest,
  filteredList,
  list,
  startCraftedCliniko,
  text,
} from './crafted-cliniko.js';

let cliniko: CraftedCliniko;
let engine: EngineUnderTest;

beforeEach(async () => {
  cliniko = await startCraftedCliniko();
  engine = new EngineUnderTest(cliniko.baseUrl);
});
afterEach(async () => {
  await engine.close();
  await cliniko.close();
});

/** A first clean poll that leaves a cursor, so a later bad answer can be shown not to move it. */
async function establishedCursor() {
  cliniko.on('/contacts', list('contacts', [contact('1001', '2026-01-02T03:04:05Z')]));
  await engine.poll();
  const cursor = await engine.cursor();
  expect(cursor).toBeDefined();
  return cursor;
}

/**
 * Either every record was published, or the stream stopped with a ContractError and its cursor is
 * not past any record it did not publish (refusing a timestamp Cliniko does not document is safe;
 * skipping the record is not).
 */
async function expectNoSilentLoss(
  subject: EngineUnderTest,
  report: Awaited<ReturnType<EngineUnderTest['poll']>>,
  records: readonly Record<string, unknown>[],
): Promise<void> {
  const published = new Set(subject.publisher.events.map((e) => e.detail.recordId));
  const stream = contactsReport(report);
  if (stream?.stopped !== 'failed') {
    expect([...published].sort()).toEqual(records.map((r) => String(r.id)).sort());
    return;
  }
  expect(stream.error?.name).toBe('ContractError');
  const cursor = await subject.cursor();
  const second = (r: Record<string, unknown>) => Math.floor(Date.parse(String(r.updated_at)) / 1000) * 1000;
  for (const record of records.filter((r) => !published.has(String(r.id)))) {
    expect(Date.parse(cursor?.watermark ?? '1970-01-01T00:00:00Z')).toBeLessThanOrEqual(second(record));
    const position = cursor?.position;
    if (position !== undefined) {
      const at = Date.parse(position.updatedAt);
      expect(
        at < second(record) || (at === second(record) && BigInt(position.id) < BigInt(String(record.id))),
      ).toBe(true);
    }
  }
}

const contactsReport = (report: Awaited<ReturnType<EngineUnderTest['poll']>>) =>
  report.streams.find((s) => s.stream === 'contacts');

describe('the engine given bad Cliniko answers', () => {
  it.each([
    ['truncated JSON', text(200, '{"contacts":[{"id":1,"first_na')],
    ['a non-JSON 200', text(200, 'OK', 'text/plain')],
    ['an HTML page with status 200', text(200, '<html><body>Maintenance</body></html>', 'text/html')],
    ['a list without its array key', text(200, '{"patients":[],"total_entries":0}')],
    ['an array key that is not an array', text(200, '{"contacts":{"id":"1"}}')],
    ['a top-level JSON array', text(200, '[{"id":"1"}]')],
    ['a record without an id', text(200, '{"contacts":[{"updated_at":"2026-01-03T00:00:00Z"}]}')],
    ['"links" that is not an object', text(200, '{"contacts":[],"links":"next"}')],
  ])('stops the stream on %s with a ContractError and keeps the cursor', async (_name, answer) => {
    const before = await establishedCursor();
    cliniko.on('/contacts', answer);

    const report = await engine.poll();

    expect(contactsReport(report)?.stopped).toBe('failed');
    expect(contactsReport(report)?.error?.name).toBe('ContractError');
    expect(await engine.cursor()).toEqual(before);
  });

  it('surfaces an HTML 404 as ClinikoNotFoundError without quoting the page, keeping the cursor', async () => {
    const before = await establishedCursor();
    cliniko.on('/contacts', text(404, '<!DOCTYPE html><html><title>Gone</title></html>', 'text/html'));

    const report = await engine.poll();

    expect(contactsReport(report)?.error?.name).toBe('ClinikoNotFoundError');
    expect(contactsReport(report)?.error?.message).not.toContain('<');
    expect(await engine.cursor()).toEqual(before);
  });

  it('stops on a record with a null updated_at instead of silently skipping it, keeping the cursor', async () => {
    const before = await establishedCursor();
    cliniko.on(
      '/contacts',
      list('contacts', [contact('1002', null), contact('1003', '2026-01-03T00:00:00Z')]),
    );

    const report = await engine.poll();

    expect(contactsReport(report)?.error).toMatchObject({
      name: 'ContractError',
      message: expect.stringContaining('updated_at'),
    });
    expect(engine.publisher.events.map((e) => e.detail.recordId)).not.toContain('1003');
    expect(await engine.cursor()).toEqual(before);
  });

  it('processes records that arrive out of sort order and moves the position to the largest one', async () => {
    cliniko.on(
      '/contacts',
      list('contacts', [
        contact('3', '2026-01-05T00:00:00Z'),
        contact('1', '2026-01-03T00:00:00Z'),
        contact('2', '2026-01-04T00:00:00Z'),
      ]),
    );

    const report = await engine.poll();

    expect(report.ok).toBe(true);
    expect(engine.publisher.events.map((e) => e.detail.recordId).sort()).toEqual(['1', '2', '3']);
  });

  it('publishes one event for an id listed twice on one page', async () => {
    cliniko.on(
      '/contacts',
      list('contacts', [contact('7', '2026-01-03T00:00:00Z'), contact('7', '2026-01-03T00:00:00Z')]),
    );

    await engine.poll();

    expect(engine.publisher.events.filter((e) => e.detail.recordId === '7')).toHaveLength(1);
  });

  it('reads timestamps with offsets and milliseconds as the UTC second they denote', async () => {
    cliniko.on(
      '/contacts',
      list('contacts', [
        contact('11', '2026-01-03T10:00:00+10:00'),
        contact('12', '2026-01-03T00:00:01.900Z'),
      ]),
    );

    await engine.poll();

    const byId = new Map(engine.publisher.events.map((e) => [e.detail.recordId, e]));
    expect(byId.get('11')?.detail.occurredAt).toBe('2026-01-03T00:00:00Z');
    expect(byId.get('12')?.detail.occurredAt).toBe('2026-01-03T00:00:01Z');
    expect(engine.publisher.events.every(isChangeEvent)).toBe(true);
  });

  // Cliniko documents whole seconds, but a server that stores milliseconds compares exact instants:
  // a tie larger than a page is then drained with `updated_at:<=<second>`, which excludes every
  // record later in that second, and the engine moves on past them.
  it('never silently skips records of a tie larger than a page whose timestamps carry milliseconds', async () => {
    const tie = ['101', '102', '103', '104', '105'].map((id, i) =>
      contact(id, `2026-01-03T00:00:01.${i + 1}00Z`),
    );
    cliniko.on('/contacts', filteredList('contacts', tie));
    const paged = new EngineUnderTest(cliniko.baseUrl, ['contacts'], { pageSize: 2 });

    const report = await paged.poll();
    await paged.close();

    expect(report.ok).toBe(true);
    expect(paged.publisher.events.map((e) => e.detail.recordId).sort()).toEqual([
      '101',
      '102',
      '103',
      '104',
      '105',
    ]);
  });

  // The same without a tie: the server orders by exact instant, the engine's keyset by (second, id),
  // so a record later in a second but with a smaller id than one already seen is taken for a re-read.
  it('never silently skips a record whose sub-second timestamp orders it unlike (second, id)', async () => {
    const records = [
      contact('9', '2026-01-03T00:00:00Z'),
      contact('5', '2026-01-03T00:00:01.100Z'),
      contact('1', '2026-01-03T00:00:01.900Z'),
      contact('7', '2026-01-03T00:00:02Z'),
    ];
    cliniko.on('/contacts', filteredList('contacts', records));
    const paged = new EngineUnderTest(cliniko.baseUrl, ['contacts'], { pageSize: 2 });

    const report = await paged.poll();
    await paged.close();

    await expectNoSilentLoss(paged, report, records);
  });

  it('reads every record of a tie larger than a page when timestamps carry an offset', async () => {
    const tie = ['201', '202', '203', '204', '205'].map((id) => contact(id, '2026-01-03T10:00:01+10:00'));
    cliniko.on('/contacts', filteredList('contacts', tie));
    const paged = new EngineUnderTest(cliniko.baseUrl, ['contacts'], { pageSize: 2 });

    const report = await paged.poll();
    await paged.close();

    expect(report.ok).toBe(true);
    expect(paged.publisher.events.map((e) => e.detail.recordId).sort()).toEqual([
      '201',
      '202',
      '203',
      '204',
      '205',
    ]);
  });

  it('keeps 19-digit numeric ids exact', async () => {
    cliniko.on(
      '/contacts',
      text(
        200,
        '{"contacts":[{"id":9223372036854775807,"updated_at":"2026-01-03T00:00:00Z","created_at":"2026-01-01T00:00:00Z"}]}',
      ),
    );

    await engine.poll();

    expect(engine.publisher.events[0]?.detail.recordId).toBe('9223372036854775807');
    expect(engine.publisher.events[0]?.detail.data?.id).toBe('9223372036854775807');
  });

  it('publishes a record larger than the event size limit without its data, marked payloadOmitted', async () => {
    cliniko.on(
      '/contacts',
      list('contacts', [contact('21', '2026-01-03T00:00:00Z', { notes: 'x'.repeat(1_100_000) })]),
    );

    await engine.poll();

    const [event] = engine.publisher.events;
    expect(event?.detail).toMatchObject({ recordId: '21', payloadOmitted: 'size' });
    expect(event?.detail.data).toBeUndefined();
    expect(await engine.cursor()).toBeDefined();
  });

  it('treats total_entries sent as a string or as garbage as a count or as unknown, not as an error', async () => {
    cliniko.on(
      '/contacts',
      list('contacts', [contact('31', '2026-01-03T00:00:00Z')], { total_entries: 'lots' }),
    );

    const report = await engine.poll();

    expect(report.ok).toBe(true);
    expect(engine.publisher.events).toHaveLength(1);
  });

  it('stops instead of looping when the API ignores the keyset filters and repeats a full page', async () => {
    const engineWithPages = new EngineUnderTest(cliniko.baseUrl, ['contacts'], { pageSize: 2 });
    cliniko.on(
      '/contacts',
      list('contacts', [contact('41', '2026-01-03T00:00:00Z'), contact('42', '2026-01-04T00:00:00Z')], {
        links: { next: `${cliniko.baseUrl}/contacts?page=2` },
      }),
    );

    const report = await engineWithPages.poll();
    await engineWithPages.close();

    expect(contactsReport(report)?.error?.name).toBe('ContractError');
    expect(cliniko.received.length).toBeLessThan(10);
    expect((await engineWithPages.cursor())?.watermark ?? '1970').not.toMatch(/^2026/);
  });

  it('fails the stream a 403 forbids, reports it, and keeps polling the other streams', async () => {
    const twoStreams = new EngineUnderTest(cliniko.baseUrl, ['patients', 'contacts']);
    cliniko.on('/patients', text(403, '{"message":"Forbidden"}'));
    cliniko.on('/contacts', list('contacts', [contact('51', '2026-01-03T00:00:00Z')]));

    const report = await twoStreams.poll();
    await twoStreams.close();

    const patients = report.streams.find((s) => s.stream === 'patients');
    expect(report.ok).toBe(false);
    expect(patients).toMatchObject({ stopped: 'failed', error: { name: 'ClinikoForbiddenError' } });
    expect(patients?.error?.message).toContain('/v1/patients');
    expect(contactsReport(report)?.stopped).toBe('caught-up');
    expect(twoStreams.publisher.events.map((e) => e.detail.recordId)).toEqual(['51']);
    expect(await twoStreams.state.getCursor('test-clinic', 'patients')).toBeUndefined();
  });

  it('stops the run on a 5xx that outlasts the retries, keeping every cursor', async () => {
    const before = await establishedCursor();
    cliniko.on('/contacts', text(503, '{"message":"down"}'));

    await expect(engine.poll()).rejects.toMatchObject({ name: 'ClinikoUnavailableError', retryable: true });
    expect(await engine.cursor()).toEqual(before);
  });
});
