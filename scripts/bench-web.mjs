// The web page's speed in headless Chromium (Debian's, through playwright-core), on the built
// page opened from disk:
//   first load: navigation start to the first trace drawn (the page's `first-trace` mark, set
//     once the summary and the table are laid out), each load in a fresh browser context;
//   edit: an input field changed on the ResNet-152 page, re-traced (in the page's worker) and
//     redrawn: the page's own measure from the request to the laid-out result;
//   responsiveness: links that make the page work hard (a 9,800-row table and JSON, ResNet-1202's
//     log, a 250-node diagram, hostile fragments of 100 KB and of 2 MB): the first paint, the first
//     trace, the longest task on the page's thread and the longest input event while it works
//     (scripts/responsiveness.mjs, as the browser tests measure it);
//   size: the page's JavaScript, gzipped, but for the lazily loaded Graphviz.
// Usage: npm run bench:web [-- --loads 15 --edits 40]
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { HEAVY_LINKS, responsiveness } from './responsiveness.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const LOADS = arg('loads', 15);
const EDITS = arg('edits', 40);
const page = pathToFileURL(join('dist', 'web', 'index.html')).href;
const flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: flags });

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], max: s.at(-1) };
};
const ms = (x) => `${x.toFixed(1)} ms`;

const loads = { resnet50: [], resnet152: [] };
for (let i = 0; i < LOADS; i++) {
  for (const arch of Object.keys(loads)) {
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${page}#arch=${arch}&input=1,3,224,224`);
    await p.waitForSelector('html[data-traced="true"]');
    loads[arch].push(await p.evaluate(() => performance.getEntriesByName('first-trace')[0].startTime));
    await context.close();
  }
}

const p = await browser.newPage();
await p.goto(`${page}#arch=resnet152&input=1,3,224,224`);
await p.waitForSelector('html[data-traced="true"]');
const edits = [];
const parts = [];
for (let i = 0; i < EDITS; i++) {
  await p.fill('#height', String(224 + (i % 2) * 32));
  await p.waitForSelector('html:not([data-pending])');
  const t = await p.evaluate(() => window.resnetShapes.timing);
  edits.push(t.lastRenderMs);
  parts.push(t.parts);
}
const heavy = [];
for (const [name, fragment] of Object.entries(HEAVY_LINKS)) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await responsiveness(browser, `${page}#${fragment}`, { timeout: 60_000 }));
  heavy.push({ name, size: fragment.length, runs });
}
await browser.close();

const dir = join('dist', 'web');
const js = readdirSync(dir).filter((f) => f.endsWith('.js') && !f.includes('graphviz'));
const gz = js.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0);

for (const [arch, xs] of Object.entries(loads)) {
  const s = stats(xs);
  console.log(`first load to first trace, ${arch}: median ${ms(s.median)}, max ${ms(s.max)} over ${xs.length} loads (budget 1,000 ms)`);
}
const e = stats(edits);
console.log(`edit re-traced and redrawn, resnet152 (table view): median ${ms(e.median)}, max ${ms(e.max)} over ${edits.length} edits (budget 50 ms)`);
const part = (k) => ms(stats(parts.map((x) => x[k])).median);
console.log(`  of which (medians): in the worker ${part('trace')}, waiting for it ${part('wait')}, drawing ${part('view')}`);
console.log('responsiveness (medians of 3 loads; budget: first paint 1,000 ms, longest task 200 ms, longest wait of an input 200 ms):');
for (const { name, size, runs } of heavy) {
  const m = (k) => stats(runs.map((r) => r[k])).median;
  console.log(`  ${name} (${size.toLocaleString('en')} characters): first paint ${ms(m('firstPaint'))}, first trace ${ms(m('firstTrace'))}, longest task ${ms(m('longestTask'))}, longest input wait ${ms(m('inputWait'))} (to its paint ${ms(m('longestInput'))})`);
}
console.log(`JavaScript without Graphviz: ${js.join(', ')}: ${(gz / 1024).toFixed(1)} KB gzipped (budget 150 KB)`);
