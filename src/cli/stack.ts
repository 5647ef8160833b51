// An internal error's stack with the bundles' frames mapped to the TypeScript sources through
// each bundle's source map (`<bundle>.map`). The maps, and node:module that reads them, are
// loaded only here, on the error path: start-up never pays for them.

import { readFileSync } from 'node:fs';
import type { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * `stack` with each frame in a bundle of `folder` (a file there with a `.map` beside it)
 * rewritten to `src/….ts:line:column`; frames elsewhere, or unmappable, unchanged.
 */
export async function sourceMapped(stack: string, folder: string): Promise<string> {
  // this runs while an internal error is reported: whatever goes wrong here, the stack as it was
  try {
    const { SourceMap } = await import('node:module');
    const maps = new Map<string, SourceMap | null>();
    const mapOf = (file: string): SourceMap | null => {
      let map = maps.get(file);
      if (map === undefined) {
        try {
          map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
        } catch {
          map = null;
        }
        maps.set(file, map);
      }
      return map;
    };
    return stack.replace(/(\(|at )([^()\s]+):(\d+):(\d+)/g, (frame, open: string, file: string, line: string, column: string) => {
      const bundle = resolve(file);
      if (dirname(bundle) !== resolve(folder)) return frame;
      const map = mapOf(bundle);
      if (!map) return frame;
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      if (!entry.originalSource) return frame;
      return `${open}${resolve(dirname(bundle), entry.originalSource)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
    });
  } catch {
    return stack;
  }
}
