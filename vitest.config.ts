import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/reporters/plain-summary.ts'],
    // the golden and fuzz suites spawn processes and run thousands of cases
    testTimeout: 30_000,
  },
});
