// Tables for people who write (--format csv, markdown, latex): the same rows and figures as the
// JSON trace document, in each syntax's own rules (RFC 4180 quoting, GitHub's pipe tables, LaTeX
// that compiles with booktabs and longtable), whatever the model's name holds.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, formatAnalysis, presetConfig, resolveConfig } from '../src/index.js';
import type { Analysis } from '../src/analysis/analyze.js';
import { cli } from './helpers/cli.js';

/** RFC 4180 (with LF line ends), read independently of the writer: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') {
      row.push(field);
      rows.push(row);
      (row = []), (field = '');
    } else field += c;
  }
  expect(field === '' && row.length === 0, 'the text ends with a line break').toBe(true);
  return rows;
}

interface Doc {
  layers: { name: string; type: string; output: (number | string)[]; params: number; macs: number; activationBytes: number }[];
  totals: { params: number; macs: number };
  groups?: { name: string; params: number; macs: number }[];
}

async function run(args: string[]): Promise<string> {
  const r = await cli(args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

const analysisOf = (name: string, input = [1, 3, 224, 224]): Analysis => {
  const r = analyze(resolveConfig(presetConfig('resnet18')!, name), input);
  if (!r.ok) throw new Error('resnet18 traces');
  return r.analysis;
};

describe('--format csv', () => {
  it.each(['resnet50', 'resnext50_32x4d', 'resnet20_cifar'])('%s: a row per layer, each figure the JSON document\'s, plain digits', async (arch) => {
    const [csv, json] = await Promise.all([run(['--arch', arch, '--format', 'csv']), run(['--arch', arch, '--format', 'json'])]);
    const doc = JSON.parse(json) as Doc;
    const [head, ...rows] = parseCsv(csv);
    expect(head).toEqual(['Layer (module path)', 'Type', 'Output', 'Weight', 'Bias', 'Params', 'Mult-adds']);
    expect(rows).toHaveLength(doc.layers.length);
    rows.forEach((r, i) => {
      const l = doc.layers[i]!;
      expect([r[0], r[1], r[2]]).toEqual([l.name, l.type, `[${l.output.join(', ')}]`]);
      // a number is its digits (no separators), nothing where it is 0
      expect(r[5]).toBe(l.params === 0 ? '' : String(l.params));
      expect(r[6]).toBe(l.macs === 0 ? '' : String(l.macs));
    });
    expect(rows.reduce((s, r) => s + Number(r[5] || 0), 0)).toBe(doc.totals.params);
  });

  it('--depth stage: a row per group, and the columns chosen with --columns', async () => {
    const [csv, json] = await Promise.all([run(['--arch', 'resnet50', '--format', 'csv', '--depth', 'stage']), run(['--arch', 'resnet50', '--format', 'json', '--depth', 'stage'])]);
    const groups = (JSON.parse(json) as Doc).groups!;
    const [head, ...rows] = parseCsv(csv);
    expect(head![0]).toBe('Group');
    expect(rows.map((r) => [r[0], Number(r[5] || 0), Number(r[7] || 0)])).toEqual(groups.map((g) => [g.name, g.params, g.macs]));
    const chosen = parseCsv(await run(['--arch', 'resnet18', '--format', 'csv', '--columns', 'name,params%,rf,memory']));
    expect(chosen[0]).toEqual(['Layer (module path)', 'Params %', 'Receptive field', 'Kept for backward']);
    // conv1: 9,408 of 11,689,512 parameters is 0.08 %; its window 7 px
    expect(chosen[1]!.slice(0, 3)).toEqual(['conv1', '0.08', '7']);
    // the bytes autograd keeps, as the JSON document's activationBytes
    const doc = JSON.parse(await run(['--arch', 'resnet18', '--format', 'json'])) as Doc;
    expect(chosen.slice(1).map((r) => Number(r[3] || 0))).toEqual(doc.layers.map((l) => l.activationBytes));
  });
});

describe('--format markdown', () => {
  it('a pipe table: a heading, an alignment row, a row per layer, every row as many cells; the totals below', async () => {
    const [md, json] = await Promise.all([run(['--arch', 'resnet50', '--format', 'markdown']), run(['--arch', 'resnet50', '--format', 'json'])]);
    const doc = JSON.parse(json) as Doc;
    const table = md.split('\n').filter((l) => l.startsWith('|'));
    expect(table).toHaveLength(doc.layers.length + 2);
    expect(table[1]).toBe('| :--- | :--- | :--- | :--- | :--- | ---: | ---: |');
    const cells = (line: string) => line.split(/(?<!\\)\|/).length - 2;
    for (const line of table) expect(cells(line)).toBe(7);
    expect(table[2]).toBe('| conv1 | conv2d | [1, 64, 112, 112] | [64, 3, 7, 7] | — | 9,408 | 118,013,952 |');
    expect(md).toContain(`- Total params: ${doc.totals.params.toLocaleString('en')}`);
  });

  it("a name's pipes, stars and controls are escaped", () => {
    const md = formatAnalysis(analysisOf('a|b*c_\x1b[31m'), 'markdown');
    expect(md.split('\n')[0]).toBe('Layers of a\\|b\\*c\\_\\\\x1b[31m at [1, 3, 224, 224]: 11,689,512 parameters, 1.814 GMACs');
  });
});

/** pdflatex, when there is one: CI's machine has none unless RESNET_SHAPES_LATEX=required. */
const PDFLATEX = spawnSync('pdflatex', ['--version']).status === 0;
const latexRequired = process.env['RESNET_SHAPES_LATEX'] === 'required';
if (!PDFLATEX && !latexRequired) console.warn('papers.test.ts: no pdflatex: the LaTeX output is not compiled (apt-get install texlive-latex-recommended)');

describe('--format latex', () => {
  it('a longtable with booktabs rules, a row per layer, escaped', async () => {
    const tex = await run(['--arch', 'resnet18', '--format', 'latex']);
    expect(tex).toMatch(/^% resnet-shapes --format latex: needs \\usepackage\{booktabs\} and \\usepackage\{longtable\}\n\\begin\{longtable\}\{lllllrr\}\n/);
    const rows = tex.split('\n').filter((l) => / \\\\$/.test(l) && !l.startsWith('\\caption'));
    // the heading twice (first page, later pages), then a row per layer
    const doc = JSON.parse(await run(['--arch', 'resnet18', '--format', 'json'])) as Doc;
    expect(rows).toHaveLength(2 + doc.layers.length);
    expect(rows[2]).toBe('conv1 & conv2d & [1, 64, 112, 112] & [64, 3, 7, 7] & --- & 9,408 & 118,013,952 \\\\');
  });

  it.runIf(PDFLATEX || latexRequired)('compiles with pdflatex: layers and stages, chosen columns, a hostile name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latex-'));
    const hostile = analysisOf('a_b&c%$#{}~^\\ [x] \x1b]0;t\x07 — ×');
    const parts = {
      layers: formatAnalysis(analysisOf('resnet18'), 'latex', { columns: ['output', 'name', 'params%', 'rf', 'memory'] }),
      hostile: formatAnalysis(hostile, 'latex'),
    };
    for (const [name, body] of Object.entries(parts)) {
      writeFileSync(join(dir, `${name}.tex`), body);
      writeFileSync(join(dir, `doc-${name}.tex`), `\\documentclass{article}\n\\usepackage{booktabs,longtable}\n\\begin{document}\n\\input{${name}}\n\\end{document}\n`);
      execFileSync('pdflatex', ['-interaction=nonstopmode', '-halt-on-error', `doc-${name}.tex`], { cwd: dir, stdio: 'pipe' });
    }
  }, 60_000);
});
