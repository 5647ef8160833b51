// ModelConfig -> LayerSpec[]: the stem, the stages of blocks and the head, in forward order, as
// PyTorch's forward hooks see module calls (a reused ReLU gives a row per call), plus the
// operations that are not modules (the residual add, flatten).

import type {
  BlockKind,
  LayerSpec,
  ModelConfig,
  Padding,
  Pair,
  Section,
} from '../types.js';
import { planStages, stemChannels, usesTimmNames, type StagePlan } from './config.js';

// Attribute tuples are read-only and shared between rows: a million-row network then holds a
// handful of them instead of millions.
const pairs = new Map<number, Pair>();
const pads = new Map<number, Padding>();
function pair(n: number): Pair {
  let p = pairs.get(n);
  if (!p) pairs.set(n, (p = Object.freeze([n, n]) as Pair));
  return p;
}
function pad(n: number): Padding {
  let p = pads.get(n);
  if (!p) pads.set(n, (p = Object.freeze([pair(n), pair(n)]) as Padding));
  return p;
}
const PAD_AFTER: Padding = Object.freeze([Object.freeze([0, 1]), Object.freeze([0, 1])]) as Padding;

interface ConvArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly padding?: number;
  readonly dilation?: number;
  readonly groups?: number;
}

/** Appends rows and numbers Paddle's convs; the only state is the growing list itself. */
class Rows {
  readonly list: LayerSpec[] = [];
  private convs = 0;
  private avgPools = 0;

  get last(): number {
    return this.list.length - 1;
  }

  push(row: LayerSpec): number {
    this.list.push(row);
    return this.list.length - 1;
  }

  conv(name: string, from: number, section: Section, a: ConvArgs): number {
    return this.push({
      kind: 'conv2d',
      name,
      paddleName: `conv2d_${this.convs++}`,
      from,
      section,
      inChannels: a.inChannels,
      outChannels: a.outChannels,
      kernel: pair(a.kernel),
      stride: pair(a.stride ?? 1),
      padding: pad(a.padding ?? 0),
      dilation: pair(a.dilation ?? 1),
      groups: a.groups ?? 1,
      bias: false,
    });
  }

  bn(name: string, from: number, section: Section, channels: number): number {
    return this.push({ kind: 'batchnorm2d', name, paddleName: null, from, section, channels });
  }

  relu(name: string, from: number, section: Section): number {
    return this.push({ kind: 'relu', name, paddleName: null, from, section, inplace: true });
  }

  avgPool(name: string, from: number, section: Section, stride: number): number {
    // timm's avg-down shortcut: AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False);
    // on a dilated stage (stride 1) it is AvgPool2dSame(2, 1), padded by one after.
    return this.push({
      kind: 'avgpool2d',
      name,
      paddleName: `avg_pool2d_${this.avgPools++}`,
      from,
      section,
      kernel: pair(2),
      stride: pair(stride),
      padding: stride === 1 ? PAD_AFTER : pad(0),
      ceilMode: true,
      countIncludePad: false,
    });
  }
}

/** Names of the modules that differ between torchvision and timm. */
interface Names {
  /** ReLU of the stem and of the n-th activation in a block (1-based). */
  readonly stemAct: string;
  readonly blockAct: (n: number) => string;
  readonly pool: string;
  readonly flatten: string;
}

function namesFor(config: ModelConfig): Names {
  const timm = usesTimmNames(config);
  return {
    stemAct: timm ? 'act1' : 'relu',
    blockAct: (n) => (timm ? `act${n}` : 'relu'),
    pool: timm ? 'global_pool.pool' : 'avgpool',
    flatten: timm ? 'global_pool.flatten' : 'flatten',
  };
}

function expandStem(rows: Rows, config: ModelConfig, names: Names): number {
  const section: Section = { kind: 'stem' };
  const out = stemChannels(config);
  let x = -1;
  if (config.stem === 'deep') {
    const w = config.stemWidth;
    x = rows.conv('conv1.0', x, section, { inChannels: config.inChannels, outChannels: w, kernel: 3, stride: 2, padding: 1 });
    x = rows.bn('conv1.1', x, section, w);
    x = rows.relu('conv1.2', x, section);
    x = rows.conv('conv1.3', x, section, { inChannels: w, outChannels: w, kernel: 3, padding: 1 });
    x = rows.bn('conv1.4', x, section, w);
    x = rows.relu('conv1.5', x, section);
    x = rows.conv('conv1.6', x, section, { inChannels: w, outChannels: out, kernel: 3, padding: 1 });
  } else {
    x = rows.conv('conv1', x, section, { inChannels: config.inChannels, outChannels: out, kernel: 7, stride: 2, padding: 3 });
  }
  x = rows.bn('bn1', x, section, out);
  x = rows.relu(names.stemAct, x, section);
  return rows.push({
    kind: 'maxpool2d',
    name: 'maxpool',
    paddleName: 'max_pool2d_0',
    from: x,
    section,
    kernel: pair(3),
    stride: pair(2),
    padding: pad(1),
    dilation: pair(1),
    ceilMode: false,
  });
}

interface BlockArgs {
  readonly prefix: string;
  readonly section: Section;
  readonly inChannels: number;
  readonly stride: number;
  /** Dilation of the 3×3 conv(s) of this block. */
  readonly dilation: number;
  /** Dilation of the first 3×3 conv of a basic block (the previous stage's, on a first block). */
  readonly firstDilation: number;
  readonly downsample: boolean;
}

function expandShortcut(rows: Rows, config: ModelConfig, plan: StagePlan, b: BlockArgs, input: number): number {
  const p = `${b.prefix}.downsample`;
  if (!b.downsample) return input;
  if (config.downsample === 'avgpool') {
    const pooled =
      plan.stride === 1 && plan.dilation === 1
        ? rows.push({ kind: 'identity', name: `${p}.0`, paddleName: null, from: input, section: b.section })
        : rows.avgPool(`${p}.0`, input, b.section, plan.stride);
    const x = rows.conv(`${p}.1`, pooled, b.section, { inChannels: b.inChannels, outChannels: plan.outChannels, kernel: 1 });
    return rows.bn(`${p}.2`, x, b.section, plan.outChannels);
  }
  const x = rows.conv(`${p}.0`, input, b.section, {
    inChannels: b.inChannels,
    outChannels: plan.outChannels,
    kernel: 1,
    stride: b.stride,
  });
  return rows.bn(`${p}.1`, x, b.section, plan.outChannels);
}

function expandBottleneck(rows: Rows, config: ModelConfig, names: Names, plan: StagePlan, b: BlockArgs): void {
  const { prefix: p, section } = b;
  const input = rows.last;
  const width = Math.floor((plan.planes * config.widthPerGroup) / 64) * config.groups;
  const [stride1x1, stride3x3] = config.strideIn1x1 ? [b.stride, 1] : [1, b.stride];
  let x = rows.conv(`${p}.conv1`, input, section, { inChannels: b.inChannels, outChannels: width, kernel: 1, stride: stride1x1 });
  x = rows.bn(`${p}.bn1`, x, section, width);
  x = rows.relu(`${p}.${names.blockAct(1)}`, x, section);
  x = rows.conv(`${p}.conv2`, x, section, {
    inChannels: width,
    outChannels: width,
    kernel: 3,
    stride: stride3x3,
    padding: b.dilation,
    dilation: b.dilation,
    groups: config.groups,
  });
  x = rows.bn(`${p}.bn2`, x, section, width);
  x = rows.relu(`${p}.${names.blockAct(2)}`, x, section);
  x = rows.conv(`${p}.conv3`, x, section, { inChannels: width, outChannels: plan.outChannels, kernel: 1 });
  x = rows.bn(`${p}.bn3`, x, section, plan.outChannels);
  const shortcut = expandShortcut(rows, config, plan, b, input);
  rows.push({ kind: 'add', name: `${p}.add`, paddleName: null, from: x, section, shortcut });
  rows.relu(`${p}.${names.blockAct(3)}`, rows.last, section);
}

function expandBasic(rows: Rows, config: ModelConfig, names: Names, plan: StagePlan, b: BlockArgs): void {
  const { prefix: p, section } = b;
  const input = rows.last;
  let x = rows.conv(`${p}.conv1`, input, section, {
    inChannels: b.inChannels,
    outChannels: plan.planes,
    kernel: 3,
    stride: b.stride,
    padding: b.firstDilation,
    dilation: b.firstDilation,
  });
  x = rows.bn(`${p}.bn1`, x, section, plan.planes);
  x = rows.relu(`${p}.${names.blockAct(1)}`, x, section);
  x = rows.conv(`${p}.conv2`, x, section, {
    inChannels: plan.planes,
    outChannels: plan.planes,
    kernel: 3,
    padding: b.dilation,
    dilation: b.dilation,
  });
  x = rows.bn(`${p}.bn2`, x, section, plan.planes);
  const shortcut = expandShortcut(rows, config, plan, b, input);
  rows.push({ kind: 'add', name: `${p}.add`, paddleName: null, from: x, section, shortcut });
  rows.relu(`${p}.${names.blockAct(2)}`, rows.last, section);
}

const EXPANDERS: Record<BlockKind, typeof expandBottleneck> = {
  bottleneck: expandBottleneck,
  basic: expandBasic,
};

function expandHead(rows: Rows, config: ModelConfig, names: Names, channels: number): void {
  const section: Section = { kind: 'head' };
  rows.push({
    kind: 'adaptiveavgpool2d',
    name: names.pool,
    paddleName: 'adaptive_avg_pool2d_0',
    from: rows.last,
    section,
    outputSize: [1, 1],
  });
  rows.push({ kind: 'flatten', name: names.flatten, paddleName: null, from: rows.last, section });
  if (config.classes > 0) {
    rows.push({
      kind: 'linear',
      name: 'fc',
      paddleName: 'linear_0',
      from: rows.last,
      section,
      inFeatures: channels,
      outFeatures: config.classes,
      bias: true,
    });
  } else {
    // No classifier: the classifier becomes nn.Identity, timm's num_classes=0 and the usual
    // way to take a torchvision backbone's pooled features.
    rows.push({ kind: 'identity', name: 'fc', paddleName: null, from: rows.last, section });
  }
}

/**
 * Expands a resolved config (checked with `checkConfig`) into layer specs in forward order.
 * Block rules follow torchvision's resnet.py (v1.5 stride on the 3×3 unless `strideIn1x1`;
 * a replaced stride multiplies the dilation; a stage's first block keeps the previous
 * dilation) and timm's resnet.py for the deep stem and the avg-pool shortcut.
 */
export function expandResNet(config: ModelConfig): LayerSpec[] {
  const rows = new Rows();
  const names = namesFor(config);
  expandStem(rows, config, names);
  const expand = EXPANDERS[config.block];
  let channels = stemChannels(config);
  let serial = 0;
  planStages(config).forEach((plan, s) => {
    for (let i = 0; i < plan.blocks; i++) {
      const first = i === 0;
      const projection = first && plan.hasDownsample;
      const section: Section = { kind: 'block', block: config.block, stage: s, index: i, serial: serial++, projection };
      expand(rows, config, names, plan, {
        prefix: `layer${s + 1}.${i}`,
        section,
        inChannels: first ? plan.inChannels : plan.outChannels,
        stride: first ? plan.stride : 1,
        dilation: config.block === 'bottleneck' && first ? plan.firstDilation : plan.dilation,
        firstDilation: first ? plan.firstDilation : plan.dilation,
        downsample: projection,
      });
    }
    if (plan.blocks > 0) channels = plan.outChannels;
  });
  expandHead(rows, config, names, channels);
  return rows.list;
}
