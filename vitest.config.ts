import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Runs alone, after every other file: it measures the web page's tasks (see the file). */
const ALONE = 'test/responsiveness.test.ts';

/**
 * The files that take half a minute or more here, the longest first. A clean clone (CI) has no
 * record of durations, and vitest would start the smallest files last: a long one among them.
 */
const SLOWEST = ['web', 'onnx-runtime', 'install', 'sizes', 'onnx-runtime-odd'].map((name) => `/test/${name}.test.ts`);
const slowRank = (file: TestSpecification): number => {
  const i = SLOWEST.findIndex((end) => file.moduleId.endsWith(end));
  return i < 0 ? SLOWEST.length : i;
};

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).sort((a, b) => slowRank(a) - slowRank(b));
  }
}

export default defineConfig({
  test: {
    // a temporary folder per run, removed at its end (TMPDIR for the workers and what they start)
    globalSetup: ['./test/helpers/temp-root.ts'],
    sequence: { sequencer: SlowestFirst },
    reporters: ['default', './test/reporters/plain-summary.ts'],
    // the golden and fuzz suites spawn processes and run thousands of cases
    testTimeout: 30_000,
    // vitest's default is a worker fewer than the cores: one on this project's 2-core machines.
    // Much of the run waits on processes the tests start (the CLI, npm, pre-commit, Chromium), so
    // two workers keep both cores busy (the run a fifth shorter here).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      { extends: true, test: { name: 'tests', include: ['test/**/*.test.ts'], exclude: [ALONE], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: [ALONE], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
