// The diagram view's layout worker: Graphviz (WASM, inside this script, so it loads from disk too)
// lays out a DOT text into SVG off the page's thread. Built into dist/web/graphviz.js as a data: URL
// the page adds only when a diagram is first drawn, and started from that data: URL.

import { Graphviz } from '@hpcc-js/wasm-graphviz';

export interface LayoutAsk {
  readonly id: number;
  readonly dot: string;
}
export type LayoutAnswer = { readonly id: number; readonly svg: string } | { readonly id: number; readonly error: string };

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<LayoutAsk>) => void) | null; postMessage(answer: LayoutAnswer): void };
let graphviz: ReturnType<typeof Graphviz.load> | null = null;

scope.onmessage = async ({ data: { id, dot } }) => {
  try {
    graphviz ??= Graphviz.load();
    scope.postMessage({ id, svg: (await graphviz).layout(dot, 'svg', 'dot') });
  } catch (e) {
    // Graphviz's own failure (its stack, its memory): the page says it where the diagram would be
    scope.postMessage({ id, error: e instanceof Error ? e.message : String(e) });
  }
};
