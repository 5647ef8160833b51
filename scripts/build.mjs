// Builds what `bin/resnet-shapes.js` runs and what the package exports (esbuild, then tsc and
// rollup-plugin-dts for the declarations):
//   dist/cli.cjs        the CLI: commander and the core in one CommonJS bundle, with its
//                       source map (an internal error's stack is mapped through it)
//   dist/chalk.cjs, picomatch.cjs, documents.cjs, onnx.cjs, zod.cjs
//                       leaves the CLI loads only when a command needs them: colour on a terminal,
//                       check's glob patterns, `resnet-shapes schema`, protobuf.js's Writer (the
//                       ONNX export's), zod (the schemas', when a file is read)
//   dist/index.js       the library, one ESM bundle (zod included: the package has no dependencies)
//   dist/index.d.ts     its declarations in one file, importing nothing: an installed copy
//                       type-checks on its own
//   dist/source-hash.txt  what the build was made from (scripts/source-hash.mjs)
//   dist/web/           the web page (`npm run build:web` builds only it): index.html, style.css,
//                       app.js (a classic script: it runs from file://, and starts its worker,
//                       worker.ts, from a data: URL) and graphviz.js (the layout worker's text, loaded
//                       when a diagram is first drawn)
//
// The rules the bundles keep (measured in README "Speed"): the CLI is CommonJS (it starts faster
// than ESM); a lazy part is a dependency or a leaf module of ours that no core module imports, so
// the core is never compiled twice; the presets are bundled as JSON text (`JSON.parse` reads it
// faster than V8 compiles an object literal).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import { sourceHash } from './source-hash.mjs';

/**
 * The CLI's lazy parts, each reached by a dynamic import from src/cli/, or (`from`) by any import
 * from those modules, themselves reached only by dynamic imports: zod, by the schemas.
 */
const LAZY = {
  '../schemas/documents.js': { entry: 'src/schemas/documents.ts', bundle: 'documents.cjs' },
  '../onnx/writer.js': { entry: 'src/onnx/writer.ts', bundle: 'onnx.cjs' },
  chalk: { entry: 'node_modules/chalk/source/index.js', bundle: 'chalk.cjs' },
  picomatch: { entry: 'node_modules/picomatch/index.js', bundle: 'picomatch.cjs' },
  './zod-runtime.js': { entry: 'src/schemas/zod-runtime.ts', bundle: 'zod.cjs', from: '/src/schemas/' },
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

/**
 * protobuf.js (the ONNX writer's) reaches for the `long` package for 64-bit integers it is given as
 * Long objects; the export passes numbers only, so `long` is left out of every bundle (24 KB, a
 * tenth of the page's app.js): protobuf.js then finds no Long and keeps to numbers.
 */
const withoutLong = {
  name: 'without-long',
  setup(b) {
    b.onResolve({ filter: /^long$/ }, () => ({ path: 'long', namespace: 'without-long' }));
    b.onLoad({ filter: /.*/, namespace: 'without-long' }, () => ({ contents: 'module.exports = null;', loader: 'js' }));
  },
};

/**
 * commander requires node:child_process when it loads (for executable subcommands, which this CLI
 * has none of), and loading it pulls in net, stream and dgram: 4 ms of every run. The bundle
 * defers that require to first use.
 */
const deferChildProcess = {
  name: 'defer-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) => (args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'deferred' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'deferred' }, () => ({
      contents: "let loaded; module.exports = new Proxy({}, { get: (_, key) => (loaded ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

const jsonAsText = {
  name: 'json-as-text',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, (args) => {
      const text = JSON.stringify(JSON.parse(readFileSync(args.path, 'utf8')));
      return { contents: `export default JSON.parse(${JSON.stringify(text)});`, loader: 'js' };
    });
  },
};

/**
 * The web page: classic scripts (an IIFE each), for browsers of the last few years. Its two workers
 * (the tracer, and Graphviz's layout) are bundled to text first, then written as data: URLs: the
 * tracer's into app.js (WORKER_URL) and Graphviz's into graphviz.js (`resnetShapesGraphviz`, loaded
 * when a diagram is first drawn). A page opened from disk can start no worker from a file.
 */
const dataUrl = (script) => `data:text/javascript;base64,${Buffer.from(script).toString('base64')}`;

async function buildWeb() {
  rmSync('dist/web', { recursive: true, force: true });
  mkdirSync('dist/web', { recursive: true });
  const web = { bundle: true, format: 'iife', platform: 'browser', target: ['chrome110', 'firefox115', 'safari16'], legalComments: 'none', logLevel: 'warning', minify: true, plugins: [withoutLong] };
  const text = async (entry) => (await build({ ...web, entryPoints: [entry], write: false })).outputFiles[0].text;
  const [worker, graphviz] = await Promise.all([text('src/web/worker.ts'), text('src/web/graphviz.ts')]);
  await build({ ...web, entryPoints: ['src/web/page.ts'], outfile: 'dist/web/app.js', define: { WORKER_URL: JSON.stringify(dataUrl(worker)) } });
  writeFileSync('dist/web/graphviz.js', `globalThis.resnetShapesGraphviz=${JSON.stringify(dataUrl(graphviz))};\n`);
  for (const file of ['index.html', 'style.css']) copyFileSync(`src/web/${file}`, `dist/web/${file}`);
}

/**
 * The library's declarations in one file: tsc per module, then rollup-plugin-dts. They may import
 * nothing: an installed copy has no dependencies (zod is bundled), so its types must stand alone.
 */
async function buildTypes() {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  const bundle = await rollup({ input: 'dist/types/src/index.d.ts', plugins: [dts()], onwarn: (w) => { throw new Error(`declarations: ${w.message}`); } });
  const { output } = await bundle.write({ file: 'dist/index.d.ts', format: 'es' });
  rmSync('dist/types', { recursive: true, force: true });
  const imports = output.flatMap((chunk) => chunk.imports ?? []);
  if (imports.length > 0) throw new Error(`dist/index.d.ts imports ${imports.join(', ')}: the public types must not name a dependency's`);
}

if (process.argv.includes('--web-only')) {
  await buildWeb();
  process.exit(0);
}

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning', sourcemap: true, sourcesContent: false, plugins: [withoutLong] };
const cjs = { ...common, format: 'cjs', minify: !process.env.NO_MINIFY, supported: { 'dynamic-import': false } };
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm' });
// `--list` shows the shipped presets at their own inputs: the CLI bundle carries their figures as
// the core computes them (presetFigures, the code the CLI would run), so listing traces nothing
await build({ ...common, sourcemap: false, entryPoints: ['src/request.ts'], outfile: 'dist/.figures.mjs', format: 'esm' });
const { presetListing } = await import(pathToFileURL('dist/.figures.mjs').href);
rmSync('dist/.figures.mjs');
const json = (x) => (typeof x === 'bigint' ? x.toString() : x);
const figures = Object.fromEntries(presetListing().map((p) => [p.name, { input: p.input, params: json(p.params), macs: json(p.macs) }]));
await Promise.all([
  build({ ...cjs, entryPoints: ['src/cli/run.ts'], outfile: 'dist/cli.cjs', define: { BUILT_PRESET_FIGURES: JSON.stringify(JSON.stringify(figures)) }, plugins: [lazyParts, jsonAsText, withoutLong, deferChildProcess] }),
  ...Object.values(LAZY).map((part) => build({ ...cjs, entryPoints: [part.entry], outfile: `dist/${part.bundle}` })),
  buildWeb(),
]);
// what this build was made from: the golden tests refuse a dist/ built from other sources
writeFileSync('dist/source-hash.txt', `${sourceHash('.')}\n`);
if (!process.argv.includes('--no-types')) await buildTypes();
