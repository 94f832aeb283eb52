/** @file Vitest settings: test files run in forked workers started with --expose-gc (memory tests call globalThis.gc). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // vitest 4 moved execArgv from poolOptions.forks to test; test/autodiff/memory.test.ts needs gc()
    execArgv: ['--expose-gc'],
  },
});
