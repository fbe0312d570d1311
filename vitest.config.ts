import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships ESM (`module`) and CJS (`main`) without an exports map: Vite would pick the ESM build for
    // our files while Node loads the CJS one for Pothos and Yoga, and two instances break `instanceof` checks
    // (printSchema on our schema, `GraphQLError` in maskError). One instance, the one Node picks.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Every test file starts its own simulators on free loopback ports, so files run in parallel safely.
    pool: 'forks',
  },
});
