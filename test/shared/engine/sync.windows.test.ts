import { describe, expect, it } from 'vitest';
import { clinikoOutage } from '../../support/fault-plan.js';
import { ACCOUNT, Harness, streams } from './sync-harness.js';

describe('invariant 4 — overlapping windows', () => {
  it('catches a late commit that became visible inside the overlap, after the watermark passed its updated_at', async () => {
    const h = new Harness({ overlapSeconds: 60, settleSeconds: 10 });
    await h.poll();
    h.cliniko.lateCommitMs = 30_000;
    const late = h.cliniko.create('patients');
    h.cliniko.lateCommitMs = 0;
    h.cliniko.advance(20);
    const watermarkBefore = (await h.poll()).streams[0]?.watermark ?? '';

    h.cliniko.advance(20);
    await h.poll();

    expect(watermarkBefore > String(h.cliniko.latest('patients', late).updated_at)).toBe(true);
    expect(h.actions(late)).toEqual(['created']);
  });

  it('keeps the watermark at least the settle time behind server time', async () => {
    const h = new Harness({ settleSeconds: 10 });
    h.cliniko.create('patients');

    await h.poll();

    const cursor = await h.state.getCursor(ACCOUNT, 'patients');
    expect(Date.parse(cursor?.watermark ?? '')).toBeLessThanOrEqual(h.cliniko.now() - 10_000);
  });

  it('a pass resumed in a later run keeps its start time, so a row updated behind its position is re-read', async () => {
    const h = new Harness({ pageSize: 2 });
    await h.poll();
    const ids = [h.cliniko.create('patients'), h.cliniko.create('patients'), h.cliniko.create('patients')];
    // The first page is read, then the run fails: the cursor keeps a position inside the pass.
    h.readerFaults.next('listPage', clinikoOutage(), { after: 1 });
    await expect(h.poll()).rejects.toThrow('injected outage');
    const smallest = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0] ?? '';
    // Same second, an id below the saved position: the resumed keyset walk cannot see it.
    h.cliniko.update('patients', smallest, { email: 'late@example.test' });

    h.cliniko.advance(200);
    await h.poll();
    h.cliniko.advance(5);
    await h.poll();

    expect(h.actions(smallest)).toEqual(['created', 'updated']);
  });
});

describe('invariant 5 — ties larger than a page', () => {
  it('drains a 250-record single-second burst fully, without deep paging and without looping', async () => {
    const h = new Harness();
    await h.poll();
    const before = h.cliniko.requests.length;
    for (let i = 0; i < 250; i += 1) h.cliniko.create('patients', { n: i });
    h.cliniko.advance(1);

    const report = await h.poll();

    expect(new Set(h.events({ action: 'created' }).map((e) => e.detail.recordId)).size).toBe(250);
    expect(h.publisher.events).toHaveLength(250);
    expect(h.deepPageRequests()).toBe(0);
    expect(h.cliniko.requests.slice(before).some((r) => r.filters.some((f) => f.startsWith('id:>')))).toBe(
      true,
    );
    // 3 pages (2 drain pages) and the following empty page, plus the archived_at pass.
    expect(report.streams[0]?.requests).toBeLessThanOrEqual(6);
  });
});

// Cliniko documents whole seconds; a server keeping milliseconds orders a second by instant, then id.
describe('invariant 5 — sub-second timestamps', () => {
  /** A harness past its first poll, and timestamps `millis` after the start of its current second. */
  async function watching(pageSize: number) {
    const h = new Harness({ pageSize });
    await h.poll();
    h.cliniko.advance(10);
    const second = Date.parse(h.cliniko.stamp());
    return { h, at: (millis: number) => new Date(second + millis).toISOString() };
  }

  it('reads every record of a tie larger than a page whose timestamps carry milliseconds', async () => {
    const { h, at } = await watching(2);
    const ids = [100, 200, 300, 400, 500].map((ms) => h.cliniko.create('patients', { updated_at: at(ms) }));
    h.cliniko.advance(5);

    const report = await h.poll();

    expect(report.ok).toBe(true);
    expect(
      h
        .events({ action: 'created' })
        .map((e) => e.detail.recordId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(h.deepPageRequests()).toBe(0);
  });

  it('reads a record later in a second than one already seen, though its id is smaller', async () => {
    const { h, at } = await watching(3);
    const first = h.cliniko.create('patients', { updated_at: at(-1000) });
    const early = h.cliniko.create('patients', { updated_at: at(100) });
    const late = h.cliniko.create('patients', { updated_at: at(900) });
    const other = h.cliniko.create('patients', { updated_at: at(-1000) });
    const next = h.cliniko.create('patients', { updated_at: at(1000) });
    h.cliniko.advance(5);
    // The first page ends at `early`: `late` is after it in server order but before it by id.
    expect(BigInt(late) < BigInt(early)).toBe(true);

    const report = await h.poll();

    expect(report.ok).toBe(true);
    expect(
      h
        .events({ action: 'created' })
        .map((e) => e.detail.recordId)
        .sort(),
    ).toEqual([first, early, late, other, next].sort());
  });

  it('a run stopped inside the drain of a sub-second tie resumes without skipping or repeating', async () => {
    const { h, at } = await watching(2);
    const ids = [100, 200, 300, 400, 500].map((ms) => h.cliniko.create('patients', { updated_at: at(ms) }));
    h.cliniko.advance(5);
    // The first page finds the tie, the first drain page is read, then the run fails.
    h.readerFaults.next('listPage', clinikoOutage(), { after: 2 });
    await expect(h.poll()).rejects.toThrow('injected outage');

    await h.poll();

    expect(
      h
        .events({ action: 'created' })
        .map((e) => e.detail.recordId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(h.publisher.events).toHaveLength(5);
  });
});

describe('invariant 5 — a drain interrupted between runs', () => {
  it('continues the drain after its last id instead of reading the whole second again', async () => {
    const h = new Harness({ pageSize: 2 });
    await h.poll();
    h.cliniko.advance(10);
    const ids = Array.from({ length: 8 }, () => h.cliniko.create('patients'));
    h.cliniko.advance(5);
    // Page one finds the tie, the first drain page is read and checkpointed, then the run fails.
    h.readerFaults.next('listPage', clinikoOutage(), { after: 2 });
    await expect(h.poll()).rejects.toThrow('injected outage');
    const before = h.cliniko.requests.length;

    await h.poll();

    const resumed = h.cliniko.requests[before];
    expect(resumed?.filters.some((f) => f.startsWith('id:>'))).toBe(true);
    expect(resumed?.filters.some((f) => f.startsWith('updated_at:<'))).toBe(true);
    expect(
      h
        .events({ action: 'created' })
        .map((e) => e.detail.recordId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(h.publisher.events).toHaveLength(8);
  });
});

describe('invariant 6 — hidden records are fetched on purpose', () => {
  it('sees a cancelled appointment and an archived patient, which default lists hide', async () => {
    const h = new Harness({ streams: streams('patients', 'individual_appointments') });
    const patient = h.cliniko.create('patients');
    const appointment = h.cliniko.create('individual_appointments');
    await h.poll();
    h.cliniko.advance(5);

    h.cliniko.archive('patients', patient);
    h.cliniko.cancel('individual_appointments', appointment);
    h.cliniko.advance(5);
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.unarchive('patients', patient);
    h.cliniko.advance(5);
    await h.poll();

    expect(h.actions(patient)).toEqual(['created', 'archived', 'restored']);
    expect(h.actions(appointment)).toEqual(['created', 'cancelled']);
    expect(h.events({ recordId: appointment, action: 'cancelled' })[0]?.detail.changes?.fields).toContain(
      'cancelled_at',
    );
  });

  it('reports a hard delete from the /deleted feed, asking it only for deleted_at and id', async () => {
    const h = new Harness({ deletedFeedIntervalSeconds: 300 });
    const id = h.cliniko.create('patients');
    await h.poll();
    h.cliniko.advance(400);
    const deletedAt = h.cliniko.stamp();
    h.cliniko.hardDelete('patients', id);
    h.cliniko.advance(5);

    const report = await h.poll();

    expect(h.actions(id)).toEqual(['created', 'deleted']);
    expect(h.events({ recordId: id, action: 'deleted' })[0]?.detail.occurredAt).toBe(deletedAt);
    expect(report.streams[0]?.deletedFeed).toBe('done');
    const feedQueries = h.cliniko.requests.filter((r) => r.path === '/patients/deleted');
    expect(feedQueries.flatMap((r) => r.filters).every((f) => /^(deleted_at|id):/.test(f))).toBe(true);
  });

  it('reads the /deleted feed only when due, not on every poll', async () => {
    const h = new Harness({ deletedFeedIntervalSeconds: 300 });
    await h.poll();
    h.cliniko.advance(60);

    const report = await h.poll();

    expect(report.streams[0]?.deletedFeed).toBe('not-due');
    // The change pass and the archived_at pass; no feed read.
    expect(report.streams[0]?.requests).toBe(2);
  });

  it('reconciliation reports a record that vanished from a stream without a feed', async () => {
    const h = new Harness({ streams: streams('contacts'), reconcileIntervalSeconds: 3600 });
    const kept = h.cliniko.create('contacts');
    const gone = h.cliniko.create('contacts');
    await h.poll();
    h.cliniko.advance(4000);
    h.cliniko.hardDelete('contacts', gone);

    const report = await h.poll();

    expect(report.streams[0]?.reconciliation).toBe('done');
    expect(h.actions(gone)).toEqual(['created', 'deleted']);
    expect(h.actions(kept)).toEqual(['created']);
  });

  it('reconciliation larger than one run can list resumes where it stopped and finishes across runs', async () => {
    const h = new Harness({ streams: streams('contacts'), reconcileIntervalSeconds: 3600, pageSize: 20 });
    const ids = Array.from({ length: 130 }, () => h.cliniko.create('contacts'));
    await h.poll();
    h.cliniko.advance(4000);
    const gone = [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).at(-1) ?? '';
    h.cliniko.hardDelete('contacts', gone);
    // Every request takes 10 s; a run may start pages for 60 s: about six requests per run, three
    // of them the window passes (updated_at, archived_at, deleted_at).
    h.cliniko.beforeRequest = () => h.cliniko.advance(10);
    const outcomes: string[] = [];

    for (let run = 0; run < 8 && h.actions(gone).length < 2; run += 1) {
      const report = await h.poll({ deadline: h.cliniko.now() + 60_000, deadlineMarginMs: 0 });
      outcomes.push(report.streams[0]?.reconciliation ?? '');
    }

    const listing = h.cliniko.requests.filter(
      (r) => r.sort === 'id' && !r.filters.some((f) => f.startsWith('updated_at')),
    );
    expect(h.actions(gone)).toEqual(['created', 'deleted']);
    expect(outcomes).toContain('incomplete');
    expect(outcomes.at(-1)).toBe('done');
    // 129 ids in pages of 20: each page listed once, never from scratch again.
    expect(listing).toHaveLength(7);
    // The 130 records share one second: drained once by the backfill and once more by the overlap
    // of the next pass, which a run boundary must not make start over once it finished.
    const drains = h.cliniko.requests.filter(
      (r) => r.sort === 'id' && r.filters.some((f) => f.startsWith('updated_at:<')),
    );
    expect(drains).toHaveLength(14);
    expect(h.events({ action: 'deleted' })).toHaveLength(1);
  });

  it('reconciliation takes at most its request budget of a run, and change polls go on meanwhile', async () => {
    const h = new Harness({
      streams: streams('contacts', 'patients'),
      reconcileIntervalSeconds: 3600,
      reconcileRequestsPerRun: 2,
      pageSize: 10,
    });
    for (let i = 0; i < 95; i += 1) h.cliniko.create('contacts');
    await h.poll();
    h.cliniko.advance(4000);
    const listings: number[] = [];

    for (let run = 0; run < 3; run += 1) {
      const patient = h.cliniko.create('patients');
      h.cliniko.advance(5);
      const before = h.cliniko.requests.length;
      await h.poll();
      const requests = h.cliniko.requests.slice(before);
      const listing = requests.filter(
        (r) => r.sort === 'id' && !r.filters.some((f) => f.startsWith('updated_at')),
      );
      listings.push(listing.length);
      expect(h.actions(patient)).toEqual(['created']);
    }

    expect(listings).toEqual([2, 2, 2]);
  });

  it('reconciles practitioners over both lists: a deactivation is an update, only a practitioner in neither list is deleted', async () => {
    const h = new Harness({ streams: streams('practitioners'), reconcileIntervalSeconds: 3600 });
    const leaving = h.cliniko.create('practitioners', { active: true });
    const gone = h.cliniko.create('practitioners', { active: true });
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.update('practitioners', leaving, { active: false });
    await h.poll();
    h.cliniko.advance(4000);
    h.cliniko.hardDelete('practitioners', gone);

    const report = await h.poll();

    expect(report.streams[0]?.reconciliation).toBe('done');
    expect(h.actions(leaving)).toEqual(['created', 'updated']);
    expect(h.actions(gone)).toEqual(['created', 'deleted']);
    expect(h.cliniko.requests.some((r) => r.path === '/practitioners/inactive' && r.sort === 'id')).toBe(
      true,
    );
  });

  it('reconciliation never acts on a listing that failed part-way', async () => {
    const h = new Harness({ streams: streams('contacts'), reconcileIntervalSeconds: 3600 });
    for (let i = 0; i < 150; i += 1) h.cliniko.create('contacts');
    await h.poll();
    h.cliniko.advance(4000);
    // The pass takes one request; the listing's second page fails.
    h.readerFaults.next('listPage', clinikoOutage(), { after: 2 });

    await expect(h.poll()).rejects.toThrow('injected outage');

    expect(h.events({ action: 'deleted' })).toHaveLength(0);
  });

  it('reconciliation refuses a listing much shorter than its first page announced', async () => {
    const h = new Harness({ streams: streams('contacts'), reconcileIntervalSeconds: 3600 });
    const ids = Array.from({ length: 150 }, () => h.cliniko.create('contacts'));
    await h.poll();
    h.cliniko.advance(4000);
    // 40 records vanish between the listing's first and second page (e.g. a permission change).
    h.cliniko.beforeRequest = (request) => {
      const listingPage2 = request.sort === 'id' && !request.filters.some((f) => f.startsWith('updated_at'));
      if (listingPage2 && request.filters.some((f) => f.startsWith('id:>'))) {
        for (const id of ids.slice(-40))
          if (h.cliniko.visible('contacts', id) !== 'deleted') h.cliniko.hardDelete('contacts', id);
      }
    };

    const report = await h.poll();

    expect(report.streams[0]?.reconciliation).toBe('refused');
    expect(h.events({ action: 'deleted' })).toHaveLength(0);
    expect(h.logger.lines.some((l) => l.level === 'warn' && l.fields?.reason === 'short')).toBe(true);
  });
});
