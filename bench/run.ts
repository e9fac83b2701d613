/**
 * `npm run bench [-- --quick] [-- --only fleet|adaptive|cost]`: runs the nine benchmarks one after
 * another in one run (ratios are only comparable within a run on a shared machine), writes
 * `bench/results/latest.json` and prints a table of targets vs measurements. `--quick` uses small
 * sizes and short windows (under two minutes) to check the harness end to end; its numbers are
 * indicative only. See bench/README.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { measureAdaptiveLatency } from './adaptive-latency.js';
import { measureBackfill } from './backfill-ceiling.js';
import { adaptiveIdleCost, costModel } from './cost-model.js';
import { measureEngineCost } from './engine-cost.js';
import { measureFleet } from './fleet.js';
import { exampleStackConfig, fleetCost, stackCounts } from './fleet-cost.js';
import { type IdleResult, measureIdle } from './idle-cost.js';
import { type LatencyResult, measureLatency } from './latency.js';
import { measureMemory } from './memory.js';
import { measureNaive } from './naive-peer.js';
import { adaptiveRows, costRows, fleetRows, type Row, rows, table } from './targets.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const quick = values.quick ?? false;
const ONLY = ['fleet', 'adaptive', 'cost'];
if (values.only !== undefined && !ONLY.includes(values.only)) {
  process.stderr.write(
    `--only takes "fleet", "adaptive" or "cost" (the benchmarks of absolute figures), not "${values.only}".\n`,
  );
  process.exit(2);
}

const PROFILES = {
  quick: {
    engine: { pagesPerStream: 3, minCpuMs: 200, rounds: 2 },
    backfill: { patients: 1500, appointments: 1500, rateLimitPerMinute: 200 },
    idlePolls: 5,
    latency: { intervalSeconds: 5, durationSeconds: 20, churnPerMinute: 120 },
    adaptive: {
      churnSeconds: 60,
      burstPerMinute: 20,
      lullPerMinute: 4,
      phaseSeconds: 20,
      silenceSeconds: 120,
      quietAccounts: 4,
      invocationSeconds: 90,
    },
    memory: { small: 2_000, large: 10_000 },
    naive: { intervals: 3, intervalSeconds: 60, churnPerInterval: 600 },
    fleet: {
      accounts: 50,
      intervalSeconds: 60,
      durationSeconds: 120,
      churnPerMinute: 50,
      concurrency: 100,
      patientsPerAccount: 10,
      appointmentsPerAccount: 20,
    },
  },
  full: {
    engine: { pagesPerStream: 10, minCpuMs: 1000, rounds: 3 },
    backfill: { patients: 15_000, appointments: 15_000, rateLimitPerMinute: 200 },
    idlePolls: 10,
    latency: { intervalSeconds: 30, durationSeconds: 180, churnPerMinute: 120 },
    // Opening hours: 2 minutes of bursts (12 changes a minute), 2 of lulls (3), for 15 minutes; the
    // quiet accounts stay silent for an hour; loops of a 15-minute invocation.
    adaptive: {
      churnSeconds: 900,
      burstPerMinute: 12,
      lullPerMinute: 3,
      phaseSeconds: 120,
      silenceSeconds: 3600,
      quietAccounts: 20,
      invocationSeconds: 900,
    },
    memory: { small: 10_000, large: 100_000 },
    naive: { intervals: 10, intervalSeconds: 60, churnPerInterval: 600 },
    fleet: {
      accounts: 500,
      intervalSeconds: 60,
      durationSeconds: 300,
      churnPerMinute: 250,
      concurrency: 100,
      patientsPerAccount: 20,
      appointmentsPerAccount: 40,
    },
  },
} as const;
const profile = quick ? PROFILES.quick : PROFILES.full;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
async function phase<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  log(`${name} …`);
  const result = await run();
  log(`${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

const runStarted = Date.now();
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 1024 ** 3),
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  node: process.version,
  loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
};

const path = new URL('./results/latest.json', import.meta.url);
/** When and where a figure was measured. */
const stamp = { profile: quick ? 'quick' : 'full', timestamp: new Date(runStarted).toISOString(), machine };
const partial: Record<string, unknown> = { ...stamp };
/** Saves each phase as it finishes, so a run stopped part-way still leaves its numbers. */
async function keep<T>(name: string, value: T): Promise<T> {
  partial[name] = value;
  await writeFile(path, `${JSON.stringify({ ...partial, incomplete: true }, null, 2)}\n`);
  return value;
}

async function measureFleetWithCost() {
  const fleet = await phase('8 fleet', () => measureFleet(profile.fleet, log));
  return { fleet, fleetCost: fleetCost(fleet, stackCounts(exampleStackConfig())) };
}

async function measureAdaptiveWithCost() {
  const adaptive = await phase('9 adaptive latency', () => measureAdaptiveLatency(profile.adaptive));
  return { adaptive, adaptiveCost: adaptiveIdleCost(adaptive, 10) };
}

/**
 * `--only fleet|adaptive|cost`: absolute figures, not ratios, so one benchmark's run is recorded
 * beside an earlier full run's numbers: its keys replaced, merged one level deep (`latency` holds
 * the adaptive figures and the fixed-interval run of benchmark 4 beside them), its cost figures
 * merged.
 */
async function recordAlone(
  measured: Readonly<Record<string, object>>,
  cost: object,
  rowsOf: Row[],
): Promise<never> {
  const earlier = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = {
    ...earlier,
    cost: { ...((earlier.cost as object | undefined) ?? {}), ...cost },
  };
  for (const [key, value] of Object.entries(measured)) {
    merged[key] = { ...((earlier[key] as object | undefined) ?? {}), ...value };
  }
  await writeFile(path, `${JSON.stringify(merged, null, 2)}\n`);
  process.stdout.write(`\n${table(rowsOf)}\n\nResults: bench/results/latest.json (${values.only} only)\n`);
  process.exit(0);
}

if (values.only === 'adaptive') {
  const { adaptive, adaptiveCost } = await measureAdaptiveWithCost();
  await recordAlone(
    { latency: { ...adaptive, ...stamp } },
    { adaptive: adaptiveCost, usdPerIdleAccountMonth: adaptiveCost.usdPerIdleAccountMonth },
    adaptiveRows(adaptive, adaptiveCost),
  );
}

if (values.only === 'fleet') {
  const { fleet, fleetCost: costOfFleet } = await measureFleetWithCost();
  await recordAlone(
    { fleet: { ...fleet, ...stamp } },
    { fleet: costOfFleet, usdPerAccountMonth: costOfFleet.usdPerAccountMonth },
    fleetRows(fleet, costOfFleet),
  );
}

/** Benchmark 4 on the default streams, then on every stream: the cost model's inputs. */
async function measureFixedInterval() {
  const core = await phase('4 detection latency, default streams', () =>
    measureLatency({ ...profile.latency, streams: 'core' }),
  );
  const all = await phase('4 detection latency, every stream', () =>
    measureLatency({ ...profile.latency, streams: 'all' }),
  );
  return { core, all };
}

/** The cost model on the default streams, with every stream's figure beside it. */
function costOf(latency: { core: LatencyResult; all: LatencyResult }, idle: IdleResult) {
  return { ...costModel(latency.core, idle), allStreams: costModel(latency.all, idle) };
}

if (values.only === 'cost') {
  const idle = await phase('3 idle cost', () => measureIdle(profile.idlePolls));
  const latency = await measureFixedInterval();
  const cost = costOf(latency, idle);
  await recordAlone(
    {
      idle: { ...idle, ...stamp },
      latency: {
        fixedInterval: { ...latency.core, ...stamp },
        fixedIntervalAllStreams: { ...latency.all, ...stamp },
      },
    },
    cost,
    costRows(cost),
  );
}

const engine = await keep(
  'engine',
  await phase('1 engine CPU cost', () => measureEngineCost(profile.engine)),
);
const backfill = await keep(
  'backfill',
  await phase('2 backfill at the rate-limit ceiling', () => measureBackfill(profile.backfill)),
);
const idle = await keep('idle', await phase('3 idle cost', () => measureIdle(profile.idlePolls)));
const fixedInterval = await keep('latency', await measureFixedInterval());
const latency = fixedInterval.core;
const memory = await keep(
  'memory',
  await phase('5 memory', () => measureMemory(profile.memory.small, profile.memory.large)),
);
const naive = await keep('naive', await phase('6 naive peer', () => measureNaive(profile.naive)));
const { fleet, fleetCost: costOfFleet } = await keep('fleet', await measureFleetWithCost());
const { adaptive, adaptiveCost } = await keep('adaptive', await measureAdaptiveWithCost());
const cost = {
  ...costOf(fixedInterval, idle),
  fleet: costOfFleet,
  usdPerAccountMonth: costOfFleet.usdPerAccountMonth,
  adaptive: adaptiveCost,
  usdPerIdleAccountMonth: adaptiveCost.usdPerIdleAccountMonth,
};

const results = {
  profile: quick ? 'quick' : 'full',
  timestamp: new Date(runStarted).toISOString(),
  durationSeconds: Math.round((Date.now() - runStarted) / 1000),
  machine,
  engine,
  backfill,
  idle,
  // Latency as a user sees it: the adaptive loop (benchmark 9); the fixed 30 s schedule beside it.
  latency: { ...adaptive, fixedInterval: latency, fixedIntervalAllStreams: fixedInterval.all },
  memory: {
    rss10kMb: memory.small.peakRssMb,
    rss100kMb: memory.large.peakRssMb,
    ratio: memory.ratio,
    smallRecords: memory.smallRecords,
    largeRecords: memory.largeRecords,
    small: memory.small,
    large: memory.large,
  },
  naive,
  fleet,
  cost,
};
const list = [
  ...rows({ ...results, latency }),
  ...fleetRows(fleet, costOfFleet),
  ...adaptiveRows(adaptive, adaptiveCost),
];
const output = { ...results, targets: list };
await writeFile(path, `${JSON.stringify(output, null, 2)}\n`);

process.stdout.write(
  `\nCliniko Change Bridge benchmarks (${results.profile}${quick ? ': small sizes, indicative only' : ''}), ${results.timestamp}\n` +
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}\n\n${table(list)}\n\n` +
    `Results: bench/results/latest.json (${results.durationSeconds} s)\n`,
);
