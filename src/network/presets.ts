// The shipped presets, bundled as trusted data (a test validates each file against the
// config schema, so the common path need not load zod).

import type { ConfigInput } from './config.js';
import { sameName } from '../nearest.js';
import resnet18 from '../../configs/presets/resnet18.json' with { type: 'json' };
import resnet34 from '../../configs/presets/resnet34.json' with { type: 'json' };
import resnet50 from '../../configs/presets/resnet50.json' with { type: 'json' };
import resnet101 from '../../configs/presets/resnet101.json' with { type: 'json' };
import resnet152 from '../../configs/presets/resnet152.json' with { type: 'json' };
import resnext50_32x4d from '../../configs/presets/resnext50_32x4d.json' with { type: 'json' };
import resnext101_32x8d from '../../configs/presets/resnext101_32x8d.json' with { type: 'json' };
import resnext101_64x4d from '../../configs/presets/resnext101_64x4d.json' with { type: 'json' };
import wide_resnet50_2 from '../../configs/presets/wide_resnet50_2.json' with { type: 'json' };
import wide_resnet101_2 from '../../configs/presets/wide_resnet101_2.json' with { type: 'json' };
import resnet18d from '../../configs/presets/resnet18d.json' with { type: 'json' };
import resnet26d from '../../configs/presets/resnet26d.json' with { type: 'json' };
import resnet34d from '../../configs/presets/resnet34d.json' with { type: 'json' };
import resnet50c from '../../configs/presets/resnet50c.json' with { type: 'json' };
import resnet50d from '../../configs/presets/resnet50d.json' with { type: 'json' };
import resnet50s from '../../configs/presets/resnet50s.json' with { type: 'json' };
import resnet101d from '../../configs/presets/resnet101d.json' with { type: 'json' };
import resnet152d from '../../configs/presets/resnet152d.json' with { type: 'json' };
import resnext50d_32x4d from '../../configs/presets/resnext50d_32x4d.json' with { type: 'json' };
import resnet20_cifar from '../../configs/presets/resnet20_cifar.json' with { type: 'json' };
import resnet32_cifar from '../../configs/presets/resnet32_cifar.json' with { type: 'json' };
import resnet44_cifar from '../../configs/presets/resnet44_cifar.json' with { type: 'json' };
import resnet56_cifar from '../../configs/presets/resnet56_cifar.json' with { type: 'json' };
import resnet110_cifar from '../../configs/presets/resnet110_cifar.json' with { type: 'json' };
import resnet1202_cifar from '../../configs/presets/resnet1202_cifar.json' with { type: 'json' };
import resnet18_cifar from '../../configs/presets/resnet18_cifar.json' with { type: 'json' };
import preact_resnet18_cifar from '../../configs/presets/preact_resnet18_cifar.json' with { type: 'json' };
import senet18_cifar from '../../configs/presets/senet18_cifar.json' with { type: 'json' };
import wrn28_10_cifar from '../../configs/presets/wrn28_10_cifar.json' with { type: 'json' };
import preact_resnet164_cifar from '../../configs/presets/preact_resnet164_cifar.json' with { type: 'json' };
import keras_resnet50 from '../../configs/presets/keras_resnet50.json' with { type: 'json' };
import keras_resnet101 from '../../configs/presets/keras_resnet101.json' with { type: 'json' };
import keras_resnet152 from '../../configs/presets/keras_resnet152.json' with { type: 'json' };
import keras_resnet50v2 from '../../configs/presets/keras_resnet50v2.json' with { type: 'json' };
import keras_resnet101v2 from '../../configs/presets/keras_resnet101v2.json' with { type: 'json' };
import keras_resnet152v2 from '../../configs/presets/keras_resnet152v2.json' with { type: 'json' };
import seresnet50 from '../../configs/presets/seresnet50.json' with { type: 'json' };
import seresnext50_32x4d from '../../configs/presets/seresnext50_32x4d.json' with { type: 'json' };
import resnet10t from '../../configs/presets/resnet10t.json' with { type: 'json' };
import resnet14t from '../../configs/presets/resnet14t.json' with { type: 'json' };
import resnet26 from '../../configs/presets/resnet26.json' with { type: 'json' };
import seresnext26d_32x4d from '../../configs/presets/seresnext26d_32x4d.json' with { type: 'json' };
import resnet50_gn from '../../configs/presets/resnet50_gn.json' with { type: 'json' };
import ecaresnet50d from '../../configs/presets/ecaresnet50d.json' with { type: 'json' };
import resnetrs50 from '../../configs/presets/resnetrs50.json' with { type: 'json' };
import resnetblur50 from '../../configs/presets/resnetblur50.json' with { type: 'json' };
import res2net50_26w_4s from '../../configs/presets/res2net50_26w_4s.json' with { type: 'json' };
import resnetv2_50 from '../../configs/presets/resnetv2_50.json' with { type: 'json' };
import resnetv2_50x1_bit from '../../configs/presets/resnetv2_50x1_bit.json' with { type: 'json' };
import resnest50d from '../../configs/presets/resnest50d.json' with { type: 'json' };
import regnet_x_400mf from '../../configs/presets/regnet_x_400mf.json' with { type: 'json' };
import regnet_y_400mf from '../../configs/presets/regnet_y_400mf.json' with { type: 'json' };
import regnet_x_1_6gf from '../../configs/presets/regnet_x_1_6gf.json' with { type: 'json' };
import regnet_y_1_6gf from '../../configs/presets/regnet_y_1_6gf.json' with { type: 'json' };
import iresnet50 from '../../configs/presets/iresnet50.json' with { type: 'json' };
import iresnet100 from '../../configs/presets/iresnet100.json' with { type: 'json' };
import paddle_resnet50 from '../../configs/presets/paddle_resnet50.json' with { type: 'json' };
import kerashub_resnet18 from '../../configs/presets/kerashub_resnet18.json' with { type: 'json' };
import kerashub_resnet50 from '../../configs/presets/kerashub_resnet50.json' with { type: 'json' };
import kerashub_resnet101 from '../../configs/presets/kerashub_resnet101.json' with { type: 'json' };
import kerashub_resnet152 from '../../configs/presets/kerashub_resnet152.json' with { type: 'json' };
import r3d_18 from '../../configs/presets/r3d_18.json' with { type: 'json' };
import mc3_18 from '../../configs/presets/mc3_18.json' with { type: 'json' };
import r2plus1d_18 from '../../configs/presets/r2plus1d_18.json' with { type: 'json' };
import resnet18_1d from '../../configs/presets/resnet18_1d.json' with { type: 'json' };
import tsc_resnet from '../../configs/presets/tsc_resnet.json' with { type: 'json' };

/** Preset name -> config, in the order `--list` shows them (JSON imports infer arrays, not the `input` tuple: the schema test checks every preset). */
export const PRESETS: Readonly<Record<string, ConfigInput>> = {
  resnet18: resnet18 as ConfigInput,
  resnet34: resnet34 as ConfigInput,
  resnet50: resnet50 as ConfigInput,
  resnet101: resnet101 as ConfigInput,
  resnet152: resnet152 as ConfigInput,
  resnext50_32x4d: resnext50_32x4d as ConfigInput,
  resnext101_32x8d: resnext101_32x8d as ConfigInput,
  resnext101_64x4d: resnext101_64x4d as ConfigInput,
  wide_resnet50_2: wide_resnet50_2 as ConfigInput,
  wide_resnet101_2: wide_resnet101_2 as ConfigInput,
  resnet18d: resnet18d as ConfigInput,
  resnet26d: resnet26d as ConfigInput,
  resnet34d: resnet34d as ConfigInput,
  resnet50c: resnet50c as ConfigInput,
  resnet50d: resnet50d as ConfigInput,
  resnet50s: resnet50s as ConfigInput,
  resnet101d: resnet101d as ConfigInput,
  resnet152d: resnet152d as ConfigInput,
  resnext50d_32x4d: resnext50d_32x4d as ConfigInput,
  keras_resnet50: keras_resnet50 as ConfigInput,
  keras_resnet101: keras_resnet101 as ConfigInput,
  keras_resnet152: keras_resnet152 as ConfigInput,
  keras_resnet50v2: keras_resnet50v2 as unknown as ConfigInput,
  keras_resnet101v2: keras_resnet101v2 as unknown as ConfigInput,
  keras_resnet152v2: keras_resnet152v2 as unknown as ConfigInput,
  seresnet50: seresnet50 as ConfigInput,
  seresnext50_32x4d: seresnext50_32x4d as ConfigInput,
  resnet10t: resnet10t as unknown as ConfigInput,
  resnet14t: resnet14t as unknown as ConfigInput,
  resnet26: resnet26 as ConfigInput,
  seresnext26d_32x4d: seresnext26d_32x4d as ConfigInput,
  resnet50_gn: resnet50_gn as ConfigInput,
  ecaresnet50d: ecaresnet50d as ConfigInput,
  resnetrs50: resnetrs50 as unknown as ConfigInput,
  resnetblur50: resnetblur50 as ConfigInput,
  res2net50_26w_4s: res2net50_26w_4s as ConfigInput,
  resnetv2_50: resnetv2_50 as unknown as ConfigInput,
  resnetv2_50x1_bit: resnetv2_50x1_bit as unknown as ConfigInput,
  resnest50d: resnest50d as ConfigInput,
  regnet_x_400mf: regnet_x_400mf as ConfigInput,
  regnet_y_400mf: regnet_y_400mf as ConfigInput,
  regnet_x_1_6gf: regnet_x_1_6gf as ConfigInput,
  regnet_y_1_6gf: regnet_y_1_6gf as ConfigInput,
  iresnet50: iresnet50 as unknown as ConfigInput,
  iresnet100: iresnet100 as unknown as ConfigInput,
  paddle_resnet50: paddle_resnet50 as ConfigInput,
  kerashub_resnet18: kerashub_resnet18 as ConfigInput,
  kerashub_resnet50: kerashub_resnet50 as ConfigInput,
  kerashub_resnet101: kerashub_resnet101 as ConfigInput,
  kerashub_resnet152: kerashub_resnet152 as ConfigInput,
  resnet20_cifar: resnet20_cifar as unknown as ConfigInput,
  resnet32_cifar: resnet32_cifar as unknown as ConfigInput,
  resnet44_cifar: resnet44_cifar as unknown as ConfigInput,
  resnet56_cifar: resnet56_cifar as unknown as ConfigInput,
  resnet110_cifar: resnet110_cifar as unknown as ConfigInput,
  resnet1202_cifar: resnet1202_cifar as unknown as ConfigInput,
  resnet18_cifar: resnet18_cifar as unknown as ConfigInput,
  preact_resnet18_cifar: preact_resnet18_cifar as unknown as ConfigInput,
  senet18_cifar: senet18_cifar as unknown as ConfigInput,
  wrn28_10_cifar: wrn28_10_cifar as unknown as ConfigInput,
  preact_resnet164_cifar: preact_resnet164_cifar as unknown as ConfigInput,
  r3d_18: r3d_18 as unknown as ConfigInput,
  mc3_18: mc3_18 as unknown as ConfigInput,
  r2plus1d_18: r2plus1d_18 as unknown as ConfigInput,
  resnet18_1d: resnet18_1d as unknown as ConfigInput,
  tsc_resnet: tsc_resnet as unknown as ConfigInput,
};

export const PRESET_NAMES: readonly string[] = Object.keys(PRESETS);

/** Depths `--layers N` accepts: those of the torchvision `resnetN` presets. */
export const LAYER_DEPTHS: readonly number[] = [18, 34, 50, 101, 152];

/** The preset a name means, with case and separators folded (`ResNet-50` is `resnet50`), or undefined. */
export function presetName(name: string): string | undefined {
  if (typeof name !== 'string') return undefined;
  return Object.hasOwn(PRESETS, name) ? name : (sameName(name, PRESET_NAMES) ?? undefined);
}

/** A preset's config (a copy: it shares nothing with the table), by its name folded as `presetName` folds it. */
export function presetConfig(name: string): ConfigInput | undefined {
  const found = presetName(name);
  return found === undefined ? undefined : structuredClone(PRESETS[found]);
}

/** A config file's own fields over the preset it extends (the schema has checked the name). */
export type ConfigFile = Omit<ConfigInput, 'block' | 'layers'> & Partial<ConfigInput> & { readonly extends?: string | undefined };

export function mergeExtends(file: ConfigFile): ConfigInput {
  return overlay(file.extends ? (presetConfig(file.extends) ?? {}) : {}, file);
}

/** A file's own fields (those given) over a base config; `extends` and `$schema` are not fields. */
export function overlay(base: Partial<ConfigInput>, file: ConfigFile): ConfigInput {
  const { extends: _base, $schema: _schema, ...own } = file;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(own)) if (value !== undefined) merged[key] = value;
  return merged as unknown as ConfigInput;
}
