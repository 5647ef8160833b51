// The row builder: appends layer specs and numbers Paddle's convs and average pools. Its only
// state is the growing list (and those two counters); every method returns the new row's index.

import type { Conv2dSpec, LayerSpec, Padding, Pair, Role, Section, Spatial } from '../types.js';
import type { ConvMaker } from './fields.js';

// Attribute tuples are read-only and shared between rows: a million-row network then holds a
// handful of them instead of millions.
const pairs = new Map<number, Pair>();
const pads = new Map<number, Padding>();
export function pair(n: number): Pair {
  let p = pairs.get(n);
  if (!p) pairs.set(n, (p = Object.freeze([n, n]) as Pair));
  return p;
}
export function pad(n: number): Padding {
  let p = pads.get(n);
  if (!p) pads.set(n, (p = Object.freeze([pair(n), pair(n)]) as Padding));
  return p;
}
const tuples = new Map<string, Spatial>();
const padTuples = new Map<string, Padding>();
/** `n` along each of `dims` spatial axes (a pair for images). */
export function spatial(dims: number, n: number): Spatial {
  if (dims === 2) return pair(n);
  const key = `${dims}:${n}`;
  let t = tuples.get(key);
  if (!t) tuples.set(key, (t = Object.freeze(new Array<number>(dims).fill(n))));
  return t;
}
/** Padding `n` on both sides of each of `dims` spatial axes. */
export function spatialPad(dims: number, n: number): Padding {
  if (dims === 2) return pad(n);
  const key = `${dims}:${n}`;
  let p = padTuples.get(key);
  if (!p) padTuples.set(key, (p = Object.freeze(new Array<Pair>(dims).fill(pair(n)))));
  return p;
}
/** Padding per axis, the same on both sides of each: `each[a]` before and after axis a. */
export function symmetricPad(each: Spatial): Padding {
  return Object.freeze(each.map((n) => pair(n)));
}
/**
 * PyTorch's padding='same' (stride 1): along each axis dilation·(kernel − 1) in all, its smaller
 * half before (an even kernel pads one more after).
 */
export function samePad(kernel: Spatial, dilation: Spatial): Padding {
  return Object.freeze(
    kernel.map((k, a): Pair => {
      const total = dilation[a]! * (k - 1);
      const before = Math.floor(total / 2);
      return before * 2 === total ? pair(before) : (Object.freeze([before, total - before]) as Pair);
    }),
  );
}

/**
 * torchvision's Conv2Plus1D middle width for a block of `inChannels` to `planes`: the 3×3×3
 * conv's parameters, inChannels·planes·27, over those of one (1×3×3) + (3×1×1) pair per middle
 * channel, inChannels·9 + 3·planes, floored.
 */
export function midplanes(inChannels: number, planes: number): number {
  return Math.floor((inChannels * planes * 27) / (inChannels * 9 + 3 * planes));
}

export const PAD_AFTER: Padding = Object.freeze([Object.freeze([0, 1]), Object.freeze([0, 1])]) as Padding;

interface ConvArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  /** One figure for every spatial axis, or one per axis. */
  readonly kernel: number | Spatial;
  readonly stride?: number | Spatial;
  /** On both sides of every axis, as given per axis, or PyTorch's 'same' (the output as long as the input at stride 1). */
  readonly padding?: number | Padding | 'same';
  readonly dilation?: number | Spatial;
  readonly groups?: number;
  /** A bias whatever the network's convs have (the squeeze-and-excitation convs). */
  readonly bias?: boolean;
  /** A BN follows it (with `convBias: "unnormalized"`, such a conv has no bias). */
  readonly normalized?: boolean;
  /** An nn.Conv2d whatever the network's convs are (a classifier, an SE's): never weight-standardised. */
  readonly plain?: boolean;
  /**
   * A video network's conv builder (torchvision's conv_makers), for a conv of a square `kernel` at
   * a `stride` and `padding` given as one figure: how it spreads over frames, height and width.
   */
  readonly maker?: ConvMaker | undefined;
  /** Conv2Plus1D's middle width (`midplanes`). */
  readonly mid?: number | undefined;
}

/** Appends rows and numbers Paddle's convs and average pools. */
export class Rows {
  readonly list: LayerSpec[] = [];
  private convs = 0;
  private avgPools = 0;

  push(row: LayerSpec): number {
    this.list.push(row);
    return this.list.length - 1;
  }

  /**
   * Runs `make`, and the rows it pushes take `role` (rows are built here and published
   * read-only: the role is set before anyone sees them). Returns what `make` returns.
   */
  as(role: Role, make: () => number): number {
    const first = this.list.length;
    const result = make();
    for (let i = first; i < this.list.length; i++) (this.list[i] as { role?: Role }).role = role;
    return result;
  }

  /**
   * Whether convs get a bias (Keras puts one on every conv), and whether ReLUs are F.relu calls
   * in a forward rather than modules (akamaster).
   */
  constructor(
    readonly convBias: boolean | 'unnormalized' = false,
    readonly functionalRelu = false,
    readonly activation: 'relu' | 'prelu' | 'prelu-shared' = 'relu',
    /** Every BatchNorm a GroupNorm of this many groups. */
    readonly groupNorm?: number,
    /** Every conv but the plain ones weight-standardised (timm's StdConv2d). */
    readonly standardized = false,
    /** The GroupNorms are timm's class (a subclass of nn.GroupNorm). */
    readonly timmNorms = false,
    /** Spatial axes of the maps (`dims`): every conv, BN and pool has this many. */
    readonly dims = 2,
  ) {}

  private axes(n: number | Spatial): Spatial {
    return typeof n === 'number' ? spatial(this.dims, n) : n;
  }

  conv(name: string, from: number, section: Section, a: ConvArgs, subclass?: 'Conv3DSimple' | 'Conv3DNoTemporal'): number {
    const k = a.kernel;
    if (a.maker && typeof k === 'number' && this.dims === 3) return this.videoConv(name, from, section, a, a.maker, k);
    const p = a.padding ?? 0;
    const same = p === 'same';
    const kernel = this.axes(k);
    const dilation = this.axes(a.dilation ?? 1);
    const spec: { -readonly [K in keyof Conv2dSpec]: Conv2dSpec[K] } = {
      kind: 'conv2d',
      name,
      // Paddle names a layer by its class: conv1d_0, conv2d_0, conv3d_0
      paddleName: `conv${this.dims}d_${this.convs++}`,
      from,
      section,
      inChannels: a.inChannels,
      outChannels: a.outChannels,
      kernel,
      stride: this.axes(a.stride ?? 1),
      padding: typeof p === 'number' ? spatialPad(this.dims, p) : same ? samePad(kernel, dilation) : p,
      dilation,
      groups: a.groups ?? 1,
      bias: a.bias ?? (this.convBias === 'unnormalized' ? !(a.normalized ?? true) : this.convBias),
    };
    // the rare flags set after: spreads in the literal cost every conv of a 10^6-row network
    if (this.standardized && !a.plain) spec.standardized = true;
    if (subclass) spec.subclass = subclass;
    if (same) spec.same = true;
    return this.push(spec);
  }

  /**
   * A video block's conv as torchvision's conv builder makes it from a square kernel k, stride s and
   * padding p: Conv3DSimple (k×k×k at s×s×s), Conv3DNoTemporal (1×k×k at 1×s×s) or Conv2Plus1D (a
   * 1×k×k conv at 1×s×s to `mid` channels, BN, ReLU, a k×1×1 conv at s×1×1: four rows, `name.0`
   * to `name.3`). A 1×1×1 conv (a shortcut) is a plain nn.Conv3d at the builder's downsample stride.
   */
  private videoConv(name: string, from: number, section: Section, a: ConvArgs, maker: ConvMaker, k: number): number {
    const s = typeof a.stride === 'number' ? a.stride : 1;
    const p = typeof a.padding === 'number' ? a.padding : 0;
    const conv = (n: string, x: number, inChannels: number, outChannels: number, kernel: Spatial, stride: Spatial, padding: Spatial, subclass?: 'Conv3DSimple' | 'Conv3DNoTemporal') =>
      this.conv(n, x, section, { ...a, maker: undefined, inChannels, outChannels, kernel, stride, padding: symmetricPad(padding) }, subclass);
    if (maker === 'no-temporal') return conv(name, from, a.inChannels, a.outChannels, [1, k, k], [1, s, s], [0, p, p], k > 1 ? 'Conv3DNoTemporal' : undefined);
    if (maker === 'simple' || k === 1) return conv(name, from, a.inChannels, a.outChannels, [k, k, k], [s, s, s], [p, p, p], k > 1 ? 'Conv3DSimple' : undefined);
    const mid = a.mid ?? a.outChannels;
    let x = conv(`${name}.0`, from, a.inChannels, mid, [1, k, k], [1, s, s], [0, p, p]);
    x = this.bn(`${name}.1`, x, section, mid);
    x = this.relu(`${name}.2`, x, section);
    return conv(`${name}.3`, x, mid, a.outChannels, [k, 1, 1], [s, 1, 1], [p, 0, 0]);
  }

  /** A BatchNorm (a GroupNorm where the network has them), with `act` its ReLU inside the same module (timm's norm-act). */
  bn(name: string, from: number, section: Section, channels: number, act = false): number {
    const fused = act ? { act: true } : {};
    if (this.groupNorm !== undefined) {
      const timm = !act && this.timmNorms ? { timm: true } : {};
      return this.push({ kind: 'groupnorm', name, paddleName: null, from, section, channels, groups: this.groupNorm, ...fused, ...timm });
    }
    if (this.dims !== 2) return this.push({ kind: 'batchnorm2d', name, paddleName: null, from, section, channels, dims: this.dims as 1 | 3 });
    return this.push({ kind: 'batchnorm2d', name, paddleName: null, from, section, channels, ...fused });
  }

  relu(name: string, from: number, section: Section): number {
    if (this.functionalRelu) return this.push({ kind: 'relu', name, paddleName: null, from, section, inplace: false, functional: true });
    return this.push({ kind: 'relu', name, paddleName: null, from, section, inplace: true });
  }

  /** The network's activation on a map of `channels`: a ReLU, or a PReLU with a slope per channel or one for all. */
  act(name: string, from: number, section: Section, channels: number): number {
    if (this.activation !== 'relu') return this.push({ kind: 'prelu', name, paddleName: null, from, section, parameters: this.activation === 'prelu' ? channels : 1 });
    return this.relu(name, from, section);
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
