/**
 * `npm run test:chaos [-- --seeds N] [-- --seed S [--path P]] [--base-seed B] [--rounds R]`
 *
 * Runs the chaos tier (vitest with vitest.chaos.config.ts): N seeded fault scenarios (default 200)
 * from a fixed base seed, so every run is reproducible; `--seed S --path P` replays one scenario
 * exactly as a failure report printed it. Merges the shards' tallies into `.chaos/chaos-results.json`,
 * prints `N passed, M failed` as its last line and exits non-zero when any scenario failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ShardResult } from '../test/chaos/chaos-suite.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS_DIR = join(ROOT, '.chaos');
const DEFAULT_BASE_SEED = 20_261_129;
const REPORT_FILE = join(RESULTS_DIR, 'vitest-report.json');

function usage(message: string): never {
  process.stderr.write(
    `${message}\nUsage: npm run test:chaos -- [--seeds N] [--base-seed B] [--rounds R] [--seed S [--path P]]\n`,
  );
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  const known = new Set(['--seeds', '--seed', '--path', '--base-seed', '--rounds']);
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i] ?? '';
    const value = argv[i + 1];
    if (!known.has(flag)) usage(`Unknown option ${flag}.`);
    if (value === undefined || value.startsWith('--')) usage(`${flag} needs a value.`);
    if (flag !== '--path' && !/^\d+$/.test(value)) usage(`${flag} must be a whole number, got "${value}".`);
    if (flag === '--path' && !/^\d+(:\d+)*$/.test(value))
      usage(`--path must look like 0:3:1, got "${value}".`);
    flags[flag.slice(2)] = value;
  }
  if (flags.path !== undefined && flags.seed === undefined)
    usage('--path replays a failure and needs its --seed.');
  return flags;
}

const flags = parseArgs(process.argv.slice(2));
const baseSeed = Number(flags['base-seed'] ?? DEFAULT_BASE_SEED);
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  CHAOS_RESULTS_DIR: RESULTS_DIR,
  CHAOS_BASE_SEED: String(baseSeed),
  CHAOS_SEEDS: flags.seeds ?? process.env.CHAOS_SEEDS ?? '200',
};
if (flags.seed !== undefined) env.CHAOS_SEED = flags.seed;
if (flags.path !== undefined) env.CHAOS_PATH = flags.path;
if (flags.rounds !== undefined) env.CHAOS_ROUNDS = flags.rounds;

process.stdout.write(
  flags.seed === undefined
    ? `chaos: ${env.CHAOS_SEEDS} scenarios from base seed ${baseSeed}\n`
    : `chaos: replaying seed ${flags.seed}${flags.path ? ` at path ${flags.path}` : ''}\n`,
);
mkdirSync(RESULTS_DIR, { recursive: true });
for (const file of ['shard-0.json', 'shard-1.json', 'vitest-report.json']) {
  rmSync(join(RESULTS_DIR, file), { force: true });
}

const started = Date.now();
const vitest = spawnSync(
  process.execPath,
  [
    join(ROOT, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--config',
    'vitest.chaos.config.ts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${REPORT_FILE}`,
    // A replay runs in the first shard only; a full run also runs the oracle's own tests and the
    // fixed regression scenarios.
    ...(flags.seed === undefined ? ['test/chaos/'] : ['test/chaos/chaos-shard-1']),
  ],
  { cwd: ROOT, env, stdio: 'inherit' },
);
const durationMs = Date.now() - started;

const shards: ShardResult[] = [0, 1]
  .map((shard) => join(RESULTS_DIR, `shard-${shard}.json`))
  .filter((file) => existsSync(file))
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as ShardResult);
const sum = (pick: (s: ShardResult) => number) => shards.reduce((total, s) => total + pick(s), 0);
const merge = (pick: (s: ShardResult) => Record<string, number>) => {
  const out: Record<string, number> = {};
  for (const shard of shards) for (const [k, n] of Object.entries(pick(shard))) out[k] = (out[k] ?? 0) + n;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
};
const summary = {
  scenarios: sum((s) => s.scenarios),
  passed: sum((s) => s.passed),
  failed: sum((s) => s.failed),
  events: sum((s) => s.events),
  faults: merge((s) => s.faults),
  duplicates: sum((s) => s.duplicates),
  danglingCreates: sum((s) => s.dangling),
  reemittedAfterCrash: sum((s) => s.reemitted),
  restoresOfUndeliveredArchives: sum((s) => s.tolerated),
  violations: sum((s) => s.violations),
  stores: merge((s) => s.storeKinds),
  failures: shards.flatMap((s) => s.failures),
  seed: flags.seed === undefined ? baseSeed : Number(flags.seed),
  durationMs,
};
const resultsFile = join(RESULTS_DIR, 'chaos-results.json');
writeFileSync(resultsFile, `${JSON.stringify(summary, null, 2)}\n`);

// Counts every chaos test (scenarios, oracle checks, regressions) as vitest saw it; a scenario that
// never reported (crash, timeout) counts as failed.
const tests = existsSync(REPORT_FILE)
  ? (JSON.parse(readFileSync(REPORT_FILE, 'utf8')) as { numPassedTests: number; numFailedTests: number })
  : { numPassedTests: summary.passed, numFailedTests: summary.failed };
const expected = flags.seed === undefined ? Number(env.CHAOS_SEEDS) : 1;
const missing = Math.max(0, expected - summary.scenarios);
const passed = tests.numPassedTests;
const failed = tests.numFailedTests + missing;
process.stdout.write(`\nchaos summary written to ${resultsFile}\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0);
