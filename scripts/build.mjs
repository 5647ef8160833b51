// Builds what `bin/resnet-shapes.js` runs and what the package exports:
//   dist/cli.cjs   the CLI, one CommonJS bundle (starts faster than ESM; see README "Speed")
//   dist/index.js  the library, one ESM bundle
//   dist/types/    declarations for the library
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', legalComments: 'none', logLevel: 'warning' };
await Promise.all([
  build({ ...common, entryPoints: ['src/cli/run.ts'], outfile: 'dist/cli.cjs', format: 'cjs' }),
  build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', format: 'esm', packages: 'external' }),
]);
if (!process.argv.includes('--no-types')) {
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
