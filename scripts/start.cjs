// Starts the CLI bundle from V8's code cache when one matches this Node: parsing and compiling
// the bundle is a visible share of a run that otherwise takes a few milliseconds. Without a
// cache, or with one from another V8 (cachedDataRejected), it compiles as usual.
// `npm run build` writes dist/cli.cjs.cache by running the CLI once with RESNET_SHAPES_WRITE_CACHE=1.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'cli.cjs');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
if (process.env.RESNET_SHAPES_WRITE_CACHE) {
  // after a representative run, so the functions it compiled lazily are in the cache too
  process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const module_ = { exports: {} };
script.runInThisContext().call(module_.exports, module_.exports, createRequire(file), module_, file, __dirname);
