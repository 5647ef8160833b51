// ModelConfig -> LayerSpec[]: the stem, the stages of blocks and the head, in forward order, as
// PyTorch's forward hooks see module calls (a reused ReLU gives a row per call), plus the
// operations that are not modules (the residual add, flatten). What a block, a shortcut and a
// stem are is data (designs.ts), and so is how rows are named (naming.ts).

import type { BlockOrderKind, LayerSpec, ModelConfig, Section, SqueezeExcitation } from '../types.js';
import { blockGroups, BLOCKS, blockWidth, ecaKernel, ORDERS, planStages, PRE_ACTIVATION, seChannels, SHORTCUTS, splitAttentionChannels, stemChannels, stemDesign, type BlockArgs, type ShortcutSource, type StagePlan } from './designs.js';
import { NAMINGS, namingOf, type Naming } from './naming.js';
import { midplanes, pad, pair, Rows, spatial, spatialPad, symmetricPad } from './rows.js';

function expandStem(rows: Rows, config: ModelConfig, names: Naming): number {
  const section: Section = { kind: 'stem' };
  const { convs, pool = 'max' } = stemDesign(config);
  if (convs.length === 0) return -1;
  const normalized = config.stemNorm !== false;
  const dims = rows.dims;
  let x = -1;
  let channels = config.inChannels;
  // a stem of one Sequential (torchvision's video stems: stem.0, stem.1, …) numbers every module
  let module = 0;
  const sequential = (fallback: string) => (names.stemSequence ? `${names.stemSequence}.${module++}` : fallback);
  convs.forEach((c, k) => {
    const last = k === convs.length - 1;
    // one conv: conv1, bn1, relu; several: a Sequential (timm's conv1.0 … conv1.6), then bn1
    const name = sequential(convs.length === 1 ? names.stemConv : `${names.stemConv}.${3 * k}`);
    // a kernel per axis (a video stem's 3×7×7) is padded by each half
    const padding = typeof c.kernel === 'number' ? Math.floor(c.kernel / 2) : symmetricPad(c.kernel.map((n) => Math.floor(n / 2)));
    x = rows.conv(name, x, section, { inChannels: channels, outChannels: c.channels, kernel: c.kernel, stride: c.stride ?? 1, padding, normalized: !last || normalized });
    channels = c.channels;
    if (!last) {
      x = rows.bn(sequential(`${names.stemConv}.${3 * k + 1}`), x, section, channels);
      x = rows.relu(sequential(`${names.stemConv}.${3 * k + 2}`), x, section);
    }
  });
  if (dims !== 2) {
    // a 1-d or 3-d stem: its BN and activation, and a max pool of 3 at stride 2 on every axis
    if (normalized) {
      x = rows.bn(sequential(names.stemBn), x, section, channels);
      x = rows.act(sequential(names.stemAct), x, section, channels);
    }
    if (pool === 'none') return x;
    return rows.push({ kind: 'maxpool2d', name: names.stemPool, paddleName: `max_pool${dims}d_0`, from: x, section, kernel: spatial(dims, 3), stride: spatial(dims, 2), padding: spatialPad(dims, 1), dilation: spatial(dims, 1), ceilMode: false });
  }
  if (normalized && config.normAct) x = rows.bn(names.stemBn, x, section, channels, true);
  else if (normalized) {
    x = rows.bn(names.stemBn, x, section, channels);
    x = rows.act(names.stemAct, x, section, channels);
  }
  if (pool === 'none') return x;
  if (pool === 'pad-max') {
    // BiT's 'fixed' stem: nn.ConstantPad2d(1, 0.), then a 3×3/2 max pool without padding
    x = rows.push({ kind: 'constantpad2d', name: names.stemPad ?? `${names.stemPool}.pad`, paddleName: null, from: x, section, padding: pad(1) });
    return rows.push({ kind: 'maxpool2d', name: names.stemPool, paddleName: 'max_pool2d_0', from: x, section, kernel: pair(3), stride: pair(2), padding: pad(0), dilation: pair(1), ceilMode: false });
  }
  const blur = config.antialias === 'blur';
  const part = (k: number) => `${names.stemPool}.${k}`;
  if (pool === 'conv') {
    // timm's replace_stem_pool: a 3×3 conv in the pool's place (at stride 1 and a blur pool with antialias), BN, ReLU
    x = rows.conv(part(0), x, section, { inChannels: channels, outChannels: channels, kernel: 3, stride: blur ? 1 : 2, padding: 1 });
    if (blur) x = blurPool(rows, part(1), x, section, channels, 2);
    x = rows.bn(part(blur ? 2 : 1), x, section, channels);
    return rows.act(part(blur ? 3 : 2), x, section, channels);
  }
  x = rows.push({
    kind: 'maxpool2d',
    name: blur ? part(0) : names.stemPool,
    paddleName: 'max_pool2d_0',
    from: x,
    section,
    kernel: pair(3),
    stride: pair(blur ? 1 : 2),
    padding: pad(1),
    dilation: pair(1),
    ceilMode: false,
  });
  return blur ? blurPool(rows, part(1), x, section, channels, 2) : x;
}

/** timm's BlurPool2d (filter 3) on a map of `channels`, at `stride`. */
function blurPool(rows: Rows, name: string, from: number, section: Section, channels: number, stride: number): number {
  return rows.push({ kind: 'blurpool2d', name, paddleName: null, from, section, channels, kernel: 3, stride });
}

/** The rows of a block's projection shortcut, from `input`; returns the last. */
function projectionOf(rows: Rows, config: ModelConfig, b: BlockArgs, input: number): number {
  return rows.as('shortcut', () => SHORTCUTS[config.downsample].expand(rows, b, input));
}


/**
 * A block's squeeze-and-excitation on `x`, a map of `channels`, squeezed to `squeezed` channels
 * (timm's SEModule, torchvision's SqueezeExcitation or kuangliu's, as `se.squeeze` and the naming
 * say); returns the scaled output's row.
 */
function squeezeExcite(rows: Rows, se: SqueezeExcitation, names: Naming, p: string, section: Section, x: number, channels: number, squeezed: number): number {
  const name = names.se(p, 'mean');
  const squeeze = se.squeeze ?? 'mean';
  let g =
    squeeze === 'pool'
      ? rows.push({ kind: 'adaptiveavgpool2d', name, paddleName: null, from: x, section, outputSize: pair(1) })
      : squeeze === 'height'
        ? rows.push({ kind: 'widthpool2d', name, paddleName: null, from: x, section, height: true })
        : rows.push({ kind: 'mean', name, paddleName: null, from: x, section });
  g = rows.conv(names.se(p, 'fc1'), g, section, { inChannels: channels, outChannels: squeezed, kernel: 1, bias: true, plain: true });
  g = names.seReluNotInplace
    ? rows.push({ kind: 'relu', name: names.se(p, 'act'), paddleName: null, from: g, section, inplace: false })
    : rows.relu(names.se(p, 'act'), g, section);
  g = rows.conv(names.se(p, 'fc2'), g, section, { inChannels: squeezed, outChannels: channels, kernel: 1, bias: true, plain: true });
  g = rows.push({ kind: 'sigmoid', name: names.se(p, 'gate'), paddleName: null, from: g, section, ...(names.functionalRelu ? { functional: true } : {}) });
  return rows.push({ kind: 'mul', name: names.se(p, 'mul'), paddleName: null, from: x, section, gate: g });
}

/** A block's efficient channel attention on `x`, a map of `channels` (timm's EcaModule); returns the scaled output's row. */
function efficientChannelAttention(rows: Rows, names: Naming, p: string, section: Section, x: number, channels: number): number {
  let g = rows.push({ kind: 'mean', name: names.se(p, 'mean'), paddleName: null, from: x, section, flat: true });
  g = rows.push({ kind: 'channelconv', name: names.se(p, 'conv'), paddleName: null, from: g, section, channels, kernel: ecaKernel(channels) });
  g = rows.push({ kind: 'sigmoid', name: names.se(p, 'gate'), paddleName: null, from: g, section });
  return rows.push({ kind: 'mul', name: names.se(p, 'mul'), paddleName: null, from: x, section, gate: g });
}

/** A dropout at rate `rate`: an F.dropout call or an nn.Dropout module, as the naming says. */
function dropoutRow(rows: Rows, names: Naming, p: string, section: Section, x: number, rate: number): number {
  const name = names.dropout?.(p) ?? `${p}.dropout`;
  return rows.push({ kind: 'dropout', name, paddleName: null, from: x, section, p: rate, inplace: false, ...(names.functionalDropout ? { functional: true } : {}) });
}

/** A shortcut that only subsamples: a 1×1 max pool at the block's stride (Keras V2's `MaxPooling2D(1, strides)`). */
function subsampleOf(rows: Rows, b: BlockArgs, input: number): number {
  return rows.as('shortcut', () => rows.push({
    kind: 'maxpool2d',
    name: b.names.shortcut(b.prefix, 0, 'pool'),
    paddleName: null,
    from: input,
    section: b.section,
    kernel: pair(1),
    stride: pair(b.stride),
    padding: pad(0),
    dilation: pair(1),
    ceilMode: false,
  }));
}

/** An identity shortcut: the input itself, or a row where the source calls a module for it. */
function identityShortcut(rows: Rows, config: ModelConfig, b: BlockArgs, order: BlockOrderKind, input: number): number {
  const name = b.names.identityShortcut?.(b.prefix, order) ?? (config.shortcutNorm ? b.names.shortcut(b.prefix, 0, 'bn') : null);
  if (!name) return input;
  // Wang et al.'s time-series ResNet normalises the input it carries
  if (config.shortcutNorm) return rows.as('shortcut', () => rows.bn(name, input, b.section, b.inChannels));
  return rows.as('shortcut', () => rows.push({ kind: 'identity', name, paddleName: null, from: input, section: b.section }));
}

/**
 * When a block's shortcut runs, as its source's forward runs it: `first`, before everything
 * (Keras V1); `branch`, right after the first activation of a pre-activation block (Keras V2's
 * shortcut follows its shared pre-activation; kuangliu's projection reads it); `last`, after
 * the main path. A `branch` naming whose shortcut does not read the activation runs it last.
 */
function shortcutPlacement(at: Naming['shortcutAt'], pre: boolean, from: ShortcutSource): Naming['shortcutAt'] {
  if (at === 'first') return pre ? 'branch' : 'first';
  if (at === 'branch') return pre && from === 'preactivation' ? 'branch' : 'last';
  return 'last';
}

/**
 * timm's Bottle2neck (Res2Net) from row `input`: conv1, bn1, relu; the map split into `scale`
 * groups; each group but the last through its 3×3 (`convs.i`, `bns.i`, relu), after adding the
 * previous group's output where the block neither strides nor projects; the last group as it is,
 * or through `pool` (a 3×3 average pool at the stride) where it does; their concatenation;
 * conv3, bn3, the attention, the shortcut, the add, relu. Returns its last row.
 */
function expandMultiScale(rows: Rows, config: ModelConfig, b: BlockArgs, input: number): number {
  const { prefix: p, section, plan, names } = b;
  const width = blockWidth(config, plan.planes);
  const scale = config.scale ?? 4;
  const first = b.stride > 1 || b.projection;
  const dilation = b.first ? plan.firstDilation : plan.dilation;
  let x = rows.conv(names.conv(p, 1), input, section, { inChannels: b.inChannels, outChannels: width * scale, kernel: 1 });
  x = rows.bn(names.bn(p, 1), x, section, width * scale);
  x = rows.act(names.act(p, 1), x, section, width * scale);
  const whole = x;
  const split = (i: number) => rows.push({ kind: 'slice', name: `${p}.split.${i}`, paddleName: null, from: whole, section, start: i * width, channels: width });
  const joined: number[] = [];
  let sp = -1;
  for (let i = 0; i < scale - 1; i++) {
    sp = i === 0 || first ? split(i) : rows.push({ kind: 'add', name: `${p}.add.${i}`, paddleName: null, from: sp, section, shortcut: split(i), outOfPlace: 'operator' });
    sp = rows.conv(`${p}.convs.${i}`, sp, section, { inChannels: width, outChannels: width, kernel: 3, stride: b.stride, padding: dilation, dilation, groups: config.groups });
    sp = rows.bn(`${p}.bns.${i}`, sp, section, width);
    sp = rows.act(names.act(p, 2 + i), sp, section, width);
    joined.push(sp);
  }
  let last = split(scale - 1);
  if (first) {
    // nn.AvgPool2d(3, stride, padding=1): padding counts in the average (PyTorch's default)
    last = rows.push({ kind: 'avgpool2d', name: `${p}.pool`, paddleName: null, from: last, section, kernel: pair(3), stride: pair(b.stride), padding: pad(1), ceilMode: false, countIncludePad: true });
  }
  joined.push(last);
  x = rows.push({ kind: 'concat', name: `${p}.cat`, paddleName: null, from: joined[0]!, section, others: joined.slice(1) });
  x = rows.conv(names.conv(p, 3), x, section, { inChannels: width * scale, outChannels: plan.outChannels, kernel: 1 });
  x = rows.bn(names.bn(p, 3), x, section, plan.outChannels);
  if (config.eca) x = efficientChannelAttention(rows, names, p, section, x, plan.outChannels);
  const { se } = config;
  if (se) x = squeezeExcite(rows, se, names, p, section, x, plan.outChannels, seChannels(se, se.of === 'input' ? b.inChannels : plan.outChannels));
  return joinAfterMain(rows, config, b, input, x, scale + 1);
}

/**
 * A post-activation block's end, its main path done (row `main`): its shortcut (made last, as
 * timm runs it), the in-place sum, the activation (the block's `n`-th). Returns the last row.
 */
function joinAfterMain(rows: Rows, config: ModelConfig, b: BlockArgs, input: number, main: number, n: number): number {
  const shortcut = b.projection ? projectionOf(rows, config, b, input) : b.subsample ? subsampleOf(rows, b, input) : identityShortcut(rows, config, b, 'post', input);
  return rows.as('join', () => {
    const y = rows.push({ kind: 'add', name: b.names.add(b.prefix), paddleName: null, from: main, section: b.section, shortcut });
    return rows.act(b.names.out(b.prefix, n), y, b.section, b.plan.outChannels);
  });
}

/**
 * timm's ResNestBottleneck (avd, not avd_first) from row `input`: conv1, bn1, act1; the split
 * attention `conv2` (conv, bn0, act0, the radix groups summed, their mean, fc1, bn1, act1, fc2,
 * rsoftmax, the groups weighted and summed); a strided block's 3×3 average pool `avd_last`; conv3,
 * bn3, the shortcut, the add, act3. Returns its last row.
 */
function expandSplitAttention(rows: Rows, config: ModelConfig, b: BlockArgs, input: number): number {
  const { prefix: p, section, plan, names } = b;
  const width = blockWidth(config, plan.planes);
  const radix = config.radix ?? 2;
  const groups = config.groups;
  const dilation = b.first ? plan.firstDilation : plan.dilation;
  const a = `${p}.conv2`;
  let x = rows.conv(names.conv(p, 1), input, section, { inChannels: b.inChannels, outChannels: width, kernel: 1 });
  x = rows.bn(names.bn(p, 1), x, section, width);
  x = rows.act(names.act(p, 1), x, section, width);
  // avd: the split attention at stride 1, the stride in the average pool after it
  x = rows.conv(`${a}.conv`, x, section, { inChannels: width, outChannels: width * radix, kernel: 3, padding: dilation, dilation, groups: groups * radix });
  x = rows.bn(`${a}.bn0`, x, section, width * radix);
  const split = rows.act(`${a}.act0`, x, section, width * radix);
  const summed = radix > 1 ? rows.push({ kind: 'radixsum', name: `${a}.sum`, paddleName: null, from: split, section, radix }) : split;
  const inner = splitAttentionChannels(width, radix);
  let g = rows.push({ kind: 'mean', name: `${a}.mean`, paddleName: null, from: summed, section });
  g = rows.conv(`${a}.fc1`, g, section, { inChannels: width, outChannels: inner, kernel: 1, groups, bias: true, plain: true });
  g = rows.bn(`${a}.bn1`, g, section, inner);
  g = rows.act(`${a}.act1`, g, section, inner);
  g = rows.conv(`${a}.fc2`, g, section, { inChannels: inner, outChannels: width * radix, kernel: 1, groups, bias: true, plain: true });
  g = rows.push({ kind: 'radixsoftmax', name: `${a}.rsoftmax`, paddleName: null, from: g, section, radix, groups });
  x = rows.push({ kind: 'mul', name: `${a}.mul`, paddleName: null, from: split, section, gate: g });
  if (radix > 1) x = rows.push({ kind: 'radixsum', name: `${a}.out`, paddleName: null, from: x, section, radix });
  if (b.stride > 1) {
    // nn.AvgPool2d(3, stride, padding=1): padding counts in the average (PyTorch's default)
    x = rows.push({ kind: 'avgpool2d', name: `${p}.avd_last`, paddleName: null, from: x, section, kernel: pair(3), stride: pair(b.stride), padding: pad(1), ceilMode: false, countIncludePad: true });
  }
  x = rows.conv(names.conv(p, 3), x, section, { inChannels: width, outChannels: plan.outChannels, kernel: 1 });
  x = rows.bn(names.bn(p, 3), x, section, plan.outChannels);
  return joinAfterMain(rows, config, b, input, x, 3);
}

/** Expands one block from its design, its order and its shortcut form, from row `input`; returns its last row. */
function expandBlock(rows: Rows, config: ModelConfig, b: BlockArgs, input: number): number {
  const design = BLOCKS[config.block];
  if (design.multiScale) return expandMultiScale(rows, config, b, input);
  if (design.splitAttention) return expandSplitAttention(rows, config, b, input);
  const orderKind = config.order ?? 'post';
  const order = ORDERS[orderKind];
  const { prefix: p, section, plan, names } = b;
  const width = blockWidth(config, plan.planes);
  let x = input;
  // the channels of `x` as the steps run
  let current = b.inChannels;
  let acts = 0;
  let bns = 0;
  const { se } = config;
  const pre = order === PRE_ACTIVATION;
  const from = pre ? (config.shortcutFrom ?? order.shortcutFrom) : 'input';
  const at = shortcutPlacement(names.shortcutAt, pre, from);
  let shortcutFrom = input;
  // a projection reads `source`; a subsampling shortcut always reads the block's input
  const shortcutOf = (source: number) => (b.projection ? projectionOf(rows, config, b, source) : subsampleOf(rows, b, input));
  const reshaped = b.projection || b.subsample;
  // made first, at the branch, or after the main path (`at`)
  let shortcut: number | undefined = reshaped && at === 'first' ? shortcutOf(input) : undefined;
  const last = design.convs.length - 1;
  for (let c = 0; c <= last; c++) {
    const conv = design.convs[c]!;
    const n = c + 1;
    const out = conv.out === 'width' ? width : plan.outChannels;
    const strided =
      conv.stride === 'always' || (conv.stride === 'v1' && config.strideIn1x1) || (conv.stride === 'v1.5' && !config.strideIn1x1);
    const dilation = conv.dilation === 'none' ? 1 : conv.dilation === 'entry' && b.first ? plan.firstDilation : plan.dilation;
    const steps = c === last ? order.lastUnit : order.unit;
    // antialias: the strided conv runs at stride 1, and a blur pool at the stride follows its activation (timm's `aa`)
    const blurred = strided && config.antialias === 'blur' && (b.stride === 2 || (b.first && plan.firstDilation !== plan.dilation));
    // whether a BN reads the conv's output (in its unit, or first in the next): then no bias with convBias "unnormalized"
    const after = steps[steps.indexOf('conv') + 1] ?? (c < last ? (c + 1 === last ? order.lastUnit : order.unit)[0] : undefined);
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k]!;
      // timm's norm-act: a BN and the ReLU after it, one module
      const fused = step === 'bn' && config.normAct === true && steps[k + 1] === 'act';
      if (step === 'act' || fused) {
        if (fused) {
          x = rows.bn(names.bn(p, ++bns), x, section, current, true);
          acts++;
          k++;
        } else x = rows.act(names.act(p, ++acts), x, section, current);
        if (blurred) x = blurPool(rows, `${p}.aa`, x, section, current, b.stride);
        if (c === 0 && acts === 1 && pre) {
          if (from === 'preactivation') shortcutFrom = x;
          if (at === 'branch' && reshaped) shortcut = shortcutOf(shortcutFrom);
        }
      } else if (step === 'bn') {
        x = rows.bn(names.bn(p, ++bns), x, section, current);
      } else {
        // Wide ResNet's dropout, right before the block's last conv
        if (c === last && config.dropout !== undefined) x = dropoutRow(rows, names, p, section, x, config.dropout);
        x = rows.conv(names.conv(p, n), x, section, {
          inChannels: current,
          outChannels: out,
          kernel: conv.kernel,
          stride: strided && !blurred ? b.stride : 1,
          padding: conv.padding === 'same' ? 'same' : conv.kernel === 1 ? 0 : dilation,
          dilation,
          groups: conv.grouped ? blockGroups(config, width) : 1,
          normalized: after === 'bn',
          maker: plan.maker,
          mid: plan.maker === '2plus1d' ? midplanes(b.inChannels, plan.planes) : undefined,
        });
        current = out;
      }
    }
    // RegNetY's SE: after the 3×3 unit, on its width, squeezed from the block's input width
    if (se?.at === 'inner' && c === last - 1) x = squeezeExcite(rows, se, names, p, section, x, out, seChannels(se, se.of === 'input' ? b.inChannels : out));
  }
  if (config.eca) x = efficientChannelAttention(rows, names, p, section, x, plan.outChannels);
  if (se && se.at !== 'inner') x = squeezeExcite(rows, se, names, p, section, x, plan.outChannels, seChannels(se, se.of === 'input' ? b.inChannels : plan.outChannels));
  const joined = shortcut ?? (reshaped ? shortcutOf(shortcutFrom) : identityShortcut(rows, config, b, orderKind, input));
  const main = x;
  return rows.as('join', () => {
    let y = rows.push({ kind: 'add', name: names.add(p), paddleName: null, from: main, section, shortcut: joined, ...(names.outOfPlaceAdd ? { outOfPlace: names.outOfPlaceAdd } : {}) });
    for (let k = 0; k < order.afterAdd.length; k++) if (order.afterAdd[k] === 'act') y = rows.act(names.out(p, ++acts), y, section, plan.outChannels);
    return y;
  });
}

/** The head after row `input`: a final BN-ReLU where the network has one, the pool, flatten, the classifier. */
function expandHead(rows: Rows, config: ModelConfig, names: Naming, channels: number, input: number): void {
  const section: Section = { kind: 'head' };
  let x = input;
  if (config.headNorm && config.normAct) x = rows.bn(names.headBn, x, section, channels, true);
  else if (config.headNorm) {
    // pre-activation networks normalise the last block's sum before pooling
    x = rows.bn(names.headBn, x, section, channels);
    x = rows.act(names.headAct, x, section, channels);
  }
  if (config.headFlatten) {
    // IResNet's embedding head: BN, flatten, dropout, a linear built for one map size, BatchNorm1d
    const [h, w] = config.headFlatten;
    x = rows.bn(names.headBn, x, section, channels);
    x = rows.push({ kind: 'flatten', name: names.flatten, paddleName: null, from: x, section });
    x = rows.push({ kind: 'dropout', name: names.headDropout ?? 'dropout', paddleName: null, from: x, section, p: 0, inplace: true });
    x = rows.push({ kind: 'linear', name: names.fc, paddleName: 'linear_0', from: x, section, inFeatures: channels * h * w, outFeatures: config.classes, bias: true });
    rows.push({ kind: 'batchnorm1d', name: names.headFeatures ?? 'features', paddleName: null, from: x, section, features: config.classes, frozenWeight: true });
    return;
  }
  // a backbone: the last stage's map is the output
  if (config.headPool === 'none') return;
  const pool = names.pool;
  if (config.headPool === 'width') x = rows.push({ kind: 'widthpool2d', name: pool, paddleName: 'avg_pool2d_head', from: x, section });
  else if (typeof config.headPool === 'number' && names.poolModule) {
    const k = config.headPool;
    x = rows.push({ kind: 'avgpool2d', name: pool, paddleName: 'avg_pool2d_head', from: x, section, kernel: pair(k), stride: pair(k), padding: pad(0), ceilMode: false, countIncludePad: true });
  } else if (typeof config.headPool === 'number') {
    x = rows.push({ kind: 'widthpool2d', name: pool, paddleName: 'avg_pool2d_head', from: x, section, window: config.headPool, unit: config.classes > 0 });
  } else x = rows.push({ kind: 'adaptiveavgpool2d', name: pool, paddleName: `adaptive_avg_pool${rows.dims}d_0`, from: x, section, outputSize: spatial(rows.dims, 1) });
  if (config.classifier === 'conv') {
    // timm's ClassifierHead(use_conv=True): nn.Dropout(0), a 1×1 conv with bias (nn.Identity without classes), nn.Flatten
    x = rows.push({ kind: 'dropout', name: names.headDropout ?? 'drop', paddleName: null, from: x, section, p: 0, inplace: false });
    x =
      config.classes > 0
        ? rows.conv(names.fc, x, section, { inChannels: channels, outChannels: config.classes, kernel: 1, bias: true, plain: true })
        : rows.push({ kind: 'identity', name: names.fc, paddleName: null, from: x, section });
    rows.push({ kind: 'flatten', name: names.flatten, paddleName: null, from: x, section });
    return;
  }
  x = rows.push({ kind: 'flatten', name: names.flatten, paddleName: null, from: x, section });
  if (config.classes > 0) {
    rows.push({ kind: 'linear', name: names.fc, paddleName: 'linear_0', from: x, section, inFeatures: channels, outFeatures: config.classes, bias: true });
  } else {
    // No classifier: the classifier becomes nn.Identity, timm's num_classes=0 and the usual
    // way to take a torchvision backbone's pooled features.
    rows.push({ kind: 'identity', name: names.fc, paddleName: null, from: x, section });
  }
}

function blockArgs(config: ModelConfig, names: Naming, plan: StagePlan, s: number, i: number, serial: number): BlockArgs {
  const first = i === 0;
  // the stage's stride sits on its first block (torchvision) or its last (Keras V2)
  const stride = (config.strideAt === 'last' ? i === plan.blocks - 1 : first) ? plan.stride : 1;
  const inChannels = first ? plan.inChannels : plan.outChannels;
  const reshapes = inChannels !== plan.outChannels;
  const projection = reshapes || (first && config.firstShortcut === 'always') || (stride !== 1 && config.strideShortcut !== 'maxpool');
  return {
    prefix: names.block(s, i, serial),
    names,
    section: { kind: 'block', block: config.block, stage: s, index: i, serial, projection },
    plan,
    inChannels,
    stride,
    first,
    projection,
    subsample: !projection && stride !== 1,
  };
}

/**
 * Expands the stages; returns the last stage's channels and how many rows the stages have. With
 * `weights`, each stage is sampled: its first and second block (and its last where the stride
 * sits there). After the first block the blocks of a stage take and give the same shapes, so the
 * second stands for every other (`weights[serial]` says for how many).
 */
function expandStages(rows: Rows, config: ModelConfig, names: Naming, input: number, weights?: number[]): { channels: number; rows: number; last: number } {
  let channels = stemChannels(config);
  let x = input;
  let serial = 0;
  let count = 0;
  planStages(config).forEach((plan, s) => {
    const n = plan.blocks;
    // the last block is its own only where it strides (Keras V2); elsewhere the second stands for it too
    const lastApart = config.strideAt === 'last';
    const picked = weights ? [...new Set(lastApart ? [0, 1, n - 1] : [0, 1])].filter((i) => i >= 0 && i < n) : null;
    for (let k = 0; k < (picked ? picked.length : n); k++) {
      const i = picked ? picked[k]! : k;
      const weight = picked && i === 1 ? (lastApart ? Math.max(1, n - 2) : n - 1) : 1;
      weights?.push(weight);
      const before = rows.list.length;
      x = expandBlock(rows, config, blockArgs(config, names, plan, s, i, serial++), x);
      count += (rows.list.length - before) * weight;
    }
    if (n > 0) channels = plan.outChannels;
  });
  return { channels, rows: count, last: x };
}

/** An empty row list for a config, and the names its rows take. */
function startRows(config: ModelConfig): { rows: Rows; names: Naming } {
  const names = namingOf(config);
  // timm's networks (its names) have timm's GroupNorm class
  const timm = names === NAMINGS.timm || names === NAMINGS.res2net || names === NAMINGS.resnetv2;
  const rows = new Rows(config.convBias ?? false, names.functionalRelu ?? false, config.activation ?? 'relu', config.norm?.groups, config.weightStandardization ?? false, timm, config.dims ?? 2);
  return { rows, names };
}

/**
 * Expands a resolved config (checked with `checkConfig`) into layer specs in forward order.
 * Block rules follow torchvision's resnet.py (v1.5 stride on the 3×3 unless `strideIn1x1`;
 * a replaced stride multiplies the dilation; a stage's first block keeps the previous
 * dilation) and timm's resnet.py for the deep stem and the avg-pool shortcut.
 */
export function expandResNet(config: ModelConfig): LayerSpec[] {
  const { rows, names } = startRows(config);
  const stages = expandStages(rows, config, names, expandStem(rows, config, names));
  expandHead(rows, config, names, stages.channels, stages.last);
  return rows.list;
}

/** Rows `expandResNet` gives, counted by the same code without building a whole network. */
export function countRows(config: ModelConfig): number {
  const { rows, names } = startRows(config);
  const stemLast = expandStem(rows, config, names);
  const stem = rows.list.length;
  const stages = expandStages(rows, config, names, stemLast, []);
  const before = rows.list.length;
  expandHead(rows, config, names, stages.channels, stages.last);
  return stem + stages.rows + (rows.list.length - before);
}

/**
 * The network with each stage sampled (`expandStages` says which blocks) and, per block serial,
 * how many blocks of the whole network the sampled block stands for: totals over the sample,
 * each block's weighted, are the whole network's, at a fraction of the rows.
 */
export function expandSampled(config: ModelConfig): { specs: LayerSpec[]; weights: readonly number[] } {
  const { rows, names } = startRows(config);
  const weights: number[] = [];
  const stages = expandStages(rows, config, names, expandStem(rows, config, names), weights);
  expandHead(rows, config, names, stages.channels, stages.last);
  return { specs: rows.list, weights };
}
