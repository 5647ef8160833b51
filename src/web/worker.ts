// The page's worker: traces and formats what the page asks for (present.ts) off the page's own
// thread, so that the page answers input whatever a link holds. Built into a data: URL inside
// app.js, the one way a page opened from disk can start a worker.

import type { PageState } from './state.js';
import { present, presentJson, presentOnnx, type Presented } from './present.js';

/** What the page asks: what to show for a state, or the JSON document or ONNX file to download. */
export interface Ask {
  readonly id: number;
  readonly kind: 'show' | 'download' | 'download-onnx';
  readonly state: PageState;
}

/** The answer, with how long it took; `bug` when the core threw (a bug, not a user's mistake). */
export type Answer =
  | { readonly id: number; readonly ms: number; readonly kind: 'show'; readonly shown: Presented }
  | { readonly id: number; readonly ms: number; readonly kind: 'download'; readonly data: string | Uint8Array | null }
  | { readonly id: number; readonly ms: number; readonly kind: 'bug'; readonly bug: string };

const scope = globalThis as unknown as { onmessage: ((e: MessageEvent<Ask>) => void) | null; postMessage(answer: Answer): void };

scope.onmessage = ({ data: ask }) => {
  const start = performance.now();
  const ms = () => performance.now() - start;
  try {
    if (ask.kind === 'show') scope.postMessage({ id: ask.id, kind: 'show', shown: present(ask.state), ms: ms() });
    else scope.postMessage({ id: ask.id, kind: 'download', data: ask.kind === 'download' ? presentJson(ask.state) : presentOnnx(ask.state), ms: ms() });
  } catch (e) {
    scope.postMessage({ id: ask.id, kind: 'bug', bug: e instanceof Error ? `${e.name}: ${e.message}` : String(e), ms: ms() });
  }
};
