// npm run bench: how fast resnet-shapes starts and how it grows. Prints a table; nothing is
// asserted (tests assert correctness only).
//
//   (a) the shipped CLI as a whole process against `node -e 0`: alternating runs after a
//       warm-up, each run's ratio to the baseline run beside it; the median of those ratios
//       (a machine that speeds up or slows down during the benchmark moves both runs of a
//       pair alike) and their middle half (p25–p75), the medians in ms, and peak RSS (GNU
//       time's %M, where present)
//   (b) in-process trace + JSON formatting of ResNet-50/101/152 (the library bundle)
//   (c) synthetic bottleneck networks [3, 4, K, 3] doubling up to the row limit, for json, log
//       and table: whole-process time, peak RSS, and the growth factor per doubling, in
//       --repeats rounds (default 5) that each run every size once: a size's time is its median,
//       a doubling's growth the median of the ratios within a round, so a machine that slows
//       down between sizes moves both runs of a ratio alike (row counts come from the library's
//       countRows, the expander's own count)
//
// Options: --runs N (default 31), --repeats N (default 5), --quick (fewer runs and sizes, for a
// smoke test), --formats json,log (which formats (c) runs).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const runsArg = args.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(args[runsArg + 1]) : quick ? 6 : 31;
const repeatsArg = args.indexOf('--repeats');
const REPEATS = repeatsArg >= 0 ? Number(args[repeatsArg + 1]) : quick ? 1 : 5;
const formatsIndex = args.indexOf('--formats');
const formatsArg = formatsIndex >= 0 ? args[formatsIndex + 1].split(',') : null;
const BIN = 'bin/resnet-shapes.js';
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function run(argv) {
  const start = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', '%M', process.execPath, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
    : spawnSync(process.execPath, argv, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${r.stderr}`);
  const rssKiB = TIME ? Number(r.stderr.trim().split('\n').at(-1)) : NaN;
  return { ms, rssKiB };
}

/** The q-quantile of xs, interpolated between neighbours (q = 0.5: the median). */
const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
};
const median = (xs) => quantile(xs, 0.5);
const mib = (kib) => (Number.isNaN(kib) ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);

/** Alternates the baseline and the command, after one warm-up of each; a ratio per pair. */
function compare(argv) {
  run(['-e', '0']);
  run(argv);
  const base = [];
  const cmd = [];
  const ratios = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const b = run(['-e', '0']).ms;
    const r = run(argv);
    base.push(b);
    cmd.push(r.ms);
    ratios.push(r.ms / b);
    rss = Math.max(rss, r.rssKiB);
  }
  return { base: median(base), cmd: median(cmd), ratio: median(ratios), p25: quantile(ratios, 0.25), p75: quantile(ratios, 0.75), rss };
}

console.log(`resnet-shapes benchmark · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
const lib = await import(new URL('../dist/index.js', import.meta.url).href);
const dir = mkdtempSync(join(tmpdir(), 'resnet-shapes-bench-'));
const configFile = join(dir, 'resnet50-c1.json');
writeFileSync(configFile, JSON.stringify({ extends: 'resnet50', classes: 1 }));
const onnxFile = join(dir, 'resnet152.onnx');

console.log(`(a) whole process, ${RUNS} alternating pairs each: medians, and the median ratio of a pair (p25–p75)`);
console.log('    command                                                   median   node -e 0   ratio  (p25–p75)     peak RSS');
const COMMANDS = [
  ['--layers', '152', '--input', '10,3,224,224', '--format', 'json'],
  ['--layers', '152', '--input', '10,3,224,224', '--format', 'log'],
  ['--layers', '152', '--input', '10,3,224,224', '--format', 'table'],
  ['--layers', '152', '--format', 'onnx', '--output', onnxFile],
  ['--config', configFile, '--input', '10,3,224,224'],
  ['check', 'configs/checks'],
  ['diff', 'resnet50', 'resnet50d'],
  ['sizes', 'resnet152', '--target', 'layer4=7x7'],
  ['sizes', 'iresnet100', '--format', 'json'],
  ['sizes', 'resnet1202_cifar'],
  ['--list'],
  ['schema', 'trace'],
  ['--help'],
];
for (const argv of COMMANDS) {
  const r = compare([BIN, ...argv]);
  const shown = argv.map((a) => (a === configFile ? 'resnet50-c1.json' : a === onnxFile ? 'r152.onnx' : a)).join(' ');
  console.log(
    `    ${shown.padEnd(56)} ${r.cmd.toFixed(1).padStart(6)} ms ${r.base.toFixed(1).padStart(7)} ms ${r.ratio.toFixed(2).padStart(6)}×  (${r.p25.toFixed(2)}–${r.p75.toFixed(2)}) ${mib(r.rss).padStart(10)}`,
  );
}

console.log('(b) in-process analysis + JSON formatting (library bundle), median of many iterations');
for (const name of ['resnet50', 'resnet101', 'resnet152']) {
  const config = lib.resolveConfig(lib.presetConfig(name), name);
  const once = () => {
    const r = lib.analyze(config, [10, 3, 224, 224]);
    return lib.formatAnalysis(r.analysis, 'json').length;
  };
  for (let i = 0; i < 50; i++) once();
  const times = [];
  for (let i = 0; i < (quick ? 100 : 500); i++) {
    const s = performance.now();
    once();
    times.push(performance.now() - s);
  }
  console.log(`    ${name.padEnd(10)} ${median(times).toFixed(3)} ms`);
}

console.log(`(c) synthetic [3, 4, K, 3] bottleneck networks doubling to the row limit, > /dev/null: ${REPEATS} rounds, each running every size once;`);
console.log('    a size\'s time is its median, a doubling\'s growth the median of its rounds\' ratios (runs seconds apart, as in (a))');
console.log('    format  rows        time     peak RSS   growth per doubling');
const limit = lib.LIMITS.rows;
const sizes = quick ? [limit / 64, limit / 32, limit / 16] : [limit / 32, limit / 16, limit / 8, limit / 4, limit / 2, limit];
// the largest K whose network is within each target (the expander counts the rows)
const configOf = (k) => lib.resolveConfig({ block: 'bottleneck', layers: [3, 4, k, 3] }, 'bench');
const perBlock = lib.countRows(configOf(2)) - lib.countRows(configOf(1));
const cases = sizes.map((target) => {
  const k = Math.max(1, Math.floor((target - lib.countRows(configOf(1)) + perBlock) / perBlock));
  const file = join(dir, `k${k}.json`);
  writeFileSync(file, JSON.stringify({ block: 'bottleneck', layers: [3, 4, k, 3] }));
  return { rows: lib.countRows(configOf(k)), file };
});
for (const format of formatsArg ?? ['json', 'log', 'table']) {
  const times = cases.map(() => []);
  const rss = cases.map(() => 0);
  for (let round = 0; round < REPEATS; round++) {
    cases.forEach((c, i) => {
      const r = run([BIN, '--config', c.file, '--input', '1,3,224,224', '--format', format]);
      times[i].push(r.ms);
      rss[i] = Math.max(rss[i], r.rssKiB);
    });
  }
  cases.forEach((c, i) => {
    const growth = i === 0 ? '—' : median(times[i].map((t, round) => t / times[i - 1][round])).toFixed(2);
    console.log(`    ${format.padEnd(7)} ${String(c.rows).padEnd(10)} ${(median(times[i]) / 1000).toFixed(2).padStart(6)} s ${mib(rss[i]).padStart(12)}   ${growth}`);
  });
}
