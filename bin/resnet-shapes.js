#!/usr/bin/env node
// Runs the CLI bundle dist/cli.cjs: CommonJS, which starts faster than ESM, compiled from
// V8's code cache (dist/cli.cjs.cache) when the cache matches this Node; with no cache, or
// one from another V8, it compiles as usual. Loading it through vm rather than `import`
// skips the ESM loader's CommonJS translation, a visible share of a run. `npm run build`
// writes the cache by running the CLI once with RESNET_SHAPES_WRITE_CACHE=1.
// Builtins come through require: an ESM import of one snapshots all its exports, which loads
// modules (fs streams, source maps) the CLI never uses.
const builtin = process.getBuiltinModule ?? null;
const { createRequire } = builtin ? builtin('node:module') : await import('node:module');
const require = createRequire(import.meta.url);
const { readFileSync, writeFileSync } = require('node:fs');
const { wrap } = require('node:module');
const { dirname } = require('node:path');
const { fileURLToPath } = require('node:url');
const { Script } = require('node:vm');

const file = fileURLToPath(new URL('../dist/cli.cjs', import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(`${file}.cache`);
} catch {
  cachedData = undefined;
}
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.RESNET_SHAPES_WRITE_CACHE) {
  // after a representative run, so the functions it compiled lazily are cached too
  process.on('exit', () => writeFileSync(`${file}.cache`, script.createCachedData()));
}
const module = { exports: {} };
script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
