/**
 * The resync use case on the in-memory ports: what it sends again (same ids), what it reports as a
 * change (as a poll would, state included), what it leaves alone (cursors, records before `since`,
 * streams never polled, an account another poller holds).
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../../shared/engine/classify.js';
import { ContentKey, ContentKeyRing } from '../../../shared/engine/content-key.js';
import type { RecordState, StreamCursor } from '../../../shared/engine/ports.js';
import { type ResyncOptions, type ResyncReport, resyncAccount } from '../../../shared/engine/resync.js';
import { DEFAULT_SYNC_TIMING, withSettings } from '../../../shared/engine/sync.js';
import { ClinikoForbiddenError } from '../../../shared/errors.js';
import { DEFAULT_EVENT_OPTIONS, type EventOptions } from '../../../shared/events/build.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { parseChangeEvent } from '../../../shared/events/schema.js';
import { findStream, type StreamDefinition } from '../../../shared/streams.js';
import { failBefore } from '../../support/fault-plan.js';
import { ACCOUNT, Harness, streams } from './sync-harness.js';

/** Overrides of a resync's options, its streams given as definitions sharing one `event` and `storeSnapshots`. */
type ResyncOverrides = Partial<Omit<ResyncOptions, 'streams'>> & {
  readonly streams?: readonly StreamDefinition[];
  readonly event?: EventOptions;
  readonly storeSnapshots?: boolean;
};

function resync(h: Harness, since: string, overrides: ResyncOverrides = {}): Promise<ResyncReport> {
  const { streams: definitions = streams('patients'), event, storeSnapshots, ...rest } = overrides;
  return resyncAccount(h.deps, {
    account: ACCOUNT,
    streams: withSettings(definitions, event ?? DEFAULT_EVENT_OPTIONS, storeSnapshots ?? false),
    since,
    leaseTtlMs: DEFAULT_SYNC_TIMING.leaseTtlMs,
    ...rest,
  });
}

/** Events published from index `from` on. */
const publishedSince = (h: Harness, from: number): ChangeEvent[] => h.publisher.events.slice(from);
const idsOf = (events: readonly ChangeEvent[]): string[] => events.map((e) => e.detail.eventId).sort();

async function cursorsOf(h: Harness, names: readonly string[]): Promise<(StreamCursor | undefined)[]> {
  return Promise.all(names.map((name) => h.state.getCursor(ACCOUNT, name)));
}

describe('a poll remembers the event it published for each record', () => {
  it('keeps the event id, action and occurredAt with the confirmed state', async () => {
    const h = new Harness();
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.archive('patients', id);
    await h.poll();

    const state = (await h.state.getRecordStates(ACCOUNT, 'patients', [id])).get(id);

    const archived = h.events({ recordId: id, action: 'archived' })[0];
    expect(state?.reported).toEqual({
      eventId: archived?.detail.eventId,
      action: 'archived',
      occurredAt: archived?.detail.occurredAt,
    });
  });

  it('keeps it when a content key rotation re-keys the state of an unchanged record', () => {
    const stream = findStream('patients');
    if (stream === undefined) throw new Error('patients');
    const k1 = new ContentKey('k1', 'material one, not a secret: 0123456789abcdef');
    const k2 = new ContentKey('k2', 'material two, not a secret: 0123456789abcdef');
    const context = (keys: ContentKeyRing) => ({
      stream,
      origin: '2026-03-02T09:00:00Z',
      backfill: false,
      storeSnapshots: false,
      keys,
    });
    const record = { id: '1390726237298631770', updated_at: '2026-03-02T09:05:00Z', first_name: 'Avery' };
    const reported = { eventId: 'e-1', action: 'created' as const, occurredAt: '2026-03-02T09:05:00Z' };
    const stored: RecordState = {
      ...classify(context(new ContentKeyRing(k1)), record, undefined).state,
      reported,
    };

    const result = classify(context(new ContentKeyRing(k2, [k1])), record, stored);

    expect(result.event).toBeUndefined();
    expect(result.rekeyed?.keyId).toBe('k2');
    expect(result.rekeyed?.reported).toEqual(reported);
  });
});

describe('resyncAccount', () => {
  it('sends every record changed since `since` again under the id it was published with, with its current data', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    const created = h.cliniko.create('patients', { first_name: 'Avery' });
    const updated = h.cliniko.create('patients', { first_name: 'Blake' });
    await h.poll();
    h.cliniko.advance(60);
    h.cliniko.update('patients', updated, { first_name: 'Blair' });
    await h.poll();
    const original = [
      ...h.events({ recordId: created }),
      ...h.events({ recordId: updated, action: 'updated' }),
    ];
    const before = h.publisher.events.length;
    h.cliniko.advance(3600);

    const report = await resync(h, '2026-03-02T08:00:00Z');

    const resent = publishedSince(h, before);
    expect(idsOf(resent)).toEqual(idsOf(original));
    expect(resent.map((e) => e.detail.type).sort()).toEqual(['patient.created', 'patient.updated']);
    const blair = resent.find((e) => e.detail.recordId === updated);
    expect(blair?.detail.data).toMatchObject({ first_name: 'Blair' });
    expect(blair?.detail.changes).toBeNull();
    expect(blair?.detail.occurredAt).toBe(original[1]?.detail.occurredAt);
    expect(blair?.detail.observedAt).toBe(new Date(h.cliniko.now()).toISOString());
    for (const event of resent) expect(parseChangeEvent(event)).toEqual(event);
    expect(report.streams).toEqual([
      expect.objectContaining({
        stream: 'patients',
        outcome: 'done',
        records: 2,
        resent: 2,
        snapshots: 0,
        changed: {},
      }),
    ]);
    expect(report).toMatchObject({ stopped: 'done', ok: true });
  });

  it('sends an event again with the signals and the sequence it was published with', async () => {
    const h = new Harness({ streams: streams('individual_appointments') }, '2026-03-02T09:00:00Z');
    const id = h.cliniko.create('individual_appointments', {
      starts_at: '2026-03-09T10:00:00Z',
      ends_at: '2026-03-09T10:30:00Z',
    });
    await h.poll();
    h.cliniko.advance(60);
    h.cliniko.update('individual_appointments', id, {
      starts_at: '2026-03-10T10:00:00Z',
      ends_at: '2026-03-10T10:30:00Z',
    });
    await h.poll();
    const [rescheduled] = h.events({ recordId: id, action: 'updated' });
    expect(rescheduled?.detail.signals).toEqual(['rescheduled']);
    const before = h.publisher.events.length;
    h.cliniko.advance(3600);

    await resync(h, '2026-03-02T09:00:30Z', { streams: streams('individual_appointments') });

    const [resent, ...more] = publishedSince(h, before);
    expect(more).toEqual([]);
    expect(resent?.detail).toMatchObject({
      eventId: rescheduled?.detail.eventId,
      type: 'individual_appointment.updated',
      signals: ['rescheduled'],
      sequence: rescheduled?.detail.sequence,
      changes: null,
    });
    expect(resent?.detail.sequence).toBeGreaterThan(1);
    expect(resent === undefined ? undefined : parseChangeEvent(resent)).toEqual(resent);
  });

  it('sends the original id also after a content key rotation re-keyed the state (its fingerprint changed)', async () => {
    const k1 = new ContentKey('k1', 'material one, not a secret: 0123456789abcdef');
    const k2 = new ContentKey('k2', 'material two, not a secret: 0123456789abcdef');
    const rotated = new ContentKeyRing(k2, [k1]);
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    const id = h.cliniko.create('patients');
    await h.poll({}, { keys: new ContentKeyRing(k1) });
    const original = h.events({ recordId: id })[0];
    h.cliniko.advance(5);
    // The overlap re-reads the record: unchanged, re-keyed under k2.
    await h.poll({}, { keys: rotated });
    const rekeyed = (await h.state.getRecordStates(ACCOUNT, 'patients', [id])).get(id);
    const before = h.publisher.events.length;

    await resyncAccount(
      { cliniko: h.reader, keys: rotated, state: h.state, publisher: h.publisher, logger: h.logger },
      {
        account: ACCOUNT,
        streams: withSettings(streams('patients'), DEFAULT_EVENT_OPTIONS),
        since: '2026-03-02T08:00:00Z',
        leaseTtlMs: 60_000,
      },
    );

    expect(rekeyed?.keyId).toBe('k2');
    expect(publishedSince(h, before).map((e) => e.detail.eventId)).toEqual([original?.detail.eventId]);
  });

  it('sends a record changed since the last poll as the change a poll would report, and the next poll stays quiet', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    const id = h.cliniko.create('patients', { email: 'old@example.test' });
    await h.poll();
    h.cliniko.advance(30);
    h.cliniko.update('patients', id, { email: 'new@example.test' });
    const before = h.publisher.events.length;

    const report = await resync(h, '2026-03-02T09:00:00Z');
    const fromResync = publishedSince(h, before);
    const afterResync = h.publisher.events.length;
    h.cliniko.advance(30);
    await h.poll();

    expect(fromResync.map((e) => [e.detail.type, e.detail.changes])).toEqual([
      ['patient.updated', { fields: ['email'] }],
    ]);
    expect(report.streams[0]).toMatchObject({ resent: 0, changed: { updated: 1 } });
    const state = (await h.state.getRecordStates(ACCOUNT, 'patients', [id])).get(id);
    expect(state?.reported?.eventId).toBe(fromResync[0]?.detail.eventId);
    expect(h.publisher.events.length).toBe(afterResync);
  });

  it('reports a record the bridge never saw (created after the last poll) as created', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(30);
    const fresh = h.cliniko.create('patients');
    const before = h.publisher.events.length;

    const report = await resync(h, '2026-03-02T09:00:20Z');

    expect(publishedSince(h, before).map((e) => `${e.detail.type} ${e.detail.recordId}`)).toEqual([
      `patient.created ${fresh}`,
    ]);
    expect(report.streams[0]).toMatchObject({ records: 1, changed: { created: 1 } });
  });

  it('leaves records last changed before `since`, or after `until`, alone', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    h.cliniko.advance(3600);
    const inside = h.cliniko.create('patients');
    h.cliniko.advance(3600);
    h.cliniko.create('patients');
    await h.poll();
    const before = h.publisher.events.length;

    const report = await resync(h, '2026-03-02T10:00:00Z', { until: '2026-03-02T10:30:00Z' });

    expect(publishedSince(h, before).map((e) => e.detail.recordId)).toEqual([inside]);
    expect(report.until).toBe('2026-03-02T10:30:00Z');
  });

  it('sends a record once although several passes list it and page boundaries re-read it', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    const ids = Array.from({ length: 7 }, () => h.cliniko.create('patients'));
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.archive('patients', ids[0] ?? '');
    h.cliniko.archive('patients', ids[1] ?? '');
    await h.poll();
    const before = h.publisher.events.length;

    const report = await resync(h, '2026-03-02T09:00:00Z', { pageSize: 2 });

    const resent = publishedSince(h, before);
    expect(resent.map((e) => e.detail.recordId).sort()).toEqual([...ids].sort());
    expect(report.streams[0]?.records).toBe(7);
    expect(resent.filter((e) => e.detail.type === 'patient.archived')).toHaveLength(2);
  });

  it('never writes a cursor, and never reads a /deleted feed', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    await h.poll({ streams: streams('patients', 'practitioners') });
    const cursors = await cursorsOf(h, ['patients', 'practitioners']);
    const writes = h.state.writes.cursor;
    h.cliniko.advance(600);
    const requestsBefore = h.cliniko.requests.length;

    await resync(h, '2026-03-02T08:00:00Z', { streams: streams('patients', 'practitioners') });

    expect(h.state.writes.cursor).toBe(writes);
    expect(await cursorsOf(h, ['patients', 'practitioners'])).toEqual(cursors);
    const paths = h.cliniko.requests.slice(requestsBefore).map((r) => r.path);
    expect(paths.some((path) => path.endsWith('/deleted'))).toBe(false);
  });

  it('skips a stream that was never polled: nothing was reported there to send again', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    h.cliniko.create('contacts');
    await h.poll();
    const before = h.publisher.events.length;

    const report = await resync(h, '2026-03-02T08:00:00Z', { streams: streams('patients', 'contacts') });

    expect(report.streams.map((s) => [s.stream, s.outcome])).toEqual([
      ['patients', 'done'],
      ['contacts', 'never-polled'],
    ]);
    expect(publishedSince(h, before).every((e) => e.detail.resource === 'patients')).toBe(true);
    expect(await h.state.getCursor(ACCOUNT, 'contacts')).toBeUndefined();
  });

  it('sends a record whose state keeps no event as a snapshot, under the same id on every resync', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    const id = h.cliniko.create('patients');
    await h.poll();
    // A state written before events were kept in it.
    const stored = (await h.state.getRecordStates(ACCOUNT, 'patients', [id])).get(id);
    if (stored === undefined) throw new Error('no state');
    const { reported: _reported, ...legacy } = stored;
    await h.state.putRecordStates(ACCOUNT, 'patients', [legacy], 99);
    const before = h.publisher.events.length;

    const first = await resync(h, '2026-03-02T08:00:00Z');
    h.cliniko.advance(60);
    await resync(h, '2026-03-02T08:00:00Z');

    const sent = publishedSince(h, before);
    expect(sent.map((e) => e.detail.type)).toEqual(['patient.snapshot', 'patient.snapshot']);
    expect(sent[0]?.detail.eventId).toBe(sent[1]?.detail.eventId);
    expect(first.streams[0]).toMatchObject({ resent: 0, snapshots: 1 });
  });

  it('does nothing while another poller holds the account, and says so', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    await h.poll();
    await h.state.acquireLease(ACCOUNT, 'another-poller', 60_000, h.cliniko.now());
    const before = h.publisher.events.length;
    const requests = h.cliniko.requests.length;

    const report = await resync(h, '2026-03-02T08:00:00Z');

    expect(report).toMatchObject({ stopped: 'lease-held', streams: [] });
    expect(h.publisher.events.length).toBe(before);
    expect(h.cliniko.requests.length).toBe(requests);
  });

  it('lets the account go when it is done, so the next poll runs', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    await h.poll();

    await resync(h, '2026-03-02T08:00:00Z');
    const next = await h.poll();

    expect(next.skipped).toBeUndefined();
  });

  it('goes on with the other streams when one is refused, and reports which', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    h.cliniko.create('contacts');
    await h.poll({ streams: streams('patients', 'contacts') });
    h.readerFaults.next(
      'listPage',
      failBefore(
        new ClinikoForbiddenError(
          { method: 'GET', path: '/patients', status: 403 },
          'no permission (injected)',
        ),
      ),
    );

    const report = await resync(h, '2026-03-02T08:00:00Z', { streams: streams('patients', 'contacts') });

    expect(report.ok).toBe(false);
    expect(report.streams.map((s) => [s.stream, s.outcome, s.error?.name])).toEqual([
      ['patients', 'failed', 'ClinikoForbiddenError'],
      ['contacts', 'done', undefined],
    ]);
  });

  it('stops between pages when aborted', async () => {
    const h = new Harness({}, '2026-03-02T09:00:00Z');
    h.cliniko.create('patients');
    await h.poll();
    const abort = new AbortController();
    abort.abort();

    const report = await resync(h, '2026-03-02T08:00:00Z', { signal: abort.signal });

    expect(report.stopped).toBe('aborted');
    expect(report.streams[0]?.outcome).toBe('aborted');
  });
});
