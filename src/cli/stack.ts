// An internal error's stack with the bundle's frames mapped to the TypeScript sources through
// the bundle's source map (`<bundle>.map`). The map is read only here, on the error path:
// start-up never pays for it.

import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

/** `stack` with each frame in `bundle` rewritten to `src/….ts:line:column`; unchanged if unmappable. */
export function sourceMapped(stack: string, bundle: string): string {
  try {
    const mapFile = `${bundle}.map`;
    const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
    return stack.replace(/(\(|at )([^()\s]+):(\d+):(\d+)/g, (frame, open: string, file: string, line: string, column: string) => {
      if (resolve(file) !== resolve(bundle)) return frame;
      const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
      if (!entry.originalSource) return frame;
      return `${open}${resolve(dirname(mapFile), entry.originalSource)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
    });
  } catch {
    return stack;
  }
}
