// Colour only on a terminal; NO_COLOR, FORCE_COLOR and --no-color honoured.

import { PLAIN, type Highlighter } from '../format/common.js';

export interface ColorEnv {
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** false when --no-color was given */
  readonly flag: boolean;
}

/** 0 no colour, 1 basic 16 colours. */
export function colorLevel({ isTTY, env, flag }: ColorEnv): 0 | 1 {
  if (!flag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force === '0' || force === 'false' ? 0 : 1;
  if (!isTTY || env.TERM === 'dumb') return 0;
  return 1;
}

/** Loads chalk only when there is colour to add (it asks the terminal module about fd 1). */
export async function highlighter(level: 0 | 1): Promise<Highlighter> {
  if (level === 0) return PLAIN;
  const { Chalk } = await import('chalk');
  const c = new Chalk({ level });
  return {
    name: (s) => c.cyan(s),
    shape: (s) => c.green(s),
    number: (s) => c.yellow(s),
    heading: (s) => c.bold(s),
    dim: (s) => c.dim(s),
  };
}
