#!/usr/bin/env node
// Runs the CLI bundle dist/cli.cjs through Node's own CommonJS loader (bin/package.json makes
// this file CommonJS: it starts faster than an ES module). Where Node has a module compile
// cache (22.1 and later) it is turned on; it keys entries by content, so an edited bundle is
// never served stale. Older Nodes are not asked: loading node:module to find out costs a
// millisecond of every run.
'use strict';

if (Number(process.versions.node.split('.')[0]) >= 22) {
  const { enableCompileCache } = require('node:module');
  if (enableCompileCache) enableCompileCache();
}
require('../dist/cli.cjs');
