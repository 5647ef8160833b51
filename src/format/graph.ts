// The network as a graph for diagrams, folded by depth: `stage` (one node a stage), `block`
// (each block's main path, projection shortcut and residual add), `layer` (every row).

import type { Depth } from '../analysis/groups.js';
import { operandsOf, typeName } from '../analysis/kinds.js';
import { sameSection, type Trace } from '../types.js';
import { shapeText } from './common.js';

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'io' | 'stem' | 'stage' | 'main' | 'shortcut' | 'add' | 'head' | 'layer';
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  /** A residual shortcut (identity or projection) rather than the main path. */
  readonly shortcut: boolean;
}

export interface Graph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

interface Unit {
  readonly key: string;
  readonly kind: GraphNode['kind'];
  readonly title: string;
}

/** The node a row is drawn in: the row's role in its block decides (shortcut rows, the join). */
function unitOf(trace: Trace, i: number, depth: Depth): Unit {
  const { spec } = trace.layers[i]!;
  const section = spec.section;
  if (depth === 'layer') return { key: `r${i}`, kind: 'layer', title: `${spec.name}\n${typeName(spec)}` };
  if (section.kind === 'stem') return { key: 'stem', kind: 'stem', title: 'stem' };
  if (section.kind === 'head') return { key: 'head', kind: 'head', title: 'head' };
  const stage = `layer${section.stage + 1}`;
  if (depth === 'stage') {
    const blocks = trace.config.layers[section.stage] ?? 0;
    return { key: stage, kind: 'stage', title: `${stage}\n${blocks} × ${section.block}` };
  }
  const block = `${stage}.${section.index}`;
  switch (spec.role ?? 'main') {
    case 'shortcut':
      return { key: `${block}.downsample`, kind: 'shortcut', title: `${block}.downsample` };
    case 'join':
      return { key: `${block}.add`, kind: 'add', title: `${block} ${joinKinds(trace, i).join(' + ')}` };
    case 'main':
      return { key: block, kind: 'main', title: `${block}\n${section.block}` };
  }
}

/** The kinds of the join rows of row i's block, from row i on (`add`, `relu`). */
function joinKinds(trace: Trace, i: number): string[] {
  const { section } = trace.layers[i]!.spec;
  const kinds: string[] = [];
  for (let j = i; j < trace.layers.length; j++) {
    const { spec } = trace.layers[j]!;
    if (!sameSection(spec.section, section)) break;
    if (spec.role === 'join') kinds.push(spec.kind);
  }
  return kinds;
}

/** Node and edge lists; ids are safe for DOT and Mermaid (`n0`, `n1` …). */
export function buildGraph(trace: Trace, depth: Depth): Graph {
  const sym = trace.symbolicBatch;
  const ids = new Map<string, string>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const seenEdges = new Set<string>();
  const node = (key: string, label: string, kind: GraphNode['kind']): string => {
    let id = ids.get(key);
    if (!id) {
      id = `n${ids.size}`;
      ids.set(key, id);
      nodes.push({ id, label, kind });
      kinds.set(id, kind);
    }
    return id;
  };
  const kinds = new Map<string, GraphNode['kind']>();
  const edge = (from: string, to: string, label: string, residual: boolean) => {
    // the way into a projection shortcut is part of the shortcut too
    const shortcut = residual || kinds.get(to) === 'shortcut';
    const k = `${from}>${to}>${shortcut}`;
    if (from === to || seenEdges.has(k)) return;
    seenEdges.add(k);
    edges.push({ from, to, label, shortcut });
  };
  const input = node('input', `input\n${shapeText(trace.input, sym)}`, 'io');
  const units = trace.layers.map((_, i) => unitOf(trace, i, depth));
  const idOf = (i: number): string => (i < 0 ? input : node(units[i]!.key, units[i]!.title, units[i]!.kind));
  trace.layers.forEach((layer, i) => {
    const here = idOf(i);
    const from = layer.spec.from;
    const source = from < 0 ? trace.input : trace.layers[from]!.output;
    edge(idOf(from), here, shapeText(source, sym), false);
    // the other operands: the residual add's shortcut (drawn as one), the SE product's gate
    for (const o of operandsOf(layer.spec)) {
      const shape = o < 0 ? trace.input : trace.layers[o]!.output;
      edge(idOf(o), here, shapeText(shape, sym), layer.spec.role === 'join');
    }
  });
  const output = node('output', `output\n${shapeText(trace.output, sym)}`, 'io');
  if (trace.layers.length > 0) edge(idOf(trace.layers.length - 1), output, shapeText(trace.output, sym), false);
  return { nodes, edges };
}

/** Diagrams larger than this are refused: nobody reads them, and Graphviz would not finish. */
export const MAX_DIAGRAM_NODES = 20_000;

/** Nodes `buildGraph` would draw: its own units, counted without drawing them. */
export function graphSize(trace: Trace, depth: Depth): number {
  const keys = new Set<string>(['input', 'output']);
  for (let i = 0; i < trace.layers.length; i++) keys.add(unitOf(trace, i, depth).key);
  return keys.size;
}
