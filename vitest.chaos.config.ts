/**
 * The chaos tier (`npm run test:chaos`, see scripts/chaos.ts): randomized fault scenarios checked
 * against the simulator's changelog. Two shard files run in parallel, one per core.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    // A failing scenario is shrunk (bounded by CHAOS_SHRINK_MS) inside its test.
    testTimeout: 600_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
