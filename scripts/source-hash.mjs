// A hash of everything the bundles are built from, so a test can tell a stale dist/ from a
// fresh one: `npm run build` writes it to dist/source-hash.txt.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const INPUTS = ['src', 'configs/presets', 'configs/schemas', 'package.json', 'package-lock.json', 'scripts/build.mjs'];

function files(path) {
  return statSync(path).isDirectory() ? readdirSync(path).sort().flatMap((f) => files(join(path, f))) : [path];
}

/** sha256 over the inputs' paths and bytes, relative to `root`. */
export function sourceHash(root) {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(join(root, input))) hash.update(`${relative(root, file)}\0`).update(readFileSync(file));
  }
  return hash.digest('hex');
}
