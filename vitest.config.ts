/** @file Vitest settings: forked workers with --expose-gc (memory tests call globalThis.gc), generous timeouts for the example tests. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // vitest 4 moved execArgv from poolOptions.forks to test; test/autodiff/memory.test.ts needs gc()
    execArgv: ['--expose-gc'],
    // the example tests train small models for a few seconds; a busy 2-core CI machine needs headroom
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
