// Builds what `bin/resnet-shapes.js` runs and what the package exports:
//   dist/cli.cjs      the CLI: commander and the core in one CommonJS bundle (it starts faster
//                     than ESM; see README "Speed"), with its source map
//   dist/files.cjs, diff.cjs, web.cjs  the CLI's parts that only some commands load: checking
//                     files and reading a config file, diff, the web server (see PARTS)
//   dist/zod.cjs      zod (what src/schemas/zod.ts exports), loaded only when a file is read
//   dist/documents.cjs  the committed JSON Schemas, loaded only by `resnet-shapes schema`
//   dist/chalk.cjs    chalk, loaded only when there is colour to add
//   dist/index.js     the library, one ESM bundle
//   dist/types/       declarations for the library
//   dist/source-hash.txt  what the build was made from (scripts/source-hash.mjs)
//   dist/web/         the web page (`npm run build:web` builds only it): index.html, style.css,
//                     app.js (the page and the core, a classic script: it runs from file://) and
//                     graphviz.js (loaded when a diagram is first drawn)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { eagerWrappers } from './eager-wrappers.mjs';
import { sourceHash } from './source-hash.mjs';

/**
 * Parts the CLI loads only when a command needs them, each a bundle of its own, reached by a
 * dynamic import from src/cli/: the committed JSON Schemas (`resnet-shapes schema`), chalk, and
 * picomatch. A part is a dependency or a leaf of ours, never a module of the core: a second copy
 * of the core would be compiled and initialised again.
 */
const LAZY = {
  '../schemas/documents.js': { entry: 'src/schemas/documents.ts', bundle: 'documents.cjs' },
  // colour: only on a terminal
  chalk: { entry: 'node_modules/chalk/source/index.js', bundle: 'chalk.cjs' },
  // check's glob patterns: only when an argument may be one
  picomatch: { entry: 'node_modules/picomatch/index.js', bundle: 'picomatch.cjs' },
};
const lazyParts = {
  name: 'lazy-parts',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const part = LAZY[args.path];
      return part && args.kind === 'dynamic-import' && args.importer.includes('/src/cli/') ? { path: `./${part.bundle}`, external: true } : undefined;
    });
  },
};

/**
 * The CLI's modules a command line reaches only through a dynamic import from src/cli/, in
 * bundles of their own with what only they import: checking files and reading a config file
 * (the schemas, the reporters), diff, and the web server (node:http). A trace of a preset never
 * compiles them: start-up compiles every byte of a bundle it loads, and runs its module code. The
 * modules a part shares with the CLI bundle are not copied into it: the CLI bundle exports them
 * (`core`) and the part gets each through a stand-in that takes its exports from there, so every
 * module is compiled and initialised once.
 */
const PARTS = {
  'files.cjs': ['src/cli/check.ts', 'src/cli/config-file.ts'],
  'diff.cjs': ['src/cli/diff-command.ts'],
  'web.cjs': ['src/cli/web-command.ts'],
};
const partOf = (key) => Object.keys(PARTS).find((bundle) => PARTS[bundle].includes(key));
/** A module's key: its path from the project root, as esbuild's metafile names it. */
const keyOf = (absolute) => relative(process.cwd(), absolute).split('\\').join('/');
/** The TypeScript source an import from src/ names (`./x.js` is `./x.ts`), or null. */
function sourceOf(args) {
  if (!args.path.startsWith('.') || !args.importer.includes('/src/')) return null;
  const file = resolve(args.resolveDir, args.path).replace(/\.js$/, '.ts');
  return existsSync(file) ? keyOf(file) : null;
}

/** A dynamic import of a part's module loads the part's bundle and takes the module from it. */
const partImports = {
  name: 'part-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const key = sourceOf(args);
      return key && partOf(key) ? { path: key, namespace: 'part-module' } : undefined;
    });
    b.onResolve({ filter: /.*/, namespace: 'part-module' }, (args) => ({ path: args.path, external: true }));
    b.onLoad({ filter: /.*/, namespace: 'part-module' }, (args) => ({
      contents: `module.exports = require('./${partOf(args.path)}').parts[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};

/**
 * The names a module exports (a build of it alone says), for the modules the parts share. A part
 * holds their values as they are when it loads, so a shared module may not export a `let` or `var`
 * (a binding that could change later).
 */
const exportNames = new Map();
async function exportsOf(key) {
  if (!exportNames.has(key)) {
    if (/^export\s+(let|var)\b/m.test(readFileSync(key, 'utf8'))) throw new Error(`${key} exports a let or var, which a CLI part would read once: export a const or a function`);
    const r = await build({ entryPoints: [key], bundle: false, format: 'esm', write: false, metafile: true, outdir: 'dist/.exports', logLevel: 'warning' });
    exportNames.set(key, Object.values(r.metafile.outputs).find((o) => o.entryPoint === key).exports);
  }
  return exportNames.get(key);
}

/**
 * The CLI bundle's entry: src/cli/run.ts, and `core`, a function per module the parts share that
 * returns its exports (an object made only when a part asks: start-up makes none).
 */
async function cliEntry(core) {
  // strict, as the TypeScript modules are (a bundle takes its entry's directive)
  const lines = [`'use strict';`, `import './src/cli/run.ts';`];
  const fields = [];
  for (const [i, key] of core.entries()) {
    const names = await exportsOf(key);
    lines.push(`import { ${names.map((name) => `${name} as m${i}_${name}`).join(', ')} } from './${key}';`);
    fields.push(`${JSON.stringify(key)}: () => ({ ${names.map((name) => `${name}: m${i}_${name}`).join(', ')} })`);
  }
  lines.push(`export const core = { ${fields.join(', ')} };`);
  return { contents: lines.join('\n'), resolveDir: process.cwd(), loader: 'js' };
}

/** A part's entry: its modules, by key. */
function partEntry(keys) {
  const lines = [`'use strict';`, ...keys.map((key, i) => `import * as p${i} from './${key}';`)];
  lines.push(`export const parts = { ${keys.map((key, i) => `${JSON.stringify(key)}: p${i}`).join(', ')} };`);
  return { contents: lines.join('\n'), resolveDir: process.cwd(), loader: 'js' };
}

/**
 * In a part: a module of the CLI bundle is a stand-in holding the CLI bundle's exports of it, as
 * constants (no module exports a `let`): the part's code reads them as plain variables.
 */
function coreImports(cliModules, used) {
  return {
    name: 'core-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        const key = sourceOf(args);
        if (!key || !cliModules.has(key) || (args.kind === 'dynamic-import' && partOf(key))) return undefined;
        used.add(key);
        return { path: key, namespace: 'core-module' };
      });
      b.onResolve({ filter: /.*/, namespace: 'core-module' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'core-module' }, async (args) => {
        const names = await exportsOf(args.path);
        return {
          contents: `export const { ${names.join(', ')} } = require('./cli.cjs').core[${JSON.stringify(args.path)}]();`,
          loader: 'js',
        };
      });
    },
  };
}

/**
 * zod, the one dependency the schemas have: a bundle of its own (dist/zod.cjs, what
 * src/schemas/zod.ts exports), which the CLI loads when a file is first read. The schemas import
 * src/schemas/zod.ts as usual; in the CLI bundle they get a stand-in with a function of the same
 * name for each of its functions, which loads dist/zod.cjs on the first call. So the schemas are
 * ordinary modules of the CLI bundle: a dynamic import of them would make esbuild wrap them and
 * every core module they import in lazy initialisers, parsed once more at start-up.
 */
const ZOD = { entry: 'src/schemas/zod.ts', bundle: 'zod.cjs' };
function zodStandIn(names) {
  const source = [
    `let zod;`,
    `const load = () => (zod ??= require('./${ZOD.bundle}'));`,
    ...names.map((name, i) => `const f${i} = (...args) => load().${name}(...args);`),
    `export { ${names.map((name, i) => `f${i} as ${name}`).join(', ')} };`,
  ].join('\n');
  return {
    name: 'zod-stand-in',
    setup(b) {
      b.onResolve({ filter: /^\.\/zod\.js$/ }, (args) => (args.importer.includes('/src/schemas/') ? { path: 'zod', namespace: 'zod-stand-in' } : undefined));
      b.onResolve({ filter: /^\.\/zod\.cjs$/, namespace: 'zod-stand-in' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'zod-stand-in' }, () => ({ contents: source, loader: 'js' }));
    },
  };
}

/**
 * JSON the CLI bundles (the presets) as text that `JSON.parse` reads at start-up: as object
 * literals it would be parsed as JavaScript, compiled to bytecode and run, several times slower.
 */
const jsonAsText = {
  name: 'json-as-text',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => {
      const text = JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/** The web page: classic scripts (an IIFE each), for browsers of the last few years. */
async function buildWeb() {
  rmSync('dist/web', { recursive: true, force: true });
  mkdirSync('dist/web', { recursive: true });
  const web = { bundle: true, format: 'iife', platform: 'browser', target: ['chrome110', 'firefox115', 'safari16'], legalComments: 'none', logLevel: 'warning', minify: true };
  await Promise.all([
    build({ ...web, entryPoints: ['src/web/page.ts'], outfile: 'dist/web/app.js' }),
    build({ ...web, entryPoints: ['src/web/graphviz.ts'], outfile: 'dist/web/graphviz.js' }),
  ]);
  for (const file of ['index.html', 'style.css']) copyFileSync(`src/web/${file}`, `dist/web/${file}`);
}

if (process.argv.includes('--web-only')) {
  await buildWeb();
  process.exit(0);
}

rmSync('dist', { recursive: true, force: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  minify: !process.env.NO_MINIFY,
  // stack traces of an internal error map to the TypeScript sources (src/cli/run.ts)
  sourcemap: true,
  sourcesContent: false,
};
const cjs = { ...common, format: 'cjs', supported: { 'dynamic-import': false } };
// the library bundles what it runs (zod for parseConfig): the package needs no dependencies
await build({ ...common, minify: false, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm' });
// `--list` shows the shipped presets at their own inputs: the CLI bundle carries their figures as
// the library just computed them (presetFigures, the code the CLI would run), so listing takes no
// tracing; the presets themselves are bundled, so figures and presets come from one build
const { PRESET_NAMES, presetFigures, toJsonValue } = await import(pathToFileURL('dist/index.js').href);
const figures = Object.fromEntries(
  PRESET_NAMES.map((name) => {
    const f = presetFigures(name);
    return [name, { input: f.input, params: toJsonValue(f.params), macs: toJsonValue(f.macs) }];
  }),
);
// zod first: the stand-in forwards each function its bundle exports (and nothing else is one)
await build({ ...cjs, entryPoints: [ZOD.entry], outfile: `dist/${ZOD.bundle}` });
const zod = createRequire(import.meta.url)(`../dist/${ZOD.bundle}`);
const zodNames = Object.keys(zod).filter((name) => name !== '__esModule');
const notFunctions = zodNames.filter((name) => typeof zod[name] !== 'function');
if (notFunctions.length > 0) throw new Error(`src/schemas/zod.ts exports ${notFunctions.join(', ')}, which the CLI's stand-in cannot forward: export functions only`);
/**
 * The CLI bundle and its parts: the CLI bundle is built, then each part with stand-ins for the
 * modules the CLI bundle has, then the CLI bundle again exporting those; until they agree
 * (exporting a module whole can bring in what its other exports import). No module is in two.
 */
async function buildCli() {
  const plugins = [lazyParts, partImports, zodStandIn(zodNames), jsonAsText];
  const define = { BUILT_PRESET_FIGURES: JSON.stringify(JSON.stringify(figures)) };
  let core = [];
  for (let round = 0; round < 4; round++) {
    const cli = await build({ ...cjs, define, stdin: await cliEntry(core), outfile: 'dist/cli.cjs', metafile: true, plugins });
    const cliModules = new Set(Object.keys(cli.metafile.inputs));
    const used = new Set();
    const held = new Map([...cliModules].filter((key) => existsSync(key)).map((key) => [key, 'cli.cjs']));
    for (const [bundle, keys] of Object.entries(PARTS)) {
      const part = await build({
        ...cjs,
        stdin: partEntry(keys),
        outfile: `dist/${bundle}`,
        metafile: true,
        plugins: [coreImports(cliModules, used), ...plugins],
      });
      for (const key of Object.keys(part.metafile.inputs).filter((k) => existsSync(k))) {
        if (held.has(key)) throw new Error(`dist/${held.get(key)} and dist/${bundle} both hold ${key}`);
        held.set(key, bundle);
      }
    }
    const wanted = [...used].sort();
    if (wanted.every((key) => core.includes(key))) return;
    core = [...new Set([...core, ...wanted])].sort();
  }
  throw new Error('dist/cli.cjs and its parts did not settle on the modules they share');
}

await Promise.all([
  buildCli().then(() => {
    // commander's module wrappers run at every start-up: compiled with the bundle, parsed once
    // (esbuild writes them as arrows when it minifies, as methods when it does not)
    if (eagerWrappers('dist/cli.cjs') === 0 && common.minify) {
      throw new Error('dist/cli.cjs: no CommonJS wrapper of a dependency found to compile eagerly (has esbuild changed its wrappers?)');
    }
  }),
  ...Object.values(LAZY).map((part) => build({ ...cjs, entryPoints: [part.entry], outfile: `dist/${part.bundle}` })),
  buildWeb(),
]);
// what this build was made from: the golden tests refuse a dist/ built from other sources
writeFileSync('dist/source-hash.txt', `${sourceHash('.')}\n`);
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
