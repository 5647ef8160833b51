// `resnet-shapes sizes <model>`: which inputs the model takes, from the formulas of its sides.

import { existsSync } from 'node:fs';
import { sizesReport } from '../analysis/sizes.js';
import { expandResNet } from '../network/expand.js';
import { sizesJson, sizesTable, sizesText } from '../format/sizes.js';
import { echo } from '../format/common.js';
import { isImageNetwork } from '../network/config.js';
import { InputError } from '../errors.js';
import { EXIT, type ExitCode } from './exit.js';
import type { Io } from './io.js';
import { defaultInput } from '../request.js';
import { resolveModel } from './model.js';

export interface SizesOptions {
  readonly target?: { readonly row: string; readonly size: readonly [number, number] };
  readonly format: 'text' | 'table' | 'json';
}

/** `layer4=7x7`, `layer4=7` (square), `conv5_block3_out=7x9`. */
export function parseTarget(text: string): SizesOptions['target'] {
  const m = /^([^=]+)=(\d{1,10})(?:[x×](\d{1,10}))?$/.exec(text);
  if (!m) throw new InputError(`--target: expected ROW=HxW such as layer4=7x7, found '${echo(text)}'`);
  const h = Number(m[2]);
  const w = m[3] === undefined ? h : Number(m[3]);
  if (h < 1 || w < 1) throw new InputError(`--target: expected sizes of at least 1, found '${echo(text)}'`);
  return { row: m[1]!, size: [h, w] };
}

export async function runSizes(model: string, opts: SizesOptions, io: Io): Promise<ExitCode> {
  const isFile = /\.json$/i.test(model) || model.includes('/') || existsSync(model);
  const config = await resolveModel(isFile ? { config: model } : { arch: model });
  if (!isImageNetwork(config)) throw new InputError(`${echo(config.name)} is a network of ${config.dims}-d maps: sizes works out the heights and widths an image network (dims 2) takes`);
  const specs = expandResNet(config);
  const input = defaultInput(config).shape;
  const report = sizesReport(specs, input, opts.target);
  if (opts.target && !report.target) throw new InputError(`--target: no row or group named '${echo(opts.target.row)}' in ${config.name} (the table format lists the rows)`);
  const format = { text: sizesText, table: sizesTable, json: sizesJson }[opts.format];
  io.out(format(report, config.name));
  return EXIT.ok;
}
