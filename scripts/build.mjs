// Builds what `bin/resnet-shapes.js` runs and what the package exports:
//   dist/cli.cjs      the CLI: commander, chalk and the core in one CommonJS bundle (it starts
//                     faster than ESM; see README "Speed"), with its source map
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
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
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
await Promise.all([
  build({
    ...cjs,
    entryPoints: ['src/cli/run.ts'],
    outfile: 'dist/cli.cjs',
    define: { BUILT_PRESET_FIGURES: JSON.stringify(JSON.stringify(figures)) },
    plugins: [lazyParts, zodStandIn(zodNames), jsonAsText],
  }),
  ...Object.values(LAZY).map((part) => build({ ...cjs, entryPoints: [part.entry], outfile: `dist/${part.bundle}` })),
  buildWeb(),
]);
// what this build was made from: the golden tests refuse a dist/ built from other sources
writeFileSync('dist/source-hash.txt', `${sourceHash('.')}\n`);
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
