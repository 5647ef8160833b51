// A fuzz run over the built CLI as CI meets it: hostile file names (newlines, \r, ESC, %, ::,
// ]]>, <, bidi controls, non-UTF-8 bytes) for check files, configs and diff arguments, random
// file contents, random argv, in every reporter and format. Each run is a real process with a
// time limit. It reports how many runs ended how, and every violation of the rules:
//   - exit 0, 1 or 2 (never 3, never a signal, never the time limit)
//   - no stack trace, no "internal error"
//   - no raw control character (other than newline and tab) and no bidi control in any output
//   - no line starting with `::` except the github reporter's own `::error file=…` lines, and no
//     line an injected name could have started (`::warning`, `::set-output`, INJECTED)
//   - JUnit output is well-formed XML
// Usage: node scripts/fuzz.mjs [--runs 1500] [--seed 1]
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 1500);
let seed = arg('seed', 1);
const random = () => {
  // mulberry32: a run is repeatable from its seed
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (xs) => xs[Math.floor(random() * xs.length)];

const HOSTILE = ['\n', '\r', '\x1b]0;TITLE\x07', '\x1b[2J', '%', '%0A', '::', ']]>', '<', '>', '&', '"', "'", '\u202e', '\u2028', '\t', ' ', '*', '[', '{'];
const INJECT = ['\n::error file=x,line=1::INJECTED', '\n::warning::INJECTED', '\r\n::set-output name=x::INJECTED'];
function hostileName() {
  let name = pick(['ok', 'a b', 'x', 'check', 'model']);
  const parts = 1 + Math.floor(random() * 4);
  for (let i = 0; i < parts; i++) name += pick([...HOSTILE, ...INJECT]);
  return `${name}.json`;
}

const CONTENTS = [
  () => '{"extends":"resnet18","input":[1,3,224,224],"expect":{"output":[1,1000]}}',
  () => '{"extends":"resnet18","input":[1,3,224,224],"expect":{"output":[1,10]}}',
  () => '{"extends":"resnet50","input":[2,3,97,61],"expect":{"params":1,"maxTrainingMemory":"1KB"}}',
  () => `{"extends":"${pick(['resnet18', 'nope', 'x\\u001b[2J'])}","input":[1,3,${Math.floor(random() * 300)},224],"expect":{}}`,
  () => `{"block":"${pick(['basic', 'bottleneck', 'weird'])}","layers":[${Math.floor(random() * 5) - 1},2],"input":[1,3,64,64],"expect":{"output":[1,1000]}}`,
  () => '{"extends":"resnet18", "input": [1,3,224,224], "expect": {"output": [1,1000]}, "\u001b[31mred": 1}',
  () => '{ "broken": ',
  () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
  () => '',
  () => `{"extends":"resnet18","se":{"reduction":${Math.floor(random() * 200)}},"input":[1,3,32,32],"expect":{}}`,
];
const CONFIGS = [
  () => '{"extends":"resnet18"}',
  () => '{"extends":"resnet50","se":{"reduction":16,"divisor":8}}',
  () => `{"block":"basic","layers":[2,2],"stem":{"convs":[{"kernel":${Math.floor(random() * 20) - 2},"channels":8}]}}`,
  () => '{"extends":"preact_resnet18_cifar","headPool":4}',
  () => `{"extends":"resnet18","headPool":"${pick(['none', 'width', 'global', 'x\\n::error::INJECTED'])}"}`,
  () => '{"layers":[1e400]}',
  () => '{"extends":"resnet18", "description": "\\u001b]0;T\\u0007\\n::error::INJECTED"}',
];

const root = mkdtempSync(join(tmpdir(), 'resnet-shapes-fuzz-run-'));
let serial = 0;
function write(content, name = hostileName()) {
  const folder = join(root, `d${serial++}`);
  mkdirSync(folder);
  const path = join(folder, name);
  writeFileSync(path, content);
  return { folder, path };
}

function run(args, input) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/resnet-shapes.js', ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

function cases() {
  const kind = pick(['check', 'check', 'config', 'diff', 'argv']);
  if (kind === 'check') {
    const files = Array.from({ length: 1 + Math.floor(random() * 3) }, () => write(pick(CONTENTS)()));
    const reporter = pick(['text', 'json', 'github', 'junit']);
    const target = random() < 0.5 ? files.map((f) => f.path) : [files[0].folder];
    return { args: ['check', ...target, '--reporter', reporter], reporter };
  }
  if (kind === 'config') {
    const { path } = write(pick(CONFIGS)());
    const format = pick(['log', 'table', 'json', 'dot', 'mermaid', 'counts']);
    return { args: ['--config', random() < 0.8 ? path : '-', '--format', format, '--input', pick(['1,3,32,32', '2,3,97,61', 'N,3,224,224', '1,3,0,224'])], input: pick(CONFIGS)() };
  }
  if (kind === 'diff') {
    const a = write(pick(CONFIGS)());
    return { args: ['diff', a.path, pick(['resnet18', a.path, 'nope\n::error::INJECTED']), '--format', pick(['text', 'json'])] };
  }
  const tokens = ['--layers', '50', '--arch', 'resnet18', '--input', '1,3,224,224', '--format', 'json', '--count', 'thop', '--fit', '24GiB', '--depth', 'stage', 'check', 'diff', 'schema', 'trace', '-', '\x1b[2J', '\n::error::INJECTED', '%', '']
    .concat(Array.from({ length: 3 }, () => hostileName()));
  return { args: Array.from({ length: Math.floor(random() * 6) }, () => pick(tokens)) };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const tally = { runs: 0, exits: {}, violations: [] };
const start = Date.now();
for (let i = 0; i < RUNS; i++) {
  const c = cases();
  const r = await run(c.args, c.input);
  tally.runs++;
  const key = r.signal ? `signal ${r.signal}` : `exit ${r.code}`;
  tally.exits[key] = (tally.exits[key] ?? 0) + 1;
  const problems = [];
  if (r.signal || ![0, 1, 2].includes(r.code)) problems.push(key);
  const both = `${r.stdout}\n${r.stderr}`;
  if (/internal error|\n\s+at .*:\d+/.test(both)) problems.push('a stack trace or internal error');
  if (CONTROL.test(both)) problems.push(`a raw control character: ${JSON.stringify(both.match(CONTROL)[0])}`);
  for (const line of both.split('\n')) {
    // the github reporter's own lines name a file of this run's folder; any other `::` line, or
    // a line an injected name starts, came from outside
    const own = c.reporter === 'github' && line.startsWith(`::error file=${root}`);
    if (line.startsWith('::') && !own) problems.push(`a line starting with "::": ${JSON.stringify(line.slice(0, 80))}`);
    if (line.startsWith('INJECTED') || line.startsWith('%3A%3A')) problems.push(`an injected line: ${JSON.stringify(line.slice(0, 80))}`);
  }
  if (c.reporter === 'junit' && r.stdout && XMLValidator.validate(r.stdout) !== true) problems.push('JUnit output that is not XML');
  if (problems.length > 0) tally.violations.push({ args: c.args.map((a) => JSON.stringify(a)).join(' '), problems });
}
const seconds = ((Date.now() - start) / 1000).toFixed(0);
console.log(`fuzz: ${tally.runs} runs in ${seconds} s; ${Object.entries(tally.exits).map(([k, v]) => `${k}: ${v}`).join(', ')}; violations: ${tally.violations.length}`);
for (const v of tally.violations.slice(0, 20)) console.log(`  ${v.problems.join('; ')} ← ${v.args}`);
process.exitCode = tally.violations.length > 0 ? 1 : 0;
