/**
 * Runs one chaos scenario end to end and judges it: play the workload, catch up with every fault
 * cleared, then apply the oracle (see oracle.ts) to what was delivered.
 */
import fc from 'fast-check';
import type { StateStore } from '../../shared/engine/ports.js';
import type { Quirk } from '../../simulator/index.js';
import type { ChaosPublisher } from './chaos-ports.js';
import { ChaosWorld } from './chaos-world.js';
import {
  checkCursors,
  checkDeletes,
  checkDeliveries,
  checkHistories,
  checkObservation,
  checkSequences,
  checkTransitions,
} from './oracle.js';
import { extraStreamsArb, type Op, quirksArb, scenarioArb } from './scenario.js';

export interface ScenarioOutcome {
  readonly violations: readonly string[];
  readonly events: number;
  readonly duplicates: number;
  /** Creates delivered by a crashed run for records deleted before any poll saw them (see oracle.ts). */
  readonly dangling: number;
  /** Same content re-emitted under a new id after a failed run (see oracle.ts, check 4). */
  readonly reemitted: number;
  /** History oddities a failed publish call explains (see oracle.ts, check 7). */
  readonly tolerated: number;
  readonly faults: Readonly<Record<string, number>>;
  /** The scenario's op-by-op log, filled only when it failed. */
  readonly trace: readonly string[];
}

export interface ScenarioInput {
  readonly simSeed: number;
  readonly ops: readonly Op[];
  /** Simulator quirks in force throughout. @default none */
  readonly quirks?: readonly Quirk[];
  /** Streams polled besides `CHAOS_STREAMS`. @default none */
  readonly extraStreams?: readonly string[];
  /** Poll as the adaptive loop does (planned rounds) instead of every stream every poll. @default false */
  readonly planned?: boolean;
}

/** The generated input of one scenario: simulator seed, quirks, further streams and workload. */
export const scenarioInputArb = (rounds: { min: number; max: number }): fc.Arbitrary<ScenarioInput> =>
  fc.record({
    simSeed: fc.integer({ min: 1, max: 1_000_000 }),
    quirks: quirksArb,
    extraStreams: extraStreamsArb,
    planned: fc.boolean(),
    ops: scenarioArb(rounds),
  });

export async function runScenario(
  input: ScenarioInput,
  account: string,
  state: StateStore,
  publisher?: ChaosPublisher,
): Promise<ScenarioOutcome> {
  const faults: Record<string, number> = {};
  const countFault = (kind: string) => {
    faults[kind] = (faults[kind] ?? 0) + 1;
  };
  for (const quirk of input.quirks ?? []) countFault(`quirk ${quirk}`);
  for (const stream of input.extraStreams ?? []) countFault(`stream ${stream}`);
  if (input.planned === true) countFault('planned-polling');
  const world = await ChaosWorld.start({
    simSeed: input.simSeed,
    quirks: input.quirks ?? [],
    extraStreams: input.extraStreams ?? [],
    planned: input.planned === true,
    account,
    state,
    countFault,
    ...(publisher ? { publisher } : {}),
  });
  try {
    await world.play(input.ops);
    const caughtUp = await world.catchUp();
    const stats = world.engineClient.stats;
    if (stats.rateLimited > 0) faults['client-saw-429'] = stats.rateLimited;
    if (stats.retries > stats.rateLimited)
      faults['client-retried-5xx-or-reset'] = stats.retries - stats.rateLimited;
    const verdict = await judge(world, caughtUp);
    return { ...verdict, faults, trace: verdict.violations.length > 0 ? world.log : [] };
  } finally {
    await world.close();
  }
}

async function judge(
  world: ChaosWorld,
  caughtUp: boolean,
): Promise<Omit<ScenarioOutcome, 'faults' | 'trace'>> {
  const delivered = world.publisher.delivered;
  const violations = [...world.violations];
  if (!caughtUp) violations.push('the bridge did not catch up within 6 clean polls after the faults stopped');
  const observedIds = new Set<string>();
  for (const stream of world.streams) {
    const points = world.observations.filter((o) => o.stream === stream.name);
    for (const [i, point] of points.entries()) {
      for (const id of point.records.keys()) observedIds.add(`${stream.name}/${id}`);
      // Only the last point (the catch-up) holds quiet restores to account; see oracle.ts check 2.
      const final = i === points.length - 1;
      violations.push(...checkObservation(delivered, point, final));
      const previous = points[i - 1];
      if (previous !== undefined) violations.push(...checkTransitions(delivered, previous, point, final));
    }
  }
  const deletes = checkDeletes(delivered, await world.deletes(), observedIds);
  const histories = checkHistories(
    delivered,
    world.publisher.attempted,
    world.createdAfterStart(),
    world.unconfirmed,
    world.stagedArchives,
  );
  const deliveries = checkDeliveries(delivered, world.unconfirmed, histories.explained);
  violations.push(
    ...deletes.problems,
    ...deliveries.problems,
    ...histories.problems,
    ...checkCursors(world.state.cursorWrites),
    ...checkSequences(delivered),
  );
  return {
    violations: [...new Set(violations)],
    events: delivered.length,
    duplicates: deliveries.duplicates,
    dangling: deletes.dangling,
    reemitted: deliveries.reemitted,
    tolerated: histories.tolerated,
  };
}
