import { describe, expect, it } from 'vitest';
import { IDLE_CURSOR_WRITE_SECONDS } from '../../../shared/engine/stream-sync.js';
import {
  ClinikoForbiddenError,
  ClinikoRateLimitedError,
  ContractError,
  LeaseLostError,
  RunDeadlineError,
} from '../../../shared/errors.js';
import { STREAMS } from '../../../shared/streams.js';
import { clinikoOutage, failBefore } from '../../support/fault-plan.js';
import { ACCOUNT, Harness, idleRequests, streams } from './sync-harness.js';

describe('invariant 7 — one poller per account', () => {
  it('exits cleanly without reading or writing anything when another poller holds the lease', async () => {
    const h = new Harness();
    h.cliniko.create('patients');
    await h.state.acquireLease(ACCOUNT, 'other-poller', 60_000, h.cliniko.now());

    const report = await h.poll();

    expect(report).toMatchObject({ skipped: 'lease-held', stopped: 'lease-held', streams: [] });
    expect(h.cliniko.requests).toHaveLength(0);
    expect(h.state.writes.cursor).toBe(0);
    expect(h.publisher.calls).toBe(0);
  });

  it('releases the lease at the end so the next run can take it at once', async () => {
    const h = new Harness();
    await h.poll({}, { owner: 'first' });

    const second = await h.poll({}, { owner: 'second' });

    expect(second.skipped).toBeUndefined();
  });

  it('writes cursors with the lease fencing token', async () => {
    const h = new Harness();
    await h.poll();
    // An idle cursor is written at most every IDLE_CURSOR_WRITE_SECONDS: the second run is later.
    h.cliniko.advance(IDLE_CURSOR_WRITE_SECONDS + 1);
    await h.poll();

    expect(h.state.cursorFence(ACCOUNT, 'patients')).toBe(2);
  });

  it('renews the lease during a long run', async () => {
    const h = new Harness({ leaseTtlMs: 30_000, pageSize: 10 });
    for (let i = 0; i < 50; i += 1) {
      h.cliniko.create('patients');
      h.cliniko.advance(1);
    }
    h.cliniko.beforeRequest = () => h.cliniko.advance(10);

    const report = await h.poll();

    expect(report.stopped).toBe('caught-up');
    expect(h.state.writes.lease).toBeGreaterThan(2);
  });

  it('stops without another cursor write once a newer poller took the lease over', async () => {
    const h = new Harness({ leaseTtlMs: 20_000, pageSize: 10 });
    for (let i = 0; i < 50; i += 1) {
      h.cliniko.create('patients');
      h.cliniko.advance(1);
    }
    h.cliniko.beforeRequest = () => {
      if (h.cliniko.requests.length === 2) {
        h.cliniko.advance(60);
        void h.state.acquireLease(ACCOUNT, 'newer-poller', 60_000, h.cliniko.now());
      }
    };

    await expect(h.poll()).rejects.toThrow(LeaseLostError);
    expect(h.state.writes.cursor).toBe(1);
  });
});

describe('invariant 8 — bounded time', () => {
  it('stops before the deadline at a page boundary, having checkpointed, and the next run finishes the job', async () => {
    const h = new Harness();
    for (let i = 0; i < 250; i += 1) {
      h.cliniko.create('patients', { n: i });
      h.cliniko.advance(1);
    }
    // Every request takes 10 s of (simulated) time; the run may start no page after 15 s.
    h.cliniko.beforeRequest = () => h.cliniko.advance(10);
    const deadline = h.cliniko.now() + 15_000;

    const first = await h.poll({ deadline });
    const saved = await h.state.getCursor(ACCOUNT, 'patients');
    const published = h.publisher.events.length;
    h.cliniko.beforeRequest = undefined;
    const second = await h.poll();

    expect(first.stopped).toBe('deadline');
    expect(first.streams[0]?.pages).toBe(2);
    // The second page starts at the last second seen and skips the record it already processed.
    expect(published).toBe(199);
    expect(saved?.position).toBeDefined();
    expect(saved?.passStartedAt).toBeDefined();
    expect(second.stopped).toBe('caught-up');
    expect(new Set(h.publisher.events.map((e) => e.detail.recordId)).size).toBe(250);
    expect(h.publisher.events).toHaveLength(250);
  });

  it('finishes the current page and checkpoints when aborted', async () => {
    const h = new Harness();
    for (let i = 0; i < 250; i += 1) {
      h.cliniko.create('patients');
      h.cliniko.advance(1);
    }
    const abort = new AbortController();
    h.cliniko.beforeRequest = () => abort.abort();

    const report = await h.poll({ signal: abort.signal });

    expect(report.stopped).toBe('aborted');
    expect(h.publisher.events).toHaveLength(100);
    expect((await h.state.getCursor(ACCOUNT, 'patients'))?.position).toBeDefined();
  });
});

describe('invariant 10 — idle is nearly free', () => {
  it('costs one request per pass, no record writes, at most one cursor write per stream and no publish call', async () => {
    const h = new Harness({ streams: STREAMS, deletedFeedIntervalSeconds: 300 });
    for (const stream of STREAMS) h.cliniko.create(stream.name);
    await h.poll();
    h.cliniko.advance(60);
    const requests = h.cliniko.requests.length;
    const writes = { ...h.state.writes };
    const calls = h.publisher.calls;

    const report = await h.poll();

    const expected = STREAMS.reduce((sum, stream) => sum + idleRequests(stream), 0);
    expect(h.cliniko.requests.length - requests).toBe(expected);
    expect(h.state.writes.records - writes.records).toBe(0);
    expect(h.state.writes.cursor - writes.cursor).toBeLessThanOrEqual(STREAMS.length);
    expect(h.publisher.calls).toBe(calls);
    expect(report.streams.map((s) => s.requests)).toEqual(STREAMS.map(idleRequests));
  });

  it('writes no cursor at all for idle polls until ten minutes after the last write', async () => {
    const h = new Harness({ streams: STREAMS, deletedFeedIntervalSeconds: 3600 });
    await h.poll();
    h.cliniko.advance(IDLE_CURSOR_WRITE_SECONDS + 1);
    await h.poll();
    const writes = h.state.writes.cursor;

    // Polled every minute: nine idle polls write nothing, the tenth (600 s later) writes each cursor.
    for (let run = 0; run < 9; run += 1) {
      h.cliniko.advance(60);
      await h.poll();
    }

    expect(h.state.writes.cursor).toBe(writes);
    h.cliniko.advance(60);
    await h.poll();
    expect(h.state.writes.cursor).toBe(writes + STREAMS.length);
  });
});

describe('the account status kept with the lease', () => {
  it('records each run: ok with the worst lag, and failed without moving the last success', async () => {
    const h = new Harness({ settleSeconds: 10, streams: streams('patients', 'contacts') });
    h.cliniko.create('patients');
    await h.poll();
    const ok = (await h.state.getAccountStatuses([ACCOUNT])).get(ACCOUNT);
    h.cliniko.advance(60);
    h.readerFaults.next(
      'listPage',
      failBefore(new ClinikoForbiddenError({ method: 'GET', path: '/contacts', status: 403 }, 'no')),
    );
    await h.poll();
    const failed = (await h.state.getAccountStatuses([ACCOUNT])).get(ACCOUNT);

    expect(ok?.lastRun).toMatchObject({ outcome: 'ok', lagSeconds: 10 });
    expect(ok?.lastSuccessAt).toBe(ok?.lastRun?.at);
    expect(failed?.lastRun?.outcome).toBe('failed');
    expect(failed?.lastSuccessAt).toBe(ok?.lastSuccessAt);
  });
});

describe('the run report', () => {
  it('gives per-stream counts by action, the watermark and the lag behind server time', async () => {
    const h = new Harness({ settleSeconds: 10 });
    h.cliniko.create('patients');
    h.cliniko.advance(30);
    h.cliniko.create('patients');

    const report = await h.poll();

    expect(report).toMatchObject({ account: ACCOUNT, stopped: 'caught-up', ok: true });
    expect(report.streams[0]).toMatchObject({
      stream: 'patients',
      // The updated_at pass, the archived_at pass and the legacy /deleted feed.
      requests: 3,
      pages: 1,
      records: 2,
      events: { snapshot: 1, created: 1 },
      lagSeconds: 10,
      deletedFeed: 'done',
      reconciliation: 'off',
    });
  });
});

describe('a run that runs out of rate budget or time', () => {
  it('stops cleanly at its last checkpoints when waiting out a 429 would pass the deadline, and the next run resumes', async () => {
    const h = new Harness({ streams: streams('patients', 'invoices'), pageSize: 2 });
    const ids = Array.from({ length: 6 }, () => h.cliniko.create('patients'));
    h.cliniko.advance(5);
    const retryAt = new Date(h.cliniko.now() + 60_000);
    h.readerFaults.next(
      'listPage',
      failBefore(new ClinikoRateLimitedError({ method: 'GET', path: '/v1/patients', status: 429 }, retryAt)),
      { after: 3 },
    );

    const paused = await h.poll();
    h.cliniko.advance(60);
    const resumed = await h.poll();

    expect(paused).toMatchObject({ stopped: 'rate-limited', ok: true });
    expect(paused.streams.every((s) => s.stopped === 'rate-limited' || s.stopped === 'caught-up')).toBe(true);
    expect(resumed.ok).toBe(true);
    for (const id of ids) expect(h.actions(id)).toEqual(['snapshot']);
  });

  it('stops cleanly when a request cannot be answered before the deadline', async () => {
    const h = new Harness({ streams: streams('patients') });
    h.cliniko.create('patients');
    h.readerFaults.next(
      'listPage',
      failBefore(new RunDeadlineError('waiting for an answer would pass the deadline')),
    );

    const report = await h.poll();

    expect(report).toMatchObject({ stopped: 'deadline', ok: true });
    expect(await h.state.getCursor(ACCOUNT, 'patients')).toBeUndefined();
  });
});

describe('a watermark ahead of server time', () => {
  it('is reported as a negative lag, not hidden as zero', async () => {
    const h = new Harness();
    await h.poll();
    const cursor = await h.state.getCursor(ACCOUNT, 'patients');
    if (cursor === undefined) throw new Error('no cursor');
    await h.state.putCursor(ACCOUNT, 'patients', { ...cursor, watermark: '2026-03-02T10:00:00Z' }, 1);
    h.cliniko.advance(5);

    const report = await h.poll();

    expect(report.streams[0]?.lagSeconds).toBeLessThan(-3000);
  });
});

describe('invariant 12 — no PHI in logs', () => {
  it('logs no record content, even when streams fail', async () => {
    const h = new Harness({
      streams: streams('patients', 'contacts', 'invoices'),
      reconcileIntervalSeconds: 1,
    });
    const secret = 'SENTINEL-PHI-Jane-Citizen';
    const id = h.cliniko.create('patients', { first_name: secret, email: `${secret}@example.test` });
    h.cliniko.create('contacts', { last_name: secret });
    await h.poll();
    h.cliniko.advance(5);
    h.cliniko.update('patients', id, { notes: secret });
    h.cliniko.advance(5);
    h.readerFaults.next(
      'listPage',
      failBefore(new ClinikoForbiddenError({ method: 'GET', path: '/contacts', status: 403 }, 'Forbidden')),
      { after: 1 },
    );

    await h.poll();

    expect(h.logger.lines.length).toBeGreaterThan(0);
    expect(h.logger.text()).not.toContain('SENTINEL');
    expect(h.logger.text()).not.toContain('example.test');
    expect(h.publisher.events.some((e) => JSON.stringify(e).includes(secret))).toBe(true);
  });
});

describe('stream isolation', () => {
  it('keeps the other streams going when one is forbidden, and reports the run as not ok', async () => {
    const h = new Harness({ streams: streams('patients', 'invoices') });
    h.cliniko.create('invoices');
    h.readerFaults.next(
      'listPage',
      failBefore(new ClinikoForbiddenError({ method: 'GET', path: '/patients', status: 403 }, 'Forbidden')),
    );

    const report = await h.poll();

    expect(report.ok).toBe(false);
    expect(report.streams.map((s) => [s.stream, s.stopped])).toEqual([
      ['patients', 'failed'],
      ['invoices', 'caught-up'],
    ]);
    expect(report.streams[0]?.error?.name).toBe('ClinikoForbiddenError');
    expect(h.events({ action: 'created' })).toHaveLength(1);
  });

  it('never advances the cursor of a stream whose request failed', async () => {
    const h = new Harness();
    await h.poll();
    const before = await h.state.getCursor(ACCOUNT, 'patients');
    h.cliniko.advance(60);
    h.readerFaults.next(
      'listPage',
      failBefore(new ContractError({ method: 'GET', path: '/patients', status: 200 }, 'truncated body')),
    );

    await h.poll();

    expect(await h.state.getCursor(ACCOUNT, 'patients')).toEqual(before);
  });

  it('stops the whole run on an outage and rethrows it', async () => {
    const h = new Harness({ streams: streams('patients', 'invoices') });
    h.readerFaults.next('listPage', clinikoOutage());

    await expect(h.poll()).rejects.toThrow('injected outage');
    // The first request met the outage; no other stream was asked anything after it.
    expect(h.readerFaults.strikes).toBe(1);
    expect(h.cliniko.requests).toHaveLength(0);
  });
});
