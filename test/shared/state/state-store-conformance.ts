/**
 * The behaviour every `StateStore` must have. Runs against the in-memory fake, DynamoDB on dynalite
 * and DynamoDB on moto, so the fake the engine tests use cannot drift from the real adapter.
 */
import { describe, expect, it } from 'vitest';
import type {
  AccountStatusReader,
  RecordState,
  StateStore,
  StreamCursor,
} from '../../../shared/engine/ports.js';
import { LeaseLostError, StaleWriteError } from '../../../shared/errors.js';
import type { StateWriteCounts } from '../../../shared/state/dynamodb-state-store.js';

export type ConformingStore = StateStore & AccountStatusReader & { readonly writes: StateWriteCounts };

export interface ConformanceOptions {
  /** Builds a store; `pageSize` is the page size of `listRecordStates`. */
  readonly makeStore: (options: { pageSize?: number | undefined }) => ConformingStore;
}

const TTL = 60_000;
const NOW = Date.parse('2026-11-29T10:00:00Z');

let accounts = 0;
/** Every test works on its own account, so stores backed by one shared table do not interfere. */
const freshAccount = (): string => {
  accounts += 1;
  return `clinic-${Date.now().toString(36)}-${accounts}`;
};

const cursorAt = (watermark: string, extra: Partial<StreamCursor> = {}): StreamCursor => ({
  watermark,
  origin: '2026-11-01T00:00:00Z',
  backfill: false,
  polledAt: watermark,
  ...extra,
});

const stateOf = (id: string, extra: Partial<RecordState> = {}): RecordState => ({
  id,
  fingerprint: `fp-${id}`,
  fieldHashes: { first_name: `h1-${id}`, email: `h2-${id}` },
  updatedAt: '2026-11-29T09:59:59Z',
  archived: false,
  cancelled: false,
  deleted: false,
  ...extra,
});

const ids = (count: number): string[] => Array.from({ length: count }, (_, i) => String(1000 + i));

async function collect(pages: AsyncIterable<readonly RecordState[]>): Promise<RecordState[][]> {
  const result: RecordState[][] = [];
  for await (const page of pages) result.push([...page]);
  return result;
}

export function describeStateStoreConformance(name: string, options: ConformanceOptions): void {
  const store = (pageSize?: number): ConformingStore => options.makeStore({ pageSize });

  describe(`${name} cursors`, () => {
    it('returns no cursor for a stream that was never written', async () => {
      expect(await store().getCursor(freshAccount(), 'patients')).toBeUndefined();
    });

    it('round-trips a cursor with every optional field', async () => {
      const subject = store();
      const account = freshAccount();
      const cursor = cursorAt('2026-11-29T10:00:00Z', {
        position: { updatedAt: '2026-11-29T09:59:00Z', id: '42' },
        passStartedAt: '2026-11-29T09:58:00Z',
        backfill: true,
        deletedWatermark: '2026-11-29T09:00:00Z',
        deletedCheckedAt: '2026-11-29T09:30:00Z',
        reconciledAt: '2026-11-28T00:00:00Z',
      });

      await subject.putCursor(account, 'patients', cursor, 1);

      expect(await subject.getCursor(account, 'patients')).toEqual(cursor);
    });

    it('moves a cursor forward and accepts a heartbeat with the same watermark', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.putCursor(account, 'patients', cursorAt('2026-11-29T10:00:00Z'), 1);
      await subject.putCursor(account, 'patients', cursorAt('2026-11-29T10:05:00Z'), 1);

      const heartbeat = cursorAt('2026-11-29T10:05:00Z', { polledAt: '2026-11-29T10:06:00Z' });
      await subject.putCursor(account, 'patients', heartbeat, 1);

      expect(await subject.getCursor(account, 'patients')).toEqual(heartbeat);
    });

    it('rejects a backwards cursor write and keeps the stored cursor', async () => {
      const subject = store();
      const account = freshAccount();
      const ahead = cursorAt('2026-11-29T10:05:00Z');
      await subject.putCursor(account, 'patients', ahead, 1);

      const write = subject.putCursor(account, 'patients', cursorAt('2026-11-29T10:04:59Z'), 1);

      await expect(write).rejects.toBeInstanceOf(StaleWriteError);
      expect(await subject.getCursor(account, 'patients')).toEqual(ahead);
    });

    it('rejects a write fenced by an older lease token after a newer holder wrote', async () => {
      const subject = store();
      const account = freshAccount();
      const newer = cursorAt('2026-11-29T10:00:00Z');
      await subject.putCursor(account, 'patients', cursorAt('2026-11-29T09:00:00Z'), 1);
      await subject.putCursor(account, 'patients', newer, 2);

      const stale = subject.putCursor(account, 'patients', cursorAt('2026-11-29T11:00:00Z'), 1);

      await expect(stale).rejects.toBeInstanceOf(StaleWriteError);
      expect(await subject.getCursor(account, 'patients')).toEqual(newer);
    });

    it('keeps cursors of different streams and accounts apart', async () => {
      const subject = store();
      const [first, second] = [freshAccount(), freshAccount()];
      await subject.putCursor(first, 'patients', cursorAt('2026-11-29T10:00:00Z'), 1);

      await subject.putCursor(first, 'invoices', cursorAt('2026-11-29T08:00:00Z'), 1);
      await subject.putCursor(second, 'patients', cursorAt('2026-11-29T07:00:00Z'), 1);

      expect((await subject.getCursor(first, 'patients'))?.watermark).toBe('2026-11-29T10:00:00Z');
      expect((await subject.getCursor(first, 'invoices'))?.watermark).toBe('2026-11-29T08:00:00Z');
      expect((await subject.getCursor(second, 'patients'))?.watermark).toBe('2026-11-29T07:00:00Z');
    });
  });

  describe(`${name} leases`, () => {
    it('grants a free lease with token 1 and the requested expiry', async () => {
      const account = freshAccount();

      const lease = await store().acquireLease(account, 'poller-a', TTL, NOW);

      expect(lease).toEqual({ account, owner: 'poller-a', token: 1, expiresAt: NOW + TTL });
    });

    it('refuses the lease while another owner holds it unexpired', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.acquireLease(account, 'poller-a', TTL, NOW);

      const contender = await subject.acquireLease(account, 'poller-b', TTL, NOW + TTL - 1);

      expect(contender).toBeUndefined();
    });

    it('hands an expired lease to a new owner with a higher token', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.acquireLease(account, 'poller-a', TTL, NOW);

      const taken = await subject.acquireLease(account, 'poller-b', TTL, NOW + TTL);

      expect(taken).toMatchObject({ owner: 'poller-b', token: 2, expiresAt: NOW + 2 * TTL });
    });

    it('raises the token when the same owner acquires again', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.acquireLease(account, 'poller-a', TTL, NOW);

      const again = await subject.acquireLease(account, 'poller-a', TTL, NOW + 1);

      expect(again?.token).toBe(2);
    });

    it('lets exactly one of two racing pollers win a free lease', async () => {
      const subject = store();
      const account = freshAccount();

      const results = await Promise.all([
        subject.acquireLease(account, 'poller-a', TTL, NOW),
        subject.acquireLease(account, 'poller-b', TTL, NOW),
      ]);

      const winners = results.filter((lease) => lease !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.token).toBe(1);
    });

    it('extends a renewed lease, which keeps blocking others until the new expiry', async () => {
      const subject = store();
      const account = freshAccount();
      const lease = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (lease === undefined) throw new Error('lease not granted');

      const renewed = await subject.renewLease(lease, TTL, NOW + TTL - 1);

      expect(renewed).toEqual({ ...lease, expiresAt: NOW + 2 * TTL - 1 });
      expect(await subject.acquireLease(account, 'poller-b', TTL, NOW + TTL + 1)).toBeUndefined();
    });

    it('notes the status given with a renewal, as a release does, and keeps the lease', async () => {
      const subject = store();
      const account = freshAccount();
      const lease = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (lease === undefined) throw new Error('lease not granted');
      const ok = { at: '2026-11-29T10:00:05.000Z', outcome: 'ok' as const, lagSeconds: 12 };
      const failed = { at: '2026-11-29T10:01:05.000Z', outcome: 'failed' as const, lagSeconds: null };

      await subject.renewLease(lease, TTL, NOW + 1, ok);
      await subject.renewLease(lease, TTL, NOW + 2, failed);

      const status = (await subject.getAccountStatuses([account])).get(account);
      expect(status).toMatchObject({ lastRun: failed, lastSuccessAt: ok.at, leaseExpiresAt: NOW + 2 + TTL });
      expect(await subject.acquireLease(account, 'poller-b', TTL, NOW + 3)).toBeUndefined();
    });

    it('fails a renewal with LeaseLostError after another owner took the lease over', async () => {
      const subject = store();
      const account = freshAccount();
      const lease = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (lease === undefined) throw new Error('lease not granted');
      await subject.acquireLease(account, 'poller-b', TTL, NOW + TTL);

      const renewal = subject.renewLease(lease, TTL, NOW + TTL + 1);

      await expect(renewal).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('frees a released lease for another owner at once, with a higher token', async () => {
      const subject = store();
      const account = freshAccount();
      const lease = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (lease === undefined) throw new Error('lease not granted');

      await subject.releaseLease(lease);
      const next = await subject.acquireLease(account, 'poller-b', TTL, NOW + 1);

      expect(next).toMatchObject({ owner: 'poller-b', token: 2 });
    });

    it('never releases a lease that another owner took over', async () => {
      const subject = store();
      const account = freshAccount();
      const stale = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (stale === undefined) throw new Error('lease not granted');
      await subject.acquireLease(account, 'poller-b', TTL, NOW + TTL);

      await subject.releaseLease(stale);

      expect(await subject.acquireLease(account, 'poller-c', TTL, NOW + TTL + 1)).toBeUndefined();
    });

    it('keeps the status of the last run with the lease, and the last success across failed runs', async () => {
      const subject = store();
      const account = freshAccount();
      const first = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (first === undefined) throw new Error('lease not granted');
      await subject.releaseLease(first, { at: '2026-11-29T10:00:05.000Z', outcome: 'ok', lagSeconds: 12 });
      const second = await subject.acquireLease(account, 'poller-b', TTL, NOW + 60_000);
      if (second === undefined) throw new Error('lease not granted');

      const held = (await subject.getAccountStatuses([account])).get(account);
      await subject.releaseLease(second, {
        at: '2026-11-29T10:01:07.000Z',
        outcome: 'failed',
        lagSeconds: null,
      });
      const statuses = await subject.getAccountStatuses([account, freshAccount()]);

      expect(held).toMatchObject({
        lastSuccessAt: '2026-11-29T10:00:05.000Z',
        leaseExpiresAt: NOW + 60_000 + TTL,
      });
      expect(statuses.size).toBe(1);
      expect(statuses.get(account)).toEqual({
        lastRun: { at: '2026-11-29T10:01:07.000Z', outcome: 'failed', lagSeconds: null },
        lastSuccessAt: '2026-11-29T10:00:05.000Z',
        leaseExpiresAt: 0,
      });
    });

    it('writes no status for a lease another owner took over', async () => {
      const subject = store();
      const account = freshAccount();
      const stale = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (stale === undefined) throw new Error('lease not granted');
      await subject.acquireLease(account, 'poller-b', TTL, NOW + TTL);

      await subject.releaseLease(stale, { at: '2026-11-29T10:02:00.000Z', outcome: 'ok', lagSeconds: 1 });

      expect((await subject.getAccountStatuses([account])).get(account)).toEqual({
        leaseExpiresAt: NOW + 2 * TTL,
      });
    });

    it('keeps leases of different accounts independent', async () => {
      const subject = store();
      await subject.acquireLease(freshAccount(), 'poller-a', TTL, NOW);

      const other = await subject.acquireLease(freshAccount(), 'poller-b', TTL, NOW);

      expect(other).toMatchObject({ owner: 'poller-b', token: 1 });
    });
  });

  describe(`${name} record states`, () => {
    it('leaves ids without stored state out of the result', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.putRecordStates(account, 'patients', [stateOf('1')], 1);

      const found = await subject.getRecordStates(account, 'patients', ['1', '2']);

      expect([...found.keys()]).toEqual(['1']);
    });

    it('round-trips more states than one batch read or write holds', async () => {
      const subject = store();
      const account = freshAccount();
      const states = ids(130).map((id, i) =>
        stateOf(id, i % 3 === 0 ? { snapshot: { id, first_name: 'Synthetic', tags: [1, null] } } : {}),
      );

      await subject.putRecordStates(account, 'patients', states, 1);
      const found = await subject.getRecordStates(account, 'patients', ids(130));

      expect(found.size).toBe(130);
      expect(ids(130).map((id) => found.get(id))).toEqual(states);
    });

    it('round-trips a state with no updated_at, no field hashes and lifecycle flags set', async () => {
      const subject = store();
      const account = freshAccount();
      const state = stateOf('7', {
        updatedAt: null,
        fieldHashes: {},
        archived: true,
        cancelled: true,
        deleted: true,
      });

      await subject.putRecordStates(account, 'appointments', [state], 1);

      expect((await subject.getRecordStates(account, 'appointments', ['7'])).get('7')).toEqual(state);
    });

    it('stores a snapshot only when the state carries one', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.putRecordStates(account, 'patients', [stateOf('1', { snapshot: { id: '1' } })], 1);

      await subject.putRecordStates(account, 'patients', [stateOf('1')], 1);
      const found = (await subject.getRecordStates(account, 'patients', ['1'])).get('1');

      expect(found).toBeDefined();
      expect(found && 'snapshot' in found).toBe(false);
    });

    it('round-trips a pending version with its snapshot, lifecycle flags and first-sighting mark', async () => {
      const subject = store();
      const account = freshAccount();
      const withPending = stateOf('1', {
        snapshot: { id: '1', first_name: 'Synthetic' },
        pending: {
          fingerprint: 'fp-next',
          fieldHashes: { first_name: 'h3', archived_at: 'h4' },
          updatedAt: '2026-11-29T10:00:01Z',
          archived: true,
          cancelled: false,
          deleted: false,
          snapshot: { id: '1', first_name: 'Synthetic', archived_at: '2026-11-29T10:00:01Z' },
        },
      });
      const firstSighting = stateOf('2', {
        pending: {
          fingerprint: 'fp-2',
          fieldHashes: {},
          updatedAt: null,
          archived: false,
          cancelled: true,
          deleted: true,
          first: true,
        },
      });

      await subject.putRecordStates(account, 'patients', [withPending, firstSighting], 1);
      const found = await subject.getRecordStates(account, 'patients', ['1', '2']);

      expect(found.get('1')).toEqual(withPending);
      expect(found.get('2')).toEqual(firstSighting);
      expect(found.get('1')?.pending).not.toHaveProperty('first');
      expect(found.get('2')?.pending).not.toHaveProperty('snapshot');
    });

    it('round-trips tracked values and sequence numbers of a state and of its pending version', async () => {
      const subject = store();
      const account = freshAccount();
      const link = { links: { self: 'https://api.au1.cliniko.com/v1/practitioners/1390726237298631770' } };
      const state = stateOf('1', {
        tracked: { starts_at: '2026-11-30T09:00:00Z', practitioner: link, status: 20, draft: false },
        sequence: 7,
        pending: {
          fingerprint: 'fp-next',
          fieldHashes: { starts_at: 'h9' },
          updatedAt: '2026-11-29T10:00:01Z',
          archived: false,
          cancelled: false,
          deleted: false,
          tracked: { starts_at: '2026-12-01T09:00:00Z', practitioner: link, status: null },
          sequence: 8,
        },
      });

      await subject.putRecordStates(account, 'individual_appointments', [state], 1);
      const found = (await subject.getRecordStates(account, 'individual_appointments', ['1'])).get('1');

      expect(found).toEqual(state);
    });

    it('stores no tracked values or sequence number when the state has none', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.putRecordStates(
        account,
        'invoices',
        [stateOf('1', { tracked: { status: 10 }, sequence: 2 })],
        1,
      );

      await subject.putRecordStates(account, 'invoices', [stateOf('1')], 1);
      const found = (await subject.getRecordStates(account, 'invoices', ['1'])).get('1');

      expect(found).toEqual(stateOf('1'));
      expect(found && ('tracked' in found || 'sequence' in found)).toBe(false);
    });

    it('stores no pending version when the state has none, clearing one written before', async () => {
      const subject = store();
      const account = freshAccount();
      const pending = { ...stateOf('1'), fingerprint: 'fp-next' };
      const { id: _id, ...version } = pending;
      await subject.putRecordStates(account, 'patients', [stateOf('1', { pending: version })], 1);

      await subject.putRecordStates(account, 'patients', [pending], 1);
      const found = (await subject.getRecordStates(account, 'patients', ['1'])).get('1');
      const listed = (await collect(subject.listRecordStates(account, 'patients'))).flat();

      expect(found).toEqual(pending);
      expect(found && 'pending' in found).toBe(false);
      expect(listed).toEqual([pending]);
    });

    it('round-trips the event last reported for a record (signals included), beside a pending version, and lists it', async () => {
      const subject = store();
      const account = freshAccount();
      const reported = {
        eventId: '0f6b1d2e-4c3a-8b5d-9e7f-112233445566',
        action: 'archived' as const,
        occurredAt: '2026-11-29T09:59:59Z',
        signals: ['merged' as const],
      };
      const { id: _id, ...version } = stateOf('2', { fingerprint: 'fp-next' });
      const confirmed = stateOf('1', { reported });
      const inFlight = stateOf('2', { reported, pending: version });

      await subject.putRecordStates(account, 'patients', [confirmed, inFlight], 1);
      const found = await subject.getRecordStates(account, 'patients', ['1', '2']);
      const listed = (await collect(subject.listRecordStates(account, 'patients'))).flat();

      expect(found.get('1')).toEqual(confirmed);
      expect(found.get('2')).toEqual(inFlight);
      expect(found.get('2')?.pending).not.toHaveProperty('reported');
      expect(listed).toEqual([confirmed, inFlight]);
    });

    it('stores no reported event when the state has none, clearing one written before', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.putRecordStates(
        account,
        'patients',
        [
          stateOf('1', {
            reported: { eventId: 'e-1', action: 'created', occurredAt: '2026-11-29T09:59:59Z' },
          }),
        ],
        1,
      );

      await subject.putRecordStates(account, 'patients', [stateOf('1')], 1);
      const found = (await subject.getRecordStates(account, 'patients', ['1'])).get('1');

      expect(found).toEqual(stateOf('1'));
      expect(found && 'reported' in found).toBe(false);
    });

    it('lists pending versions too', async () => {
      const subject = store();
      const account = freshAccount();
      const { id: _id, ...version } = stateOf('1', { deleted: true });
      const state = stateOf('1', { pending: version });
      await subject.putRecordStates(account, 'patients', [state], 1);

      const listed = (await collect(subject.listRecordStates(account, 'patients'))).flat();

      expect(listed).toEqual([state]);
    });

    it('keeps the last state when one write names an id twice', async () => {
      const subject = store();
      const account = freshAccount();

      await subject.putRecordStates(
        account,
        'patients',
        [stateOf('1'), stateOf('1', { fingerprint: 'newest' })],
        1,
      );

      expect((await subject.getRecordStates(account, 'patients', ['1'])).get('1')?.fingerprint).toBe(
        'newest',
      );
    });

    it('lists every state of a stream in pages, ordered by id, and nothing else', async () => {
      const subject = store(7);
      const account = freshAccount();
      await subject.putCursor(account, 'patients', cursorAt('2026-11-29T10:00:00Z'), 1);
      await subject.putRecordStates(
        account,
        'patients',
        ids(30).map((id) => stateOf(id)),
        1,
      );
      await subject.putRecordStates(account, 'invoices', [stateOf('1')], 1);

      const pages = await collect(subject.listRecordStates(account, 'patients'));

      expect(pages.length).toBeGreaterThanOrEqual(5);
      expect(pages.every((page) => page.length > 0 && page.length <= 7)).toBe(true);
      expect(pages.flat().map((state) => state.id)).toEqual(ids(30));
    });

    it('lists nothing for a stream without states', async () => {
      expect(await collect(store().listRecordStates(freshAccount(), 'patients'))).toEqual([]);
    });

    it('round-trips the content key id of a state and of its pending version', async () => {
      const subject = store();
      const account = freshAccount();
      const { id: _id, ...version } = stateOf('1', { keyId: 'k2', fingerprint: 'fp-next' });
      const state = stateOf('1', { keyId: 'k1', pending: version });

      await subject.putRecordStates(account, 'patients', [state, stateOf('2')], 1);
      const found = await subject.getRecordStates(account, 'patients', ['1', '2']);

      expect(found.get('1')).toEqual(state);
      expect(found.get('2')).not.toHaveProperty('keyId');
    });

    it('refuses a record write over an item a newer lease holder wrote, and writes nothing of it', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.putRecordStates(account, 'patients', [stateOf('1', { fingerprint: 'newer' })], 5);

      await expect(
        subject.putRecordStates(account, 'patients', [stateOf('1', { fingerprint: 'stale' })], 4),
      ).rejects.toThrow(StaleWriteError);

      expect((await subject.getRecordStates(account, 'patients', ['1'])).get('1')?.fingerprint).toBe('newer');
    });

    it('lets the same or a newer lease holder overwrite a record, and a stale one write records nobody newer wrote', async () => {
      const subject = store();
      const account = freshAccount();
      await subject.putRecordStates(account, 'patients', [stateOf('1')], 5);

      await subject.putRecordStates(account, 'patients', [stateOf('1', { fingerprint: 'same' })], 5);
      await subject.putRecordStates(account, 'patients', [stateOf('1', { fingerprint: 'later' })], 6);
      await subject.putRecordStates(account, 'patients', [stateOf('2', { fingerprint: 'untouched' })], 3);

      const found = await subject.getRecordStates(account, 'patients', ['1', '2']);
      expect(found.get('1')?.fingerprint).toBe('later');
      expect(found.get('2')?.fingerprint).toBe('untouched');
    });

    it('lists states in numeric id order, also across id lengths', async () => {
      const subject = store(3);
      const account = freshAccount();
      const mixed = ['99', '1390726237298631770', '100', '987654321098765432', '5'];
      await subject.putRecordStates(
        account,
        'patients',
        mixed.map((id) => stateOf(id)),
        1,
      );

      const listed = (await collect(subject.listRecordStates(account, 'patients'))).flat().map((s) => s.id);

      expect(listed).toEqual(['5', '99', '100', '987654321098765432', '1390726237298631770']);
    });

    it('lists only the states of an id range: after one id (exclusive) up to another (inclusive)', async () => {
      const subject = store(2);
      const account = freshAccount();
      const all = ['5', '99', '100', '987654321098765432', '1390726237298631770'];
      await subject.putRecordStates(
        account,
        'patients',
        all.map((id) => stateOf(id)),
        1,
      );
      const listed = async (range: { after?: string; through?: string }) =>
        (await collect(subject.listRecordStates(account, 'patients', range))).flat().map((s) => s.id);

      expect(await listed({ after: '5', through: '100' })).toEqual(['99', '100']);
      expect(await listed({ after: '99' })).toEqual(['100', '987654321098765432', '1390726237298631770']);
      expect(await listed({ through: '99' })).toEqual(['5', '99']);
      expect(await listed({ after: '6', through: '98' })).toEqual([]);
    });
  });

  describe(`${name} write counts`, () => {
    it('counts cursor writes per call, record writes per state and lease writes per change', async () => {
      const subject = store();
      const account = freshAccount();

      await subject.putCursor(account, 'patients', cursorAt('2026-11-29T10:00:00Z'), 1);
      await subject.putRecordStates(
        account,
        'patients',
        ids(30).map((id) => stateOf(id)),
        1,
      );
      const lease = await subject.acquireLease(account, 'poller-a', TTL, NOW);
      if (lease) await subject.releaseLease(lease);

      expect(subject.writes).toEqual({ cursor: 1, records: 30, lease: 2 });
    });
  });
}
