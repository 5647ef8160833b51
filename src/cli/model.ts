// Which network: a preset (`--arch`, `--layers`), a config file (`--config`), then the flags
// that override the file's fields.

import { basename } from 'node:path';
import { finishConfig, presetInput, type ConfigOverrides } from '../request.js';
import type { ModelConfig } from '../types.js';
import { UsageError } from './exit.js';
import { presetName } from '../network/presets.js';

export interface ModelOptions extends ConfigOverrides {
  readonly arch?: string | undefined;
  readonly layers?: number | undefined;
  readonly config?: string | undefined;
}

/** The model the options name; `stdin` gives standard input's bytes for `--config -`. */
export async function resolveModel(o: ModelOptions, stdin?: () => Buffer): Promise<ModelConfig> {
  const given = [o.arch && '--arch', o.layers !== undefined && '--layers', o.config && '--config'].filter(Boolean);
  if (given.length > 1) throw new UsageError(`${given.join(' and ')} both name a model: give one of them`);
  if (o.config !== undefined) {
    if (o.config.trim() === '') throw new UsageError('--config: expected a file name, found an empty one');
    const { loadConfigFile } = await import('./config-file.js');
    const input = loadConfigFile(o.config, stdin);
    const name = o.config === '-' ? 'stdin' : basename(o.config).replace(/\.json$/i, '');
    return finishConfig(input, name, o, o.config === '-' ? 'standard input' : o.config);
  }
  const name = (o.arch !== undefined ? presetName(o.arch) : undefined) ?? o.arch ?? `resnet${o.layers ?? 50}`;
  return finishConfig(presetInput(name), name, o, name);
}
