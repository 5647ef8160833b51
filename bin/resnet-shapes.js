#!/usr/bin/env node
// Runs the CLI bundle dist/cli.cjs (CommonJS: it starts faster than ESM) through Node's own
// loader. Where Node has a module compile cache (22.1 and later), it is turned on; it keys
// entries by the file's content, so an edited bundle is never served stale.

const { createRequire, enableCompileCache } = process.getBuiltinModule?.('node:module') ?? (await import('node:module'));
enableCompileCache?.();
createRequire(import.meta.url)('../dist/cli.cjs');
