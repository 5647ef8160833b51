// Graphviz for the page's diagram view, built into dist/web/graphviz.js: a classic script the
// page adds only when a diagram is first drawn (the WASM is inside it, so it loads from disk too).

import { Graphviz } from '@hpcc-js/wasm-graphviz';

(globalThis as unknown as { resnetShapesGraphviz: typeof Graphviz }).resnetShapesGraphviz = Graphviz;
