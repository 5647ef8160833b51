// Diagrams: DOT rendered by Graphviz (compiled to WebAssembly) without errors; Mermaid checked
// structurally (no Mermaid flowchart parser runs in Node without a browser).

import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../src/network/presets.js';
import { cli } from './helpers/cli.js';

let graphviz: Graphviz;
beforeAll(async () => {
  graphviz = await Graphviz.load();
});

function render(dot: string): string {
  const svg = graphviz.dot(dot);
  const error = (graphviz as unknown as { _module: { CGraphviz: { lastError(): string } } })._module.CGraphviz.lastError();
  expect(error).toBe('');
  return svg;
}

describe('dot', () => {
  it.each(PRESET_NAMES)('%s renders with Graphviz', async (name) => {
    const r = await cli(['--arch', name, '--format', 'dot']);
    expect(r.code).toBe(0);
    const svg = render(r.stdout);
    expect(svg).toContain('<svg');
    // every node and edge declared is drawn
    const nodes = r.stdout.match(/^ {2}n\d+ \[/gm)!.length;
    const edges = r.stdout.match(/^ {2}n\d+ -> n\d+ /gm)!.length;
    expect(svg.match(/class="node"/g)).toHaveLength(nodes);
    expect(svg.match(/class="edge"/g)).toHaveLength(edges);
  });

  it.each(['stage', 'block', 'layer'])('ResNet-50 at depth %s renders', async (depth) => {
    const r = await cli(['--layers', '50', '--format', 'dot', '--depth', depth, '--input', 'N,3,97,61']);
    render(r.stdout);
  });

  it('shows residual adds, dashed shortcuts and shapes on the edges', async () => {
    const r = await cli(['--layers', '50', '--format', 'dot']);
    // layer1.0: projection shortcut from the stem to the add, main path into the add
    expect(r.stdout).toMatch(/label="layer1\.0\.downsample"/);
    expect(r.stdout).toMatch(/-> n\d+ \[label="\[1, 256, 56, 56\]", style=dashed/);
    expect(r.stdout).toMatch(/xlabel="layer1\.1"/);
    expect(r.stdout).toMatch(/label="\[1, 2048, 7, 7\]"/);
  });
});

describe('mermaid', () => {
  // ResNet-1202's 600 blocks need more than Mermaid's 500 edges at --depth block
  it('resnet1202_cifar at --depth block is refused with the way out, and draws at --depth stage', async () => {
    const r = await cli(['--arch', 'resnet1202_cifar', '--format', 'mermaid']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toContain('fold it with --depth stage');
    expect((await cli(['--arch', 'resnet1202_cifar', '--format', 'mermaid', '--depth', 'stage'])).code).toBe(0);
  });

  it.each(PRESET_NAMES.filter((n) => n !== 'resnet1202_cifar'))('%s is a flowchart whose edges join declared nodes', async (name) => {
    const r = await cli(['--arch', name, '--format', 'mermaid']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart TD');
    const declared = new Set<string>();
    for (const line of lines.slice(1)) {
      const node = /^ {2}(n\d+)(\(\[|\(\(|\[)"[^"]*"(\]\)|\)\)|\])$/.exec(line);
      const edge = /^ {2}(n\d+) (-->|-\.->)\|"[^"]*"\| (n\d+)$/.exec(line);
      const style = /^ {2}(classDef|class) /.test(line);
      expect(node || edge || style, line).toBeTruthy();
      if (node) declared.add(node[1]!);
      if (edge) {
        expect(declared.has(edge[1]!), line).toBe(true);
        expect(declared.has(edge[3]!), line).toBe(true);
      }
    }
  });

  it('stage depth of ResNet-50: input, stem, four stages, head, output in a chain', async () => {
    const r = await cli(['--layers', '50', '--format', 'mermaid', '--depth', 'stage']);
    expect(r.stdout).toContain('n2["layer1<br/>3 × bottleneck"]');
    expect(r.stdout).toContain('n5["layer4<br/>3 × bottleneck"]');
    expect(r.stdout.match(/-->/g)).toHaveLength(7);
    expect(r.stdout).toContain('n4 -->|"[1, 1024, 14, 14]"| n5');
  });
});

describe('size', () => {
  it('counts the nodes it draws', async () => {
    const { buildGraph, graphSize } = await import('../src/format/graph.js');
    const { preset, trace } = await import('./helpers/model.js');
    for (const name of ['resnet18', 'resnet50', 'resnet50d']) {
      const t = trace(preset(name), [1, 3, 64, 64]);
      for (const depth of ['stage', 'block', 'layer'] as const) {
        expect(graphSize(t, depth), `${name} ${depth}`).toBe(buildGraph(t, depth).nodes.length);
      }
    }
  });
  it('refuses a diagram nobody could read, naming the way out', async () => {
    const r = await cli(['--config', 'test/fixtures/configs/deep-100k.json', '--format', 'dot']);
    expect(r.code).toBe(2);
    // 100,006 blocks of 2 nodes, 3 projection shortcuts, stem, head, input and output
    expect(r.stderr).toMatch(/the diagram would have 200,019 nodes at --depth block, expected at most 20,000: fold it with --depth stage/);
    const stage = await cli(['--config', 'test/fixtures/configs/deep-100k.json', '--format', 'mermaid', '--depth', 'stage']);
    expect(stage.code).toBe(0);
  });
});
