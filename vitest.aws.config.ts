import { defineConfig } from 'vitest/config';

/** The test:aws tier: run through `scripts/test-aws.sh`, which starts moto and sets AWS_ENDPOINT_URL. */
export default defineConfig({
  test: {
    include: ['test/aws/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
