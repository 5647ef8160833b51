// `resnet-shapes diff a [b]`: two models (or one at two inputs) aligned row by row.

import { existsSync } from 'node:fs';
import { diffTraces } from '../analysis/diff.js';
import { diffJsonPieces, formatDiffText } from '../format/diff.js';
import { colorLevel, highlighter } from './color.js';
import { EXIT, type ExitCode } from './exit.js';
import { writeAll, type Io } from './io.js';
import { analyzeModel, defaultInput, type InputArg } from '../request.js';
import { resolveModel } from './model.js';
import type { ModelConfig } from '../types.js';

export interface DiffOptions {
  readonly input: InputArg;
  readonly inputB?: InputArg;
  readonly format: 'text' | 'json';
  readonly exitCode?: boolean;
  readonly color: boolean;
}

/** A diff side: a config file when it looks like one, else a preset name. */
async function resolveSide(arg: string): Promise<ModelConfig> {
  const isFile = /\.json$/i.test(arg) || arg.includes('/') || existsSync(arg);
  return resolveModel(isFile ? { config: arg } : { arch: arg });
}

/** `given('input')`: the user gave --input (else each side is traced at its own default input). */
export async function runDiff(a: string, b: string | undefined, opts: DiffOptions, io: Io, given: (option: 'input') => boolean = () => true): Promise<ExitCode> {
  const [ca, cb] = [await resolveSide(a), await resolveSide(b ?? a)];
  const inputOf = (config: ModelConfig) => (given('input') ? opts.input : defaultInput(config));
  const ta = analyzeModel(ca, inputOf(ca)).trace;
  const tb = analyzeModel(cb, opts.inputB ?? inputOf(cb)).trace;
  const diff = diffTraces(ta, tb);
  const sides = [
    { label: a, trace: ta },
    { label: b ?? a, trace: tb },
  ] as const;
  if (opts.format === 'json') writeAll(io, diffJsonPieces(sides[0], sides[1], diff));
  else {
    const hl = await highlighter(colorLevel({ isTTY: io.stdoutIsTTY, env: io.env, flag: opts.color }));
    io.out(formatDiffText(sides[0], sides[1], diff, hl));
  }
  return opts.exitCode && !diff.identical ? EXIT.checkFailed : EXIT.ok;
}
