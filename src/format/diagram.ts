// Diagrams: Graphviz DOT and Mermaid flowcharts of the graph built in graph.ts.

import { inert } from './common.js';
import type { Graph, GraphNode } from './graph.js';

const SHAPES: Record<GraphNode['kind'], string> = {
  io: 'shape=oval',
  stem: 'shape=box, style="rounded,filled", fillcolor="#e8eef7"',
  stage: 'shape=box, style="rounded,filled", fillcolor="#e8f4ea"',
  main: 'shape=box, style="rounded,filled", fillcolor="#e8f4ea"',
  shortcut: 'shape=box, style="rounded,filled", fillcolor="#fbeee0"',
  add: 'shape=circle, style=filled, fillcolor="#f2f2f2"',
  head: 'shape=box, style="rounded,filled", fillcolor="#e8eef7"',
  layer: 'shape=box, style=rounded',
};

/** A DOT string: backslash and quote escaped, newlines as \n (centred lines). */
function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export function formatDot(graph: Graph, title: string): string {
  const lines = [
    `digraph ${dotString(inert(title))} {`,
    '  graph [rankdir=TB, fontname="Helvetica"];',
    '  node [fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const n of graph.nodes) {
    const label = n.kind === 'add' ? '+' : n.label;
    const tooltip = n.kind === 'add' ? `, tooltip=${dotString(n.label)}, xlabel=${dotString(n.label.split(' ')[0]!)}` : '';
    lines.push(`  ${n.id} [label=${dotString(label)}, ${SHAPES[n.kind]}${tooltip}];`);
  }
  for (const e of graph.edges) {
    const style = e.shortcut ? ', style=dashed, color="#b05a00"' : '';
    lines.push(`  ${e.from} -> ${e.to} [label=${dotString(e.label)}${style}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Mermaid label text: quoted, with its own characters escaped as entities. */
function mermaidText(s: string): string {
  return `"${s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br/>')}"`;
}

const MERMAID_SHAPES: Record<GraphNode['kind'], [string, string]> = {
  io: ['([', '])'],
  stem: ['[', ']'],
  stage: ['[', ']'],
  main: ['[', ']'],
  shortcut: ['[', ']'],
  add: ['((', '))'],
  head: ['[', ']'],
  layer: ['[', ']'],
};

export function formatMermaid(graph: Graph): string {
  const lines = ['flowchart TD'];
  for (const n of graph.nodes) {
    const [open, close] = MERMAID_SHAPES[n.kind];
    lines.push(`  ${n.id}${open}${mermaidText(n.kind === 'add' ? `+ ${n.label.split(' ')[0]}` : n.label)}${close}`);
  }
  for (const e of graph.edges) {
    const arrow = e.shortcut ? '-.->' : '-->';
    lines.push(`  ${e.from} ${arrow}|${mermaidText(e.label)}| ${e.to}`);
  }
  lines.push('  classDef shortcut fill:#fbeee0,stroke:#b05a00;');
  const shortcuts = graph.nodes.filter((n) => n.kind === 'shortcut').map((n) => n.id);
  if (shortcuts.length > 0) lines.push(`  class ${shortcuts.join(',')} shortcut;`);
  return `${lines.join('\n')}\n`;
}
