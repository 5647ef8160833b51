// npm pack and npm publish: the packed package.json names no `prepare` script. `prepare` builds
// dist/ when the repository is installed (`npm ci`); a packed package ships dist/ built, and a
// `prepare` in it (whose script is not shipped) would make every install of the tarball warn
// that it has an install script. `prepack` writes the manifest without it, `postpack` puts the
// repository's back.
//   node scripts/pack-manifest.mjs strip | restore
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const KEPT = 'package.json.repository';
const action = process.argv[2];
if (action === 'strip') {
  const text = readFileSync('package.json', 'utf8');
  writeFileSync(KEPT, text);
  const manifest = JSON.parse(text);
  delete manifest.scripts.prepare;
  writeFileSync('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
} else if (action === 'restore') {
  if (existsSync(KEPT)) renameSync(KEPT, 'package.json');
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
