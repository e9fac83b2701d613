import { describe, expect, it } from 'vitest';
import type { AccountPoll } from '../../../shared/fleet/account-worker.js';
import { Dispatcher } from '../../../shared/fleet/dispatcher.js';
import { FleetRunner } from '../../../shared/fleet/fleet-runner.js';
import type { Work } from '../../../shared/fleet/work-queue.js';
import { registered } from '../../support/registry.js';
import { fleet } from './fleet-world.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Dispatcher', () => {
  it('hands every active account to the queue once per tick, at its slot, and reports the fleet', async () => {
    const f = fleet({ now: Date.now });
    for (const id of ['clinic-a', 'clinic-b', 'clinic-c']) await f.registry.put(registered(id));
    await f.registry.put(registered('clinic-p', { paused: true }));
    const sent: { work: Work; delayMs: number }[] = [];
    const dispatcher = new Dispatcher({
      registry: f.registry,
      statuses: f.state,
      queue: { send: async (items) => void sent.push(...items) },
      intervalMs: 60_000,
      tickMs: 60_000,
    });

    const plan = await dispatcher.tick();

    expect(sent.map((s) => s.work.account).sort()).toEqual(['clinic-a', 'clinic-b', 'clinic-c']);
    expect(sent.every((s) => s.work.task === 'poll' && s.delayMs >= 0 && s.delayMs < 60_000)).toBe(true);
    expect(plan).toMatchObject({ registered: 4, paused: 1 });
  });
});

describe('FleetRunner', () => {
  it('polls every account at its own cadence, follows registry changes, and stops cleanly', async () => {
    const f = fleet({ now: Date.now });
    for (const id of ['clinic-a', 'clinic-b']) {
      f.clinic(id).create('patients');
      await f.registry.put(registered(id));
    }
    const polls: { account: string; kind: string }[] = [];
    const controller = new AbortController();
    const runner = new FleetRunner({
      registry: f.registry,
      statuses: f.state,
      worker: f.worker(),
      intervalMs: 400,
      concurrency: 4,
      owner: 'local-fleet',
      signal: controller.signal,
      onPoll: (account, outcome) => {
        polls.push({ account, kind: 'poll' in outcome ? outcome.poll.kind : 'error' });
      },
    });

    const loop = runner.loop();
    await waitFor(() => count(polls, 'clinic-a') >= 2 && count(polls, 'clinic-b') >= 2);
    f.clinic('clinic-c').create('patients');
    await f.registry.put(registered('clinic-c'));
    await f.registry.setPaused('clinic-b', true, new Date().toISOString());
    const pausedAt = count(polls, 'clinic-b');
    await waitFor(() => count(polls, 'clinic-c') >= 2);
    await f.registry.remove('clinic-a');
    const removedAt = count(polls, 'clinic-a');
    await waitFor(() => count(polls, 'clinic-c') >= 5);
    controller.abort();
    await loop;

    expect(polls.every((p) => p.kind === 'ran' || p.kind === 'paused' || p.kind === 'not-registered')).toBe(
      true,
    );
    // A paused or removed account gets at most the run already handed out when it changed.
    expect(count(polls, 'clinic-b')).toBeLessThanOrEqual(pausedAt + 1);
    expect(count(polls, 'clinic-a')).toBeLessThanOrEqual(removedAt + 1);
    const accounts = new Set(f.publisher.events.map((e) => e.detail.account));
    expect(accounts).toEqual(new Set(['clinic-a', 'clinic-b', 'clinic-c']));
  });

  it('ticks every window of the grid exactly once, even when a tick ends in the next window', async () => {
    const tickMs = 200;
    // The clock starts 5 ms before a window ends, and each tick's registry read takes 30 ms: the
    // first tick ends inside the next window, which must still get a tick of its own.
    const offset = tickMs - 5 - (Date.now() % tickMs);
    const now = () => Date.now() + offset;
    const windows: number[] = [];
    const controller = new AbortController();
    const runner = new FleetRunner({
      registry: {
        list: async () => {
          // A timer may fire a millisecond early (the runner then plans the window it waited for);
          // a skipped window would show as a whole window missing, far beyond this tolerance.
          windows.push(Math.floor((now() + 3) / tickMs));
          await sleep(30);
          return [];
        },
      },
      statuses: { getAccountStatuses: async () => new Map() },
      worker: { poll: async () => ({ kind: 'paused', account: 'none' }) },
      intervalMs: tickMs,
      concurrency: 1,
      owner: 'test',
      signal: controller.signal,
      now,
    });

    const loop = runner.loop();
    await sleep(12 * tickMs);
    controller.abort();
    await loop;

    expect(windows.length).toBeGreaterThanOrEqual(8);
    expect(windows.map((w) => w - (windows[0] ?? 0))).toEqual(windows.map((_, i) => i));
  });

  it('once: polls each given account until caught up, reporting each outcome', async () => {
    const f = fleet({ now: Date.now });
    for (const id of ['clinic-a', 'clinic-b', 'clinic-c']) {
      f.clinic(id).create('patients');
      await f.registry.put(registered(id));
    }
    const outcomes = new Map<string, AccountPoll | unknown>();
    const runner = new FleetRunner({
      registry: f.registry,
      statuses: f.state,
      worker: f.worker(),
      intervalMs: 60_000,
      concurrency: 2,
      owner: 'local-fleet',
      signal: new AbortController().signal,
      onPoll: (account, outcome) => outcomes.set(account, 'poll' in outcome ? outcome.poll : outcome.error),
    });

    await runner.once(['clinic-a', 'clinic-b', 'clinic-c']);

    expect([...outcomes.keys()].sort()).toEqual(['clinic-a', 'clinic-b', 'clinic-c']);
    for (const outcome of outcomes.values())
      expect(outcome).toMatchObject({ kind: 'ran', report: { ok: true } });
    expect(f.publisher.events).toHaveLength(3);
  });
});

function count(polls: readonly { account: string }[], account: string): number {
  return polls.filter((p) => p.account === account).length;
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !condition(); i += 1) await sleep(25);
  if (!condition()) throw new Error('condition not met within 15 s');
}
