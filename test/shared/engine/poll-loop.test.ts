/**
 * The poll loop on the in-memory ports with a fake clock (the sleeps advance it): each change is
 * reported once, soon after it happened; quiet streams back off and the lifecycle passes run rarely;
 * at the deadline the loop lets the account go and the next one takes over with nothing lost or sent
 * twice; another holder of the lease is left alone.
 */
import { describe, expect, it } from 'vitest';
import { type LoopRound, type PollLoopOptions, pollLoop } from '../../../shared/engine/poll-loop.js';
import { DEFAULT_PLANNER_SETTINGS } from '../../../shared/engine/poll-planner.js';
import { ClinikoForbiddenError } from '../../../shared/errors.js';
import { ACCOUNT, Harness, streams, syncOptions } from './sync-harness.js';

const HOT = 'individual_appointments';
const COLD = 'practitioners';

/** A scripted change: at `at` seconds after the start, `apply` runs against the fake Cliniko. */
interface Change {
  readonly at: number;
  readonly apply: (h: Harness) => string;
}

function loop(
  h: Harness,
  options: {
    seconds: number;
    changes?: Change[];
    owner?: string;
    rounds?: LoopRound[];
    onRound?: (round: LoopRound) => void;
  },
  overrides: Partial<PollLoopOptions> = {},
) {
  const start = h.cliniko.now();
  const pending = [...(options.changes ?? [])].sort((a, b) => a.at - b.at);
  const changed = new Map<string, number>();
  const applyDue = () => {
    while (pending.length > 0 && (pending[0]?.at ?? Infinity) * 1000 + start <= h.cliniko.now()) {
      const change = pending.shift();
      if (change) changed.set(change.apply(h), h.cliniko.now());
    }
  };
  const run = pollLoop(
    {
      ...h.deps,
      owner: options.owner ?? 'loop-a',
      // Time passes only while the loop sleeps; each change lands at its second.
      sleep: async (ms) => {
        const wake = h.cliniko.now() + ms;
        while (pending.length > 0 && start + (pending[0]?.at ?? 0) * 1000 <= wake) {
          h.cliniko.advance((start + (pending[0]?.at ?? 0) * 1000 - h.cliniko.now()) / 1000);
          applyDue();
        }
        h.cliniko.advance((wake - h.cliniko.now()) / 1000);
      },
      onRound: (round) => {
        options.rounds?.push(round);
        options.onRound?.(round);
      },
    },
    {
      ...syncOptions({ streams: streams(HOT, 'patients', COLD), startFrom: 'now', ...h.options }),
      deadline: start + options.seconds * 1000,
      deadlineMarginMs: 0,
      planner: DEFAULT_PLANNER_SETTINGS,
      ...overrides,
    },
  );
  return { run, changed };
}

/** Seconds between a change and the first event for its record. */
function latencies(h: Harness, changed: ReadonlyMap<string, number>): number[] {
  return [...changed].map(([id, at]) => {
    const event = h.events({ recordId: id })[0];
    if (event === undefined) throw new Error(`no event for record ${id}`);
    return (Date.parse(event.detail.observedAt) - at) / 1000;
  });
}

describe('pollLoop', () => {
  it('reports each change once, a hot stream within its ceiling and a cold one within its own', async () => {
    const h = new Harness();
    const changes: Change[] = [
      { at: 40, apply: (x) => x.cliniko.create(HOT) },
      { at: 41, apply: (x) => x.cliniko.create(HOT) },
      { at: 95, apply: (x) => x.cliniko.create('patients') },
      { at: 130, apply: (x) => x.cliniko.create(COLD) },
      { at: 300, apply: (x) => x.cliniko.create(HOT) },
    ];
    const { run, changed } = loop(h, { seconds: 600, changes });
    const report = await run;

    expect(report.stopped).toBe('deadline');
    expect(report.ok).toBe(true);
    expect(h.publisher.events).toHaveLength(changes.length);
    expect(new Set(h.publisher.events.map((e) => e.detail.eventId)).size).toBe(changes.length);
    const [hot1, hot2, patient, cold, hot3] = latencies(h, changed);
    const { hot, cold: coldTier } = DEFAULT_PLANNER_SETTINGS.tiers;
    for (const seconds of [hot1, hot2, patient, hot3])
      expect(seconds).toBeLessThanOrEqual(hot.ceilingSeconds);
    expect(cold).toBeLessThanOrEqual(coldTier.ceilingSeconds);
  });

  it('backs quiet streams off and runs the lifecycle passes only every lifecycleSeconds', async () => {
    const h = new Harness();
    const rounds: LoopRound[] = [];
    const { run } = loop(h, { seconds: 600, rounds });
    await run;

    const pollsOf = (stream: string) => rounds.flatMap((r) => r.polls.filter((p) => p.stream === stream));
    // 600 s at a 12 s ceiling: about 50 polls of the hot stream, of which about 5 with its lifecycle passes.
    expect(pollsOf(HOT).length).toBeGreaterThanOrEqual(48);
    expect(pollsOf(HOT).length).toBeLessThanOrEqual(52);
    expect(pollsOf(HOT).filter((p) => p.lifecycle).length).toBeLessThanOrEqual(6);
    expect(pollsOf(COLD).length).toBeLessThanOrEqual(6);
    const requests = rounds.reduce((sum, r) => sum + r.streams.reduce((s, x) => s + x.requests, 0), 0);
    // An idle account of three streams: well under the 30 requests a minute of the target.
    expect(requests / 10).toBeLessThan(15);
  });

  it('lets the account go at the deadline; the next loop takes over with nothing lost and nothing sent twice', async () => {
    const h = new Harness();
    const first = loop(h, { seconds: 60, changes: [{ at: 20, apply: (x) => x.cliniko.create(HOT) }] });
    await first.run;
    // Changes while nobody polls, and right at the hand-over.
    const late = h.cliniko.create(HOT);
    h.cliniko.advance(3);
    const earlier = [...first.changed.keys()][0] ?? '';
    h.cliniko.update(HOT, earlier, { notes: 'moved' });

    const second = loop(h, { seconds: 60, owner: 'loop-b' });
    const report = await second.run;

    expect(report.skipped).toBeUndefined();
    expect(h.actions(earlier)).toEqual(['created', 'updated']);
    expect(h.actions(late)).toEqual(['created']);
    expect(new Set(h.publisher.events.map((e) => e.detail.eventId)).size).toBe(h.publisher.events.length);
  });

  it('leaves an account another worker holds alone', async () => {
    const h = new Harness();
    await h.state.acquireLease(ACCOUNT, 'someone-else', 120_000, h.cliniko.now());
    const { run } = loop(h, { seconds: 60 });
    const report = await run;
    expect(report).toMatchObject({ skipped: 'lease-held', rounds: 0 });
    expect(h.cliniko.requests).toHaveLength(0);
  });

  it('stops at a page boundary when aborted, with its cursors saved', async () => {
    const h = new Harness();
    const controller = new AbortController();
    let rounds = 0;
    const onRound = () => {
      rounds += 1;
      if (rounds === 3) controller.abort();
    };
    const { run } = loop(h, { seconds: 600, onRound }, { signal: controller.signal });
    const report = await run;
    expect(report.rounds).toBe(3);
    expect(report.stopped).toBe('aborted');
    expect(await h.state.getCursor(ACCOUNT, HOT)).toBeDefined();
  });
});

describe('pollLoop with a stream that keeps failing', () => {
  it('backs the failing stream off like an empty one, and goes on polling the others', async () => {
    const h = new Harness();
    const rounds: LoopRound[] = [];
    // Every request for the cold stream is refused.
    const refused = new ClinikoForbiddenError(
      { method: 'GET', path: '/practitioners', status: 403 },
      'forbidden',
    );
    const listPage = h.cliniko.listPage.bind(h.cliniko);
    h.cliniko.listPage = async (path, arrayKey, query) => {
      if (path.includes('practitioners')) throw refused;
      return listPage(path, arrayKey, query);
    };
    const { run } = loop(h, {
      seconds: 600,
      rounds,
      changes: [{ at: 300, apply: (x) => x.cliniko.create(HOT) }],
    });
    const report = await run;

    const coldPolls = rounds.flatMap((r) => r.polls.filter((p) => p.stream === COLD)).length;
    // Backed off toward its 2-minute ceiling: a handful of polls in ten minutes, not a hot retry loop.
    expect(coldPolls).toBeLessThanOrEqual(12);
    expect(report.ok).toBe(false);
    expect(h.events({ action: 'created' })).toHaveLength(1);
  });

  it('checks its settings before taking the lease', async () => {
    const h = new Harness();
    const { run } = loop(h, { seconds: 60 }, { planner: { ...DEFAULT_PLANNER_SETTINGS, budgetShare: 0.01 } });
    await expect(run).rejects.toThrow(/polling\.budgetShare/);
    expect(await h.state.acquireLease(ACCOUNT, 'next', 120_000, h.cliniko.now())).toBeDefined();
  });
});
