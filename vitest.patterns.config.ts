import { defineConfig } from 'vitest/config';

/**
 * The test:patterns tier: EventBridge rule patterns checked with AWS Event Ruler (Java 17 + Maven;
 * see test/support/event-patterns.ts). Kept out of `npm test`, which needs only Node and npm.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.patterns.test.ts'],
    globalSetup: ['test/support/event-ruler-jar.setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
