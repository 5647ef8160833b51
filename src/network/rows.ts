// The row builder: appends layer specs and numbers Paddle's convs and average pools. Its only
// state is the growing list (and those two counters); every method returns the new row's index.

import type { LayerSpec, Padding, Pair, Role, Section } from '../types.js';

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
export const PAD_AFTER: Padding = Object.freeze([Object.freeze([0, 1]), Object.freeze([0, 1])]) as Padding;

interface ConvArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly stride?: number;
  readonly padding?: number;
  readonly dilation?: number;
  readonly groups?: number;
  /** A bias whatever the network's convs have (the squeeze-and-excitation convs). */
  readonly bias?: boolean;
  /** A BN follows it (with `convBias: "unnormalized"`, such a conv has no bias). */
  readonly normalized?: boolean;
  /** An nn.Conv2d whatever the network's convs are (a classifier, an SE's): never weight-standardised. */
  readonly plain?: boolean;
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
  ) {}

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
      bias: a.bias ?? (this.convBias === 'unnormalized' ? !(a.normalized ?? true) : this.convBias),
      ...(this.standardized && !a.plain ? { standardized: true } : {}),
    });
  }

  /** A BatchNorm (a GroupNorm where the network has them), with `act` its ReLU inside the same module (timm's norm-act). */
  bn(name: string, from: number, section: Section, channels: number, act = false): number {
    const fused = act ? { act: true } : {};
    if (this.groupNorm !== undefined) {
      const timm = !act && this.timmNorms ? { timm: true } : {};
      return this.push({ kind: 'groupnorm', name, paddleName: null, from, section, channels, groups: this.groupNorm, ...fused, ...timm });
    }
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
