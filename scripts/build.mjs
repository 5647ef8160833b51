// Builds what `bin/resnet-shapes.js` runs and what the package exports:
//   dist/cli.cjs      the CLI: commander, chalk and the core in one CommonJS bundle (it starts
//                     faster than ESM; see README "Speed"), with its source map
//   dist/schemas.cjs  zod and the file schemas, loaded only when a file is read
//   dist/index.js     the library, one ESM bundle
//   dist/types/       declarations for the library
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/** The schemas (and zod) are a bundle of their own, which the CLI loads when it reads a file. */
const lazySchemas = {
  name: 'lazy-schemas',
  setup(b) {
    b.onResolve({ filter: /\/schemas\/index\.js$/ }, (args) =>
      args.kind === 'dynamic-import' && args.importer.includes('/src/cli/') ? { path: './schemas.cjs', external: true } : undefined,
    );
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
  build({ ...cjs, entryPoints: ['src/cli/run.ts'], outfile: 'dist/cli.cjs', plugins: [lazySchemas] }),
  build({ ...cjs, entryPoints: ['src/schemas/index.ts'], outfile: 'dist/schemas.cjs' }),
  build({ ...common, minify: false, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm', packages: 'external' }),
]);
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
