import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // a temporary folder per run, removed at its end (TMPDIR for the workers and what they start)
    globalSetup: ['./test/helpers/temp-root.ts'],
    reporters: ['default', './test/reporters/plain-summary.ts'],
    // the golden and fuzz suites spawn processes and run thousands of cases
    testTimeout: 30_000,
  },
});
