/**
 * The chaos suite as vitest tests: one test per seeded scenario (fast-check with a fixed seed, one
 * run, shrunk on failure), split into shards so two test files can use two cores. Each shard writes
 * its tallies to `<results dir>/shard-<n>.json`; `scripts/chaos.ts` merges them and prints the summary.
 *
 * Settings come from the environment (the runner script sets them from its flags):
 * CHAOS_SEEDS (scenarios, default 200), CHAOS_BASE_SEED, CHAOS_SEED + CHAOS_PATH (replay one
 * scenario), CHAOS_ROUNDS (most write/poll rounds per scenario), CHAOS_RESULTS_DIR.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateStore } from '../../shared/engine/ports.js';
import { DynamoDbStateStore } from '../../shared/state/dynamodb-state-store.js';
import { type LocalStateTable, startLocalStateTable } from '../support/dynalite.js';
import { InMemoryStateStore } from '../support/memory-state-store.js';
import { runScenario, type ScenarioInput, type ScenarioOutcome, scenarioInputArb } from './run-scenario.js';

export const DEFAULT_BASE_SEED = 20_261_129;
const env = process.env;
const count = (value: string | undefined, fallback: number) =>
  value !== undefined && /^\d+$/.test(value) ? Number(value) : fallback;

interface Failure {
  readonly seed: number;
  readonly path: string | undefined;
  readonly violations: readonly string[];
  readonly scenario: ScenarioInput | undefined;
  readonly replay: string;
}

export interface ShardResult {
  scenarios: number;
  passed: number;
  failed: number;
  events: number;
  duplicates: number;
  dangling: number;
  reemitted: number;
  tolerated: number;
  faults: Record<string, number>;
  violations: number;
  failures: Failure[];
  storeKinds: Record<string, number>;
}

/** Which seeds this shard runs: every `shards`-th of base..base+N, or the one being replayed. */
function seedsFor(shard: number, shards: number): number[] {
  if (env.CHAOS_SEED !== undefined) return shard === 0 ? [count(env.CHAOS_SEED, DEFAULT_BASE_SEED)] : [];
  const base = count(env.CHAOS_BASE_SEED, DEFAULT_BASE_SEED);
  const total = count(env.CHAOS_SEEDS, 200);
  const seeds: number[] = [];
  for (let i = shard; i < total; i += shards) seeds.push(base + i);
  return seeds;
}

export function defineChaosSuite(shard: number, shards: number): void {
  const seeds = seedsFor(shard, shards);
  const rounds = { min: 2, max: count(env.CHAOS_ROUNDS, 30) };
  const shrinkMs = count(env.CHAOS_SHRINK_MS, 60_000);
  const result: ShardResult = {
    scenarios: 0,
    passed: 0,
    failed: 0,
    events: 0,
    duplicates: 0,
    dangling: 0,
    reemitted: 0,
    tolerated: 0,
    faults: {},
    violations: 0,
    failures: [],
    storeKinds: {},
  };
  let table: LocalStateTable;
  let accounts = 0;

  beforeAll(async () => {
    table = await startLocalStateTable();
  });

  afterAll(async () => {
    await table?.close();
    const dir = env.CHAOS_RESULTS_DIR ?? '.chaos';
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `shard-${shard}.json`), `${JSON.stringify(result, null, 2)}\n`);
  });

  const tally = (outcome: ScenarioOutcome) => {
    result.events += outcome.events;
    result.duplicates += outcome.duplicates;
    result.dangling += outcome.dangling;
    result.reemitted += outcome.reemitted;
    result.tolerated += outcome.tolerated;
    for (const [kind, n] of Object.entries(outcome.faults))
      result.faults[kind] = (result.faults[kind] ?? 0) + n;
  };

  describe(`chaos shard ${shard + 1} of ${shards}`, () => {
    for (const seed of seeds) {
      it(`loses and misreports no change under faults (seed ${seed})`, async () => {
        // Half the scenarios use dynalite over the DynamoDB protocol, half the in-memory store (faster).
        const dynamo = seed % 4 < 2;
        const kind = dynamo ? 'dynalite' : 'memory';
        result.storeKinds[kind] = (result.storeKinds[kind] ?? 0) + 1;
        let first = true;
        let lastViolations: readonly string[] = [];
        let lastTrace: readonly string[] = [];
        const property = fc.asyncProperty(scenarioInputArb(rounds), async (input) => {
          accounts += 1;
          const state: StateStore = dynamo
            ? new DynamoDbStateStore({ client: table.client, tableName: table.tableName })
            : new InMemoryStateStore();
          const outcome = await runScenario(input, `chaos-${seed}-${accounts}`, state);
          if (first) tally(outcome);
          first = false;
          if (outcome.violations.length > 0) {
            lastViolations = outcome.violations;
            lastTrace = outcome.trace;
            throw new Error(outcome.violations.join('\n'));
          }
        });
        const path = env.CHAOS_SEED !== undefined ? env.CHAOS_PATH : undefined;
        const run = await fc.check(property, {
          seed,
          numRuns: 1,
          ...(path ? { path } : {}),
          interruptAfterTimeLimit: shrinkMs,
          // A replay reproduces the reported failure as it is; shrinking it again only costs time.
          endOnFailure: path !== undefined,
        });
        result.scenarios += 1;
        if (!run.failed) {
          result.passed += 1;
          return;
        }
        result.failed += 1;
        result.violations += lastViolations.length;
        const failurePath = run.counterexamplePath ?? undefined;
        const failure: Failure = {
          seed,
          path: failurePath,
          violations: lastViolations,
          scenario: run.counterexample?.[0],
          replay: `npm run test:chaos -- --seed ${seed}${failurePath ? ` --path ${failurePath}` : ''}`,
        };
        result.failures.push(failure);
        const dir = env.CHAOS_RESULTS_DIR ?? '.chaos';
        mkdirSync(dir, { recursive: true });
        writeFileSync(
          join(dir, `failure-${seed}.log`),
          `${[...lastViolations, '', ...lastTrace].join('\n')}\n`,
        );
        expect.fail(
          [
            `seed ${seed} lost or misreported a change:`,
            ...lastViolations.map((v) => `  - ${v}`),
            `shrunk scenario: ${JSON.stringify(failure.scenario)}`,
            `replay: ${failure.replay}`,
          ].join('\n'),
        );
      });
    }
  });
}
