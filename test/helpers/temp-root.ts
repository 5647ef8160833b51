// Vitest's global setup: every test run gets a temporary folder of its own, handed to the test
// workers (and every process they start) as TMPDIR, and removed when the run ends. So the files
// and folders the tests create in the temporary directory never outlive the run, whichever test
// made them and however it ended.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  // vitest calls it once for each project of the run (vitest.config.ts): the first makes the folder
  if (process.env['RESNET_SHAPES_TEST_ROOT']) return () => {};
  const root = mkdtempSync(join(tmpdir(), 'resnet-shapes-tests-'));
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = root;
  process.env['RESNET_SHAPES_TEST_ROOT'] = root;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    delete process.env['RESNET_SHAPES_TEST_ROOT'];
    rmSync(root, { recursive: true, force: true });
  };
}
