// Builds what `bin/resnet-shapes.js` runs and what the package exports:
//   dist/cli.cjs      the CLI: commander, chalk and the core in one CommonJS bundle, which
//                     starts faster than ESM (see README "Speed")
//   dist/schemas.cjs  zod and the file schemas, loaded only when a file is read
//   dist/cli.cjs.cache  V8's code cache of it, for this Node (see bin/resnet-shapes.js)
//   dist/index.js     the library, one ESM bundle
//   dist/types/       declarations for the library
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Lazily loaded parts of the CLI: source module -> the bundle that replaces it at run time. */
const LAZY = {
  './schemas.js': './schemas.cjs',
};

const lazyParts = {
  name: 'lazy-parts',
  setup(b) {
    b.onResolve({ filter: /^\.\/schemas\.js$/ }, (args) =>
      args.kind === 'dynamic-import' && args.importer.includes('/src/cli/')
        ? { path: LAZY[args.path], external: true }
        : undefined,
    );
  },
};

/**
 * commander requires child_process at load time for git-style executable subcommands, which
 * resnet-shapes does not have; load it only if ever used (it pulls in net and dgram).
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/') ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, key) => require('node:' + 'child_process')[key] });",
      loader: 'js',
    }));
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
  keepNames: false,
};
const cjs = { ...common, format: 'cjs', supported: { 'dynamic-import': false } };
await Promise.all([
  build({ ...cjs, entryPoints: ['src/cli/run.ts'], outfile: 'dist/cli.cjs', plugins: [lazyParts, lazyChildProcess] }),
  build({ ...cjs, entryPoints: ['src/cli/schemas.ts'], outfile: 'dist/schemas.cjs' }),
  build({ ...common, minify: false, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm', packages: 'external' }),
]);
// V8's code cache for this Node, from one process that ran the common commands (see
// bin/resnet-shapes.js and src/cli/run.ts)
execFileSync(process.execPath, ['bin/resnet-shapes.js', '--version'], {
  env: { ...process.env, RESNET_SHAPES_WRITE_CACHE: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
