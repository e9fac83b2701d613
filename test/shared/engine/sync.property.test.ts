/**
 * Property tests of the engine's invariants: random histories of writes (several per second,
 * late commits, archives, cancels, hard deletes) interleaved with polls that fail at random points,
 * then clean polls; the published events are checked against the in-memory Cliniko's final data.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../shared/engine/canonical-content.js';
import type {
  ClinikoReader,
  EventPublisher,
  StateStore,
  StreamCursor,
} from '../../../shared/engine/ports.js';
import { syncAccount } from '../../../shared/engine/sync.js';
import { ClinikoForbiddenError } from '../../../shared/errors.js';
import type { ChangeEvent } from '../../../shared/events/contract.js';
import { TEST_KEYS } from '../../support/content-keys.js';
import { InMemoryCliniko } from '../../support/fake-cliniko.js';
import {
  type CallPlan,
  clinikoOutage,
  FaultPlan,
  failBefore,
  publishFails,
  publishFailsLast,
  withFaults,
} from '../../support/fault-plan.js';
import { InMemoryStateStore } from '../../support/memory-state-store.js';
import { RecordingPublisher } from '../../support/recording-publisher.js';
import { ACCOUNT, CapturingLogger, streams, syncOptions } from './sync-harness.js';

const STREAM_SET = streams('patients', 'individual_appointments', 'contacts');
const NAMES = STREAM_SET.map((s) => s.name);

type StateFault = 'getRecordStates' | 'putRecordStates' | 'putCursor';
type PublishFault = { kind: 'call' } | { kind: 'entries'; count: number };

type Fault =
  | { kind: 'none' }
  | { kind: 'reader'; after: number; forbidden: boolean }
  | { kind: 'publish'; fault: PublishFault }
  | { kind: 'state'; operation: StateFault };

type Op =
  | { kind: 'create'; stream: number; value: number }
  | { kind: 'update' | 'touch' | 'archive' | 'unarchive' | 'cancel' | 'delete'; pick: number; value: number }
  | { kind: 'advance'; seconds: number }
  | { kind: 'late'; ms: number }
  | { kind: 'poll'; fault: Fault };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Fault>({ kind: 'none' }) },
  fc.record({ kind: fc.constant('reader' as const), after: fc.nat(4), forbidden: fc.boolean() }),
  fc.oneof(
    fc.constant<Fault>({ kind: 'publish', fault: { kind: 'call' } }),
    fc.nat({ max: 3 }).map((n): Fault => ({ kind: 'publish', fault: { kind: 'entries', count: n + 1 } })),
  ),
  fc.constantFrom<StateFault>('getRecordStates', 'putRecordStates', 'putCursor').map(
    (operation): Fault => ({
      kind: 'state',
      operation,
    }),
  ),
);

type WriteOp = Exclude<Op, { kind: 'advance' | 'late' | 'poll' }>;

const writeArb: fc.Arbitrary<WriteOp> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('create' as const), stream: fc.nat(2), value: fc.nat(3) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constantFrom('update', 'update', 'touch', 'archive', 'unarchive', 'cancel', 'delete'),
      pick: fc.nat(50),
      value: fc.nat(3),
    }),
  },
);

/**
 * A history is rounds of: a burst of writes (in one second, or spread over a few), time passing
 * (sometimes with late commits), then a poll that may fail somewhere. Bursts fill the tiny pages.
 */
const historyArb = (faults: boolean): fc.Arbitrary<Op[]> =>
  fc
    .array(
      fc.record({
        writes: fc.array(writeArb, { maxLength: 7 }),
        spread: fc.boolean(),
        late: fc.constantFrom(0, 0, 0, 20_000),
        advance: fc.constantFrom(0, 1, 2, 30, 90, 200),
        fault: faults ? faultArb : fc.constant<Fault>({ kind: 'none' }),
      }),
      { maxLength: 10 },
    )
    .map((rounds) =>
      rounds.flatMap((round): Op[] => [
        { kind: 'late', ms: round.late },
        ...round.writes.flatMap((write): Op[] =>
          round.spread ? [write, { kind: 'advance', seconds: 1 }] : [write],
        ),
        { kind: 'advance', seconds: round.advance },
        { kind: 'poll', fault: round.fault },
      ]),
    );

interface World {
  readonly cliniko: InMemoryCliniko;
  readonly state: StateStore;
  readonly publisher: RecordingPublisher;
  /** Faults armed for one poll only, so one that did not strike cannot leak into the final clean polls. */
  readonly readerFaults: FaultPlan<ClinikoReader>;
  readonly stateFaults: FaultPlan<StateStore>;
  readonly publisherFaults: FaultPlan<EventPublisher>;
  /** Cursor writes the store accepted, in order. */
  readonly cursorWrites: { stream: string; cursor: StreamCursor }[];
  readonly logger: CapturingLogger;
  readonly created: { stream: string; id: string }[];
}

/** Records each cursor write the store accepted (the faults sit inside, so a failed one is not recorded). */
function cursorWriteLog(log: World['cursorWrites']): CallPlan {
  return {
    around(operation, args, proceed) {
      if (operation !== 'putCursor') return proceed();
      return (proceed() as Promise<void>).then(() => {
        log.push({ stream: args[1] as string, cursor: args[2] as StreamCursor });
      });
    },
  };
}

async function poll(world: World, fault: Fault): Promise<void> {
  const { cliniko, state, publisher, readerFaults, stateFaults, publisherFaults } = world;
  if (fault.kind === 'reader') {
    readerFaults.next(
      'listPage',
      fault.forbidden
        ? failBefore(new ClinikoForbiddenError({ method: 'GET', path: '/x', status: 403 }, 'Forbidden'))
        : clinikoOutage(),
      { after: fault.after },
    );
  }
  if (fault.kind === 'publish') {
    publisherFaults.next(
      'publish',
      fault.fault.kind === 'call' ? publishFails : publishFailsLast(fault.fault.count),
    );
  }
  if (fault.kind === 'state') {
    stateFaults.next(fault.operation, failBefore(new Error(`injected ${fault.operation} failure`)));
  }
  try {
    await syncAccount(
      {
        cliniko: withFaults<ClinikoReader>(cliniko, readerFaults),
        keys: TEST_KEYS,
        state,
        publisher,
        logger: world.logger,
        now: () => cliniko.now(),
      },
      syncOptions({
        streams: STREAM_SET,
        deletedFeedIntervalSeconds: 120,
        reconcileIntervalSeconds: 600,
        // Tiny pages: every history pages, and a few writes in one second make a tie larger than a page.
        pageSize: 3,
      }),
    );
  } catch {
    // Injected failures end the run; the next poll must recover from whatever was saved.
  } finally {
    readerFaults.clear();
    stateFaults.clear();
    publisherFaults.clear();
  }
}

async function apply(world: World, op: Op): Promise<void> {
  const { cliniko } = world;
  if (op.kind === 'poll') return poll(world, op.fault);
  if (op.kind === 'advance') return cliniko.advance(op.seconds);
  if (op.kind === 'late') {
    cliniko.lateCommitMs = op.ms;
    return;
  }
  if (op.kind === 'create') {
    const stream = NAMES[op.stream] ?? 'patients';
    world.created.push({
      stream,
      id: cliniko.create(stream, { value: op.value, first_name: `P${op.value}` }),
    });
    return;
  }
  const alive = world.created.filter(({ stream, id }) => isLive(cliniko, stream, id));
  const target = alive[op.pick % Math.max(1, alive.length)];
  if (target === undefined) return;
  const { stream, id } = target;
  if (op.kind === 'update') cliniko.update(stream, id, { value: op.value + 10 * Math.random() });
  if (op.kind === 'touch') cliniko.touch(stream, id);
  if (op.kind === 'archive') cliniko.archive(stream, id);
  if (op.kind === 'unarchive') cliniko.unarchive(stream, id);
  if (op.kind === 'cancel' && stream === 'individual_appointments') cliniko.cancel(stream, id);
  if (op.kind === 'delete') cliniko.hardDelete(stream, id);
}

function isLive(cliniko: InMemoryCliniko, stream: string, id: string): boolean {
  try {
    cliniko.latest(stream, id);
    return true;
  } catch {
    return false;
  }
}

async function runHistory(ops: readonly Op[]): Promise<World> {
  const readerFaults = new FaultPlan<ClinikoReader>();
  const stateFaults = new FaultPlan<StateStore>();
  const publisherFaults = new FaultPlan<EventPublisher>();
  const cursorWrites: World['cursorWrites'] = [];
  const world: World = {
    cliniko: new InMemoryCliniko(),
    state: withFaults(
      withFaults<StateStore>(new InMemoryStateStore(), stateFaults),
      cursorWriteLog(cursorWrites),
    ),
    publisher: withFaults(new RecordingPublisher(), publisherFaults),
    readerFaults,
    stateFaults,
    publisherFaults,
    cursorWrites,
    logger: new CapturingLogger(),
    created: [],
  };
  // A clean first poll fixes every stream's origin before any write.
  await poll(world, { kind: 'none' });
  for (const op of ops) await apply(world, op);
  world.cliniko.lateCommitMs = 0;
  for (const seconds of [200, 1000, 5]) {
    world.cliniko.advance(seconds);
    await poll(world, { kind: 'none' });
  }
  return world;
}

const actionOf = (event: ChangeEvent): string => event.detail.type.split('.')[1] ?? '';
const isSet = (value: unknown): boolean => typeof value === 'string' && value !== '';
const withoutObservedAt = (event: ChangeEvent) => ({
  ...event,
  time: '',
  detail: { ...event.detail, observedAt: '' },
});

/** First delivery of each event id, grouped by record, in delivery order. */
function distinctByRecord(world: World): Map<string, ChangeEvent[]> {
  const seen = new Map<string, ChangeEvent>();
  for (const event of world.publisher.events) {
    const first = seen.get(event.id);
    // Re-delivery after a failure: same id, same content (only observedAt, and time with it, may differ).
    if (first !== undefined) expect(withoutObservedAt(event)).toEqual(withoutObservedAt(first));
    else seen.set(event.id, event);
  }
  const byRecord = new Map<string, ChangeEvent[]>();
  for (const event of seen.values()) {
    const key = `${event.detail.resource}/${event.detail.recordId}`;
    byRecord.set(key, [...(byRecord.get(key) ?? []), event]);
  }
  return byRecord;
}

async function checkFinalState(world: World, byRecord: Map<string, ChangeEvent[]>): Promise<void> {
  for (const { stream, id } of world.created) {
    const events = byRecord.get(`${stream}/${id}`) ?? [];
    const final = world.cliniko.visible(stream, id);
    if (final === 'deleted') {
      const known = (await world.state.getRecordStates(ACCOUNT, stream, [id])).has(id);
      const hasFeed = STREAM_SET.find((s) => s.name === stream)?.deletedFeed !== undefined;
      if (hasFeed || known) expect(events.map(actionOf).at(-1)).toBe('deleted');
      continue;
    }
    if (final === undefined) throw new Error('every write is visible after the final polls');
    const last = events.at(-1);
    expect(last, `no event for live record ${stream}/${id}`).toBeDefined();
    expect(contentOf(last?.detail.data ?? {})).toBe(contentOf(final));
  }
}

function checkCursorsMoveForward(world: World): void {
  for (const name of NAMES) {
    const writes = world.cursorWrites.filter((w) => w.stream === name).map((w) => w.cursor);
    for (let i = 1; i < writes.length; i += 1) {
      expect((writes[i]?.watermark ?? '') >= (writes[i - 1]?.watermark ?? '')).toBe(true);
      expect((writes[i]?.deletedWatermark ?? '') >= (writes[i - 1]?.deletedWatermark ?? '')).toBe(true);
    }
  }
}

/** Without failures every event is a real change and every lifecycle transition has its own action. */
function checkTransitions(byRecord: Map<string, ChangeEvent[]>): void {
  for (const events of byRecord.values()) {
    expect(['created', 'archived', 'cancelled', 'deleted']).toContain(actionOf(events[0] as ChangeEvent));
    for (let i = 1; i < events.length; i += 1) {
      const action = actionOf(events[i] as ChangeEvent);
      if (action === 'deleted') continue;
      const before: Readonly<Record<string, unknown>> = events[i - 1]?.detail.data ?? {};
      const after: Readonly<Record<string, unknown>> = events[i]?.detail.data ?? {};
      expect(contentOf(after)).not.toBe(contentOf(before));
      const expected =
        !isSet(before.archived_at) && isSet(after.archived_at)
          ? 'archived'
          : isSet(before.archived_at) && !isSet(after.archived_at)
            ? 'restored'
            : !isSet(before.cancelled_at) && isSet(after.cancelled_at)
              ? 'cancelled'
              : 'updated';
      expect(action).toBe(expected);
    }
  }
}

describe('engine invariants over random histories', () => {
  it('without failures: every final version and every transition is reported once, nothing unchanged is', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(false), async (ops) => {
        const world = await runHistory(ops);
        const byRecord = distinctByRecord(world);
        await checkFinalState(world, byRecord);
        checkTransitions(byRecord);
        checkCursorsMoveForward(world);
        expect(world.publisher.events).toHaveLength([...byRecord.values()].flat().length);
      }),
      { numRuns: 200 },
    );
  });

  it('with failures at any step: nothing is lost, re-deliveries are identical, cursors never go back', async () => {
    await fc.assert(
      fc.asyncProperty(historyArb(true), async (ops) => {
        const world = await runHistory(ops);
        const byRecord = distinctByRecord(world);
        await checkFinalState(world, byRecord);
        checkCursorsMoveForward(world);
      }),
      { numRuns: 200 },
    );
  });
});

/** A record's content as the engine compares it: canonical JSON without `updated_at`. */
function contentOf(record: Readonly<Record<string, unknown>>): string {
  const { updated_at: _updatedAt, ...content } = record;
  return canonicalJson(content);
}
