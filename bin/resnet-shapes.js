#!/usr/bin/env node
// Runs the CLI bundle dist/cli.cjs: CommonJS, which starts faster than ESM, compiled from
// V8's code cache (dist/cli.cjs.cache) when the cache matches this Node; with no cache, or
// one from another V8, it compiles as usual. `npm run build` writes the cache by running the
// CLI once with RESNET_SHAPES_WRITE_CACHE=1.
//
// Loading through vm rather than `import` skips the ESM loader's CommonJS translation, and
// builtins come from process.getBuiltinModule: an ESM import of a builtin snapshots all its
// exports, and node:module loads source-map support, each a visible share of a short run.

const builtin = process.getBuiltinModule;
if (builtin) {
  const { readFileSync, writeFileSync, existsSync } = builtin('node:fs');
  const { Script } = builtin('node:vm');
  const { fileURLToPath } = builtin('node:url');
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const loaded = new Map();

  /** Compiles and runs a bundle of dist/ as CommonJS, from its code cache when it has one. */
  const load = (name) => {
    const known = loaded.get(name);
    if (known) return known.exports;
    const file = `${dist}${name}`;
    const cacheFile = `${file}.cache`;
    const cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
    const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
    const script = new Script(source, { filename: file, cachedData });
    if (process.env.RESNET_SHAPES_WRITE_CACHE && name === 'cli.cjs') {
      // after a representative run, so the functions it compiled lazily are cached too
      process.on('exit', () => writeFileSync(cacheFile, script.createCachedData()));
    }
    const module = { exports: {} };
    loaded.set(name, module);
    const require = (id) => (id.startsWith('./') ? load(id.slice(2)) : builtin(id));
    script.runInThisContext().call(module.exports, module.exports, require, module, file, dist);
    return module.exports;
  };
  load('cli.cjs');
} else {
  // Node before 20.16: the ordinary CommonJS loader
  const { createRequire } = await import('node:module');
  createRequire(import.meta.url)('../dist/cli.cjs');
}
