// One analysis of a network at an input: the trace and everything any format prints about it
// (memory, receptive fields, groups by depth, the largest batch that fits). Each part is
// computed once, when first asked for, so a format pays only for what it prints.

import { add, mul, type Int } from '../int.js';
import { checkRules, LIMITS } from '../network/config.js';
import { expandResNet, expandSampled } from '../network/expand.js';
import type { LayerSpec, ModelConfig, Shape, ShapeIssue, Trace } from '../types.js';
import { countConventions, type Counts, type CountName } from './counts.js';
import { fitBatch, type FitResult } from './fit.js';
import { groupTrace, type Depth, type Group } from './groups.js';
import { DEFAULT_MEMORY_OPTIONS, estimateMemory, type MemoryMode, type MemoryOptions, type MemoryReport } from './memory.js';
import { inputDimensionName } from './kinds.js';
import { ReceptiveFieldTable } from './receptive.js';
import { traceShapes } from './trace.js';

export interface AnalysisOptions {
  /** Trace with batch 1 and mark batch-dependent figures as per sample. */
  readonly symbolicBatch?: boolean;
  /** How the memory model trains (default float32, momentum, no weight decay). */
  readonly memory?: MemoryOptions;
  /** Fold into groups (`groups` is null without it). */
  readonly depth?: Depth | undefined;
  /** Find the largest batch whose memory fits this many bytes (`fit` is null without it). */
  readonly fit?: { readonly budgetBytes: Int; readonly mode: MemoryMode } | undefined;
  /** A counting convention whose per-row figures the formats show (`--count`). */
  readonly count?: CountName | undefined;
}

export class Analysis {
  private memoryReport: MemoryReport | undefined;
  private fields: ReceptiveFieldTable | undefined;
  private axes: readonly ReceptiveFieldTable[] | null | undefined;
  private grouped: Group[] | null | undefined;
  private fitted: FitResult | null | undefined;
  private counted: Counts | undefined;

  constructor(
    readonly specs: readonly LayerSpec[],
    readonly trace: Trace,
    readonly options: AnalysisOptions & { readonly memory: MemoryOptions },
  ) {}

  get config(): ModelConfig {
    return this.trace.config;
  }

  get memoryOptions(): MemoryOptions {
    return this.options.memory;
  }

  get depth(): Depth | undefined {
    return this.options.depth;
  }

  /** What a training step and an inference pass allocate. */
  get memory(): MemoryReport {
    return (this.memoryReport ??= estimateMemory(this.trace, this.options.memory));
  }

  /** What each counting tool reports, per row and in total. */
  get counts(): Counts {
    return (this.counted ??= countConventions(this.trace));
  }

  /** The convention chosen for per-row figures, if any. */
  get count(): CountName | undefined {
    return this.options.count;
  }

  /**
   * The receptive field along the image's height (a square window's), a clip's height, a signal's
   * length: the figure the formats give for every network.
   */
  get receptiveFields(): ReceptiveFieldTable {
    return (this.fields ??= new ReceptiveFieldTable(this.trace.layers, this.mainAxis()));
  }

  /** The spatial axis the single receptive-field figures are of: a clip's height (1), else the first. */
  private mainAxis(): number {
    return this.trace.input.length === 5 ? 1 : 0;
  }

  /** One table per spatial axis for a network of clips or signals (frames, height, width; length); null for an image network, whose windows are square. */
  get receptiveFieldAxes(): readonly ReceptiveFieldTable[] | null {
    if (this.axes === undefined) {
      const n = this.trace.input.length - 2;
      this.axes = n === 2 ? null : Array.from({ length: n }, (_, axis) => (axis === this.mainAxis() ? this.receptiveFields : new ReceptiveFieldTable(this.trace.layers, axis)));
    }
    return this.axes;
  }

  /** The stem, each stage or block, the head; null without a depth. */
  get groups(): readonly Group[] | null {
    if (this.grouped === undefined) this.grouped = this.options.depth ? groupTrace(this.trace, this.options.depth) : null;
    return this.grouped;
  }

  /** The largest batch that fits the budget; null without one. */
  get fit(): FitResult | null {
    if (this.fitted === undefined) {
      const f = this.options.fit;
      this.fitted = f ? fitBatch(this.trace.config, this.specs, this.trace.input.slice(1), f.budgetBytes, f.mode, this.options.memory) : null;
    }
    return this.fitted;
  }
}

/** Something true of the network that a user would want to know before training it. */
export interface Warning {
  readonly path: string;
  readonly message: string;
}

/**
 * Where PyTorch would refuse or a field does nothing: a BatchNorm that sees one value per
 * channel (batch × height × width = 1) raises in a training forward ("Expected more than 1 value
 * per channel when training"); strideIn1x1 on basic blocks changes nothing.
 */
export function warningsOf(a: Analysis): Warning[] {
  const warnings: Warning[] = [];
  const { config, trace } = a;
  if (config.block === 'basic' && config.strideIn1x1) {
    warnings.push({ path: 'strideIn1x1', message: 'has no effect on basic blocks (they have no 1×1 conv)' });
  }
  if (!trace.symbolicBatch) {
    // a map of any rank (a clip's, a signal's) whose batch and every spatial size are 1
    const single = trace.layers.find((l) => l.runningStats > 0 && l.input.length >= 3 && l.input.every((d, j) => j === 1 || d === 1));
    if (single) {
      warnings.push({
        path: single.spec.name,
        message: `sees one value per channel (${single.input.join('×')}): PyTorch's training forward raises there ("Expected more than 1 value per channel when training"); inference is fine, and so is a batch of 2`,
      });
    }
  }
  return warnings;
}

/**
 * A network's parameter and mult-add totals from a trace of its sample (`expandSampled`): each
 * sampled block's rows count as many times as the blocks it stands for. Exact, at a fraction of a
 * whole trace's work: what a listing of many networks needs.
 */
export function sampledTotals(
  config: ModelConfig,
  input: Shape,
  /** The config has passed `checkConfig` already (the CLI's finishConfig checks every model it resolves). */
  checked = false,
): { ok: true; params: Int; macs: Int } | { ok: false; issue: ShapeIssue } {
  const [problem] = checked ? [] : checkRules(config);
  if (problem) return { ok: false, issue: problem };
  const { specs, weights } = expandSampled(config);
  const result = traceShapes(config, specs, input);
  if (!result.ok) return result;
  let params: Int = 0;
  let macs: Int = 0;
  for (const layer of result.trace.layers) {
    const { section } = layer.spec;
    const weight = section.kind === 'block' ? weights[section.serial]! : 1;
    params = add(params, mul(layer.params, weight));
    macs = add(macs, mul(layer.macs, weight));
  }
  return { ok: true, params, macs };
}

export type AnalysisResult = { readonly ok: true; readonly analysis: Analysis } | { readonly ok: false; readonly issue: ShapeIssue };

/** A value as text, or a word for one that cannot be written (an object without a prototype throws in String()). */
function text(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'a value that cannot be written as text';
  }
}

/** The input as the CLI takes it: whole numbers from 1 to 2^31 − 1, N, C and a size per spatial axis (its first layer says how many). */
function checkInput(input: Shape): ShapeIssue | null {
  // the rank a network takes is its first layer's to say (as PyTorch's first module says it)
  if (!Array.isArray(input) || input.length < 2 || input.length > LIMITS.inputRank) return { code: 'rank', path: 'input', expected: 'a 4-d input [N, C, H, W] (a clip [N, C, T, H, W], a signal [N, C, L])', found: text(input) };
  const bad = input.findIndex((d) => !(typeof d === 'number' && Number.isInteger(d) && d >= 1 && d <= LIMITS.inputDim));
  const what = inputDimensionName(input.length, bad);
  return bad < 0 ? null : { code: 'config', path: `input[${bad}]`, expected: `a whole number ≥ 1 for the ${what}`, found: text(input[bad]) };
}

/**
 * Checks a resolved config's rules across fields and the input, expands the config and traces it
 * at the input. Its fields are taken as checked (a file by its schema, a preset by the tests); the
 * library's `analyze` (src/library.ts) checks them too.
 */
export function analyze(config: ModelConfig, input: Shape, options: AnalysisOptions = {}): AnalysisResult {
  const [problem] = checkRules(config);
  if (problem) return { ok: false, issue: problem };
  const bad = checkInput(input);
  if (bad) return { ok: false, issue: bad };
  const specs = expandResNet(config);
  const result = traceShapes(config, specs, input, { symbolicBatch: options.symbolicBatch ?? false });
  if (!result.ok) return result;
  return { ok: true, analysis: new Analysis(specs, result.trace, { ...options, memory: options.memory ?? DEFAULT_MEMORY_OPTIONS }) };
}
