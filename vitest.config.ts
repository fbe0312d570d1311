import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Every test file starts its own simulators on free loopback ports, so files run in parallel safely.
    pool: 'forks',
  },
});
