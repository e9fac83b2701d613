import { describe, expect, it } from 'vitest';
import { parseBridgeConfig } from '../../../shared/config/index.js';
import { ClinikoAuthError } from '../../../shared/errors.js';
import { registered } from '../../support/registry.js';
import { config, fleet } from './fleet-world.js';

const runtime = { owner: 'worker-1' };

describe('AccountWorker', () => {
  it('polls a registered account with its own client and key; events carry its id and only its records', async () => {
    const f = fleet();
    const a = f.clinic('clinic-a').create('patients');
    const b = f.clinic('clinic-b').create('patients');
    await f.registry.put(registered('clinic-a'));
    await f.registry.put(registered('clinic-b'));
    const worker = f.worker();

    const polls = await Promise.all([worker.poll('clinic-a', runtime), worker.poll('clinic-b', runtime)]);

    expect(polls.map((p) => p.kind)).toEqual(['ran', 'ran']);
    const byAccount = (account: string) =>
      f.publisher.events.filter((e) => e.detail.account === account).map((e) => e.detail.recordId);
    expect(byAccount('clinic-a')).toEqual([a]);
    expect(byAccount('clinic-b')).toEqual([b]);
    expect(f.created.map((c) => [c.account, c.apiKey, c.userAgent])).toEqual([
      ['clinic-a', 'key-clinic-a', config.userAgent],
      ['clinic-b', 'key-clinic-b', config.userAgent],
    ]);
  });

  it('reuses the client and the key across polls of the same account', async () => {
    const f = fleet();
    f.clinic('clinic-a');
    await f.registry.put(registered('clinic-a'));
    const worker = f.worker();

    await worker.poll('clinic-a', runtime);
    await worker.poll('clinic-a', runtime);

    expect(f.created).toHaveLength(1);
    expect(f.reads).toHaveLength(1);
  });

  it('does nothing for an account that is paused or no longer registered', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    await f.registry.put(registered('clinic-a', { paused: true }));
    const worker = f.worker();

    const paused = await worker.poll('clinic-a', runtime);
    const gone = await worker.poll('clinic-z', runtime);

    expect(paused).toEqual({ kind: 'paused', account: 'clinic-a' });
    expect(gone).toEqual({ kind: 'not-registered', account: 'clinic-z' });
    expect(f.created).toHaveLength(0);
    expect(f.publisher.events).toHaveLength(0);
  });

  it('reads the key again after a 401 and goes on with a rotated one; an unchanged key fails the poll', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    await f.registry.put(registered('clinic-a'));
    const worker = f.worker();
    await worker.poll('clinic-a', runtime);

    f.validKeys.set('clinic-a', 'rotated');
    f.storedKeys.set('clinic-a', 'rotated');
    const rotated = await worker.poll('clinic-a', runtime);
    f.validKeys.set('clinic-a', 'revoked-everywhere');
    const refused = worker.poll('clinic-a', runtime);

    expect(rotated.kind).toBe('ran');
    expect(f.created.map((c) => c.apiKey)).toEqual(['key-clinic-a', 'rotated']);
    await expect(refused).rejects.toBeInstanceOf(ClinikoAuthError);
  });

  it('applies the account’s own payload overrides over the configuration’s', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    f.clinic('clinic-b').create('patients');
    await f.registry.put(registered('clinic-a', { payload: { patients: { mode: 'ids' } } }));
    await f.registry.put(registered('clinic-b'));
    const worker = f.worker();

    await worker.poll('clinic-a', runtime);
    await worker.poll('clinic-b', runtime);

    const data = (account: string) =>
      f.publisher.events.find((e) => e.detail.account === account)?.detail.data;
    expect(data('clinic-a')).toBeUndefined();
    expect(data('clinic-b')).toBeDefined();
  });

  it('publishes through the gate of the classes the bus may carry', async () => {
    const operational = parseBridgeConfig({
      accounts: [{ id: 'unused', apiKeySecret: 'cliniko/unused' }],
      userAgent: config.userAgent,
      startFrom: 'beginning',
      eventBus: { mode: 'create', allowClasses: ['operational'] },
    });
    const f = fleet({ config: operational });
    f.clinic('clinic-a').create('patients', { first_name: 'Synthetic' });
    await f.registry.put(registered('clinic-a'));

    await f.worker().poll('clinic-a', runtime);

    const [event] = f.publisher.events;
    expect(event?.detail.data).not.toHaveProperty('first_name');
    expect(event?.detail.withheld).toEqual({ classes: ['personal'], changedFields: 0 });
  });

  it('never runs one account twice at once: a second worker skips on the lease', async () => {
    const f = fleet();
    f.clinic('clinic-a').create('patients');
    await f.registry.put(registered('clinic-a'));

    const [one, two] = await Promise.all([
      f.worker().poll('clinic-a', { owner: 'worker-1' }),
      f.worker().poll('clinic-a', { owner: 'worker-2' }),
    ]);

    const skipped = [one, two].filter((p) => p.kind === 'ran' && p.report.skipped === 'lease-held');
    expect(skipped).toHaveLength(1);
    expect(f.publisher.events).toHaveLength(1);
  });

  it('with polling.mode adaptive keeps the account until the deadline, polling in rounds; a run that must finish polls once', async () => {
    let clock = Date.parse('2026-03-02T09:00:10Z');
    const adaptive = parseBridgeConfig({
      accounts: [{ id: 'unused', apiKeySecret: 'cliniko/unused' }],
      userAgent: config.userAgent,
      startFrom: 'beginning',
      polling: { mode: 'adaptive' },
    });
    let created: string | undefined;
    const f = fleet({
      config: adaptive,
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        cliniko.advance(ms / 1000);
        if (created === undefined && clock > start + 60_000) created = cliniko.create('patients');
      },
    });
    const cliniko = f.clinic('clinic-a');
    cliniko.advance((clock - cliniko.now()) / 1000);
    const start = clock;
    await f.registry.put(registered('clinic-a'));
    const worker = f.worker();

    const poll = await worker.poll('clinic-a', {
      owner: 'w-1',
      deadline: start + 180_000,
      deadlineMarginMs: 0,
    });

    if (poll.kind !== 'ran') throw new Error(poll.kind);
    expect(poll.report.stopped).toBe('deadline');
    expect('rounds' in poll.report && poll.report.rounds).toBeGreaterThan(10);
    expect(f.publisher.events.map((e) => [e.detail.recordId, e.detail.type])).toEqual([
      [created, 'patient.created'],
    ]);

    const once = await worker.poll('clinic-a', { owner: 'w-1', pollIntervalMs: null });
    if (once.kind !== 'ran') throw new Error(once.kind);
    expect(once.report.stopped).toBe('caught-up');
    expect('rounds' in once.report).toBe(false);
  });
});
