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
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { sourceHash } from './source-hash.mjs';

/**
 * Parts the CLI loads only when a command needs them, each a bundle of its own: zod (reading a
 * config or check file) and the committed JSON Schemas (`resnet-shapes schema`). A part is a
 * dependency or a leaf of ours, never a module of the core: a second copy of the core would be
 * compiled and initialised again.
 */
const LAZY = {
  // zod (the part src/schemas/zod.ts exports): loaded only when a file is read, on the first use
  // of the schemas, which are part of the CLI bundle and share its core
  './zod.js': { entry: 'src/schemas/zod.ts', bundle: 'zod.cjs', from: '/src/schemas/' },
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
      if (!part) return undefined;
      const lazy = part.from ? args.importer.includes(part.from) : args.kind === 'dynamic-import' && args.importer.includes('/src/cli/');
      return lazy ? { path: `./${part.bundle}`, external: true } : undefined;
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
await Promise.all([
  build({ ...cjs, entryPoints: ['src/cli/run.ts'], outfile: 'dist/cli.cjs', plugins: [lazyParts], define: { BUILT_PRESET_FIGURES: JSON.stringify(figures) } }),
  ...Object.values(LAZY).map((part) => build({ ...cjs, entryPoints: [part.entry], outfile: `dist/${part.bundle}` })),
  buildWeb(),
]);
// what this build was made from: the golden tests refuse a dist/ built from other sources
writeFileSync('dist/source-hash.txt', `${sourceHash('.')}\n`);
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
