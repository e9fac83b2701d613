/**
 * A chaos scenario as data: a seeded random workload of Cliniko writes interleaved with poll runs
 * that suffer faults. fast-check generates and shrinks these; `chaos-world.ts` plays them.
 */
import fc from 'fast-check';
import { STREAM_NAMES } from '../../shared/streams.js';
import { QUIRKS, type Quirk } from '../../simulator/index.js';
import type { PortFaults, StateOp, Timing } from './chaos-ports.js';

/**
 * The streams every chaos run polls, written through Cliniko's own API: one with a legacy `/deleted`
 * feed and archives, one with cancellations, one whose deletes leave a `deleted_at`.
 */
export const CHAOS_STREAMS = ['patients', 'individual_appointments', 'contacts'] as const;
export type ChaosStream = (typeof CHAOS_STREAMS)[number];

/** The rest of the registry: a few are drawn per scenario and written through the test backdoor. */
export const EXTRA_STREAMS: readonly string[] = STREAM_NAMES.filter(
  (name) => !(CHAOS_STREAMS as readonly string[]).includes(name),
);

/** The simulator quirks (documented readings of the real API) a scenario runs under. */
export const quirksArb: fc.Arbitrary<readonly Quirk[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(QUIRKS) },
  { weight: 3, arbitrary: fc.subarray([...QUIRKS]) },
);

/** Up to three further streams, drawn from the whole registry. */
export const extraStreamsArb: fc.Arbitrary<readonly string[]> = fc.subarray([...EXTRA_STREAMS], {
  maxLength: 3,
});

/** Records per request: tiny, so a burst in one second is larger than a page. */
export const CHAOS_PAGE_SIZE = 5;

export interface SimFaults {
  readonly error5xxRate?: number;
  readonly rateLimitBurst?: number;
  readonly latencyMs?: number;
  readonly malformedRate?: number;
  readonly resetRate?: number;
}

export interface PollPlan {
  readonly sim: SimFaults;
  readonly ports: PortFaults;
  /** Two runs at once on the same account: one must skip cleanly. */
  readonly overlapping: boolean;
  /**
   * The run stalls inside its `nth` record-state write until its lease has expired and another
   * run has done the work; then the stalled write goes through (or is refused) and it wakes up.
   */
  readonly stall?: { readonly nth: number };
  /** The engine's clock is this far off the simulator's `Date` headers (seconds) for this poll. */
  readonly skewSeconds?: number;
  /** The run must stop this many real milliseconds after it started (its deadline). */
  readonly cutAfterMs?: number;
  /** Requests the id listings may take in this run (a listing cut short resumes later). */
  readonly reconcileBudget?: number;
}

export type Op =
  | { readonly kind: 'create'; readonly stream: 'patients' | 'contacts'; readonly count: number }
  /** `times` edits of one record without the clock moving: they share one `updated_at` second. */
  | { readonly kind: 'update'; readonly stream: ChaosStream; readonly pick: number; readonly times: number }
  /** Creates and edits in one second, more than a page of them. */
  | { readonly kind: 'burst'; readonly stream: 'patients' | 'contacts'; readonly size: number }
  | { readonly kind: 'archive' | 'unarchive' | 'delete'; readonly stream: ChaosStream; readonly pick: number }
  | { readonly kind: 'cancel'; readonly pick: number }
  /** Writes to the scenario's `extra`-th further stream (modulo how many it drew), via the backdoor. */
  | { readonly kind: 'plant'; readonly extra: number; readonly count: number }
  | { readonly kind: 'edit'; readonly extra: number; readonly pick: number }
  /**
   * A lifecycle change of a further stream's record, moving `updated_at` or not (`touch`): `delete`
   * leaves a `deleted_at` where the resource has one, `vanish` leaves no trace.
   */
  | {
      readonly kind: 'flip';
      readonly extra: number;
      readonly pick: number;
      readonly change: 'archive' | 'unarchive' | 'delete' | 'vanish';
      readonly touch: boolean;
    }
  /** The simulator's own seeded background changes (reschedules, merges, new bookings, deletes…). */
  | { readonly kind: 'churn'; readonly steps: number }
  | { readonly kind: 'advance'; readonly seconds: number }
  /** From now until the next poll, writes become visible only `ms` (real time) after they commit. */
  | { readonly kind: 'late'; readonly ms: number }
  /** Every PutEvents (or webhook delivery) fails for the next `polls` polls: the sink is down. */
  | { readonly kind: 'outage'; readonly polls: number }
  | { readonly kind: 'poll'; readonly plan: PollPlan };

/** Often one of the first few records, so the same record is edited, archived and restored again. */
const pickArb = fc.oneof(fc.nat(2), fc.nat(1000));

const streamArb = fc.constantFrom<ChaosStream>(...CHAOS_STREAMS);
const creatable = fc.constantFrom<'patients' | 'contacts'>('patients', 'contacts');

const writeArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('create'),
      stream: creatable,
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('update'),
      stream: streamArb,
      pick: pickArb,
      times: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('burst'),
      stream: creatable,
      size: fc.integer({ min: CHAOS_PAGE_SIZE + 1, max: 2 * CHAOS_PAGE_SIZE + 2 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constantFrom('archive', 'unarchive', 'delete'),
      stream: streamArb,
      pick: pickArb,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel'), pick: pickArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('churn'), steps: fc.integer({ min: 1, max: 8 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('plant'),
      extra: fc.nat(2),
      count: fc.integer({ min: 1, max: 3 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit'), extra: fc.nat(2), pick: pickArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('flip'),
      extra: fc.nat(2),
      pick: pickArb,
      change: fc.constantFrom('archive', 'archive', 'unarchive', 'delete', 'vanish'),
      touch: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance'), seconds: fc.constantFrom(0, 1, 1, 2, 5, 12, 40) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('late'), ms: fc.integer({ min: 20, max: 120 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('outage'), polls: fc.integer({ min: 2, max: 5 }) }) },
) as fc.Arbitrary<Op>;

const rate = fc.constantFrom(0, 0, 0.1, 0.25);

const simFaultsArb: fc.Arbitrary<SimFaults> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({}) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        error5xxRate: rate,
        rateLimitBurst: fc.integer({ min: 1, max: 6 }),
        // Slow responses too, so a deadline can fall while a request is in flight.
        latencyMs: fc.constantFrom(1, 2, 4, 15, 40),
        malformedRate: fc.constantFrom(0.05, 0.15),
        resetRate: rate,
      },
      { requiredKeys: [] },
    ),
  },
);

const timing = fc.constantFrom<Timing>('before', 'after');
const stateOps: StateOp[] = [
  'getCursor',
  'putCursor',
  'acquireLease',
  'renewLease',
  'getRecordStates',
  'putRecordStates',
];

const portFaultsArb: fc.Arbitrary<PortFaults> = fc.record(
  {
    state: fc.record({ op: fc.constantFrom(...stateOps), nth: fc.integer({ min: 1, max: 4 }), when: timing }),
    publish: fc.record({
      nth: fc.integer({ min: 1, max: 3 }),
      mode: fc.oneof(
        fc.constantFrom<'call' | 'after'>('call', 'after'),
        fc.record({ entries: fc.integer({ min: 1, max: 4 }) }),
      ),
    }),
    crash: fc.record({ step: fc.integer({ min: 1, max: 30 }), when: timing }),
  },
  { requiredKeys: [] },
);

/**
 * At most one of the heavier faults per poll, most polls none. A stalled writer weighs most: it
 * catches a defect only when its late write lands over a record changed meanwhile, so CI's 200
 * seeds need it in a good share of scenarios.
 */
const extraArb = fc.oneof(
  { weight: 8, arbitrary: fc.constant({}) },
  { weight: 4, arbitrary: fc.record({ stall: fc.record({ nth: fc.integer({ min: 1, max: 4 }) }) }) },
  { weight: 1, arbitrary: fc.record({ skewSeconds: fc.constantFrom(-7200, -900, 900, 86_400) }) },
  { weight: 1, arbitrary: fc.record({ cutAfterMs: fc.integer({ min: 5, max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ reconcileBudget: fc.integer({ min: 1, max: 2 }) }) },
);

const pollArb: fc.Arbitrary<Op> = fc
  .record({
    sim: simFaultsArb,
    ports: fc.oneof(
      { weight: 1, arbitrary: fc.constant<PortFaults>({}) },
      { weight: 2, arbitrary: portFaultsArb },
    ),
    overlapping: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
    extra: extraArb,
  })
  .map(({ extra, ...plan }): Op => ({ kind: 'poll', plan: { ...plan, ...extra } }));

/** Rounds of a few writes followed by a poll; shrinking removes rounds, writes and faults. */
export const scenarioArb = (rounds: { min: number; max: number }): fc.Arbitrary<Op[]> =>
  fc
    .array(fc.tuple(fc.array(writeArb, { minLength: 1, maxLength: 6 }), pollArb), {
      minLength: rounds.min,
      maxLength: rounds.max,
    })
    .map((list) => list.flatMap(([writes, poll]) => [...writes, poll]));

/** Kinds of the heavier per-poll faults of a plan, for the summary. */
export function pollFaultKinds(plan: PollPlan): string[] {
  return [
    ...(plan.skewSeconds ? ['date-skew'] : []),
    ...(plan.cutAfterMs ? ['deadline-cut'] : []),
    ...(plan.reconcileBudget ? ['reconcile-budget'] : []),
  ];
}

/** Short, stable text for a fault kind, used as a key of the summary's `faults` counts. */
export function simFaultKinds(faults: SimFaults): string[] {
  return Object.entries(faults)
    .filter(([, value]) => typeof value === 'number' && value > 0)
    .map(([key]) => key);
}
