// Builds what `bin/resnet-shapes.js` runs and what the package exports:
//   dist/cli.cjs      the CLI: commander, chalk and the core in one CommonJS bundle (it starts
//                     faster than ESM; see README "Speed"), with its source map
//   dist/schemas.cjs  zod and the file schemas, loaded only when a file is read
//   dist/documents.cjs  the committed JSON Schemas, loaded only by `resnet-shapes schema`
//   dist/index.js     the library, one ESM bundle
//   dist/types/       declarations for the library
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Parts the CLI loads only when a command needs them, each a bundle of its own: the zod schemas
 * (reading a config or check file) and the committed JSON Schemas (`resnet-shapes schema`).
 */
const LAZY = { 'schemas/index.ts': 'schemas.cjs', 'schemas/documents.ts': 'documents.cjs' };
const lazyParts = {
  name: 'lazy-parts',
  setup(b) {
    b.onResolve({ filter: /\/schemas\/(index|documents)\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.includes('/src/cli/')) return undefined;
      const bundle = LAZY[`schemas/${args.path.split('/').pop().replace(/\.js$/, '.ts')}`];
      return { path: `./${bundle}`, external: true };
    });
  },
};

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
await Promise.all([
  build({ ...cjs, entryPoints: ['src/cli/run.ts'], outfile: 'dist/cli.cjs', plugins: [lazyParts] }),
  ...Object.entries(LAZY).map(([source, bundle]) => build({ ...cjs, entryPoints: [`src/${source}`], outfile: `dist/${bundle}` })),
  build({ ...common, minify: false, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm', packages: 'external' }),
]);
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
