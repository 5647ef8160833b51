// What a training step and an inference pass allocate, modelled on what PyTorch really keeps
// (checked tensor by tensor with torch.autograd.graph.saved_tensors_hooks; see
// scripts/pytorch/saved_tensors.py) and on how its CUDA caching allocator counts bytes.
//
// The model, per tensor:
// - every allocation is rounded up to a multiple of 512 bytes (at least 512), as
//   PyTorch's CUDA caching allocator does;
// - training keeps for backward: a conv's input, a BatchNorm's input and its per-channel
//   mean and inverse std (fp32), an in-place ReLU's output, a max-pool's input and its int64
//   indices, an average pool's input, a linear's input; a tensor kept by several layers is
//   counted once (in-place ReLU and the residual add write into the tensor they read);
// - under autocast (bfloat16/float16) conv and linear run in 16 bits: activations are 2 bytes,
//   each conv/linear keeps a 16-bit copy of its weight (autocast's weight cache), the first
//   conv keeps a 16-bit copy of the input; master weights, gradients and optimizer state stay fp32;
// - the loss (cross-entropy) keeps log-softmax's fp32 result; the output and the loss stay alive;
// - backward is simulated in reverse order: each layer allocates the gradient of its input and
//   of its parameters, then frees the gradient of its output and what only it kept;
// - the optimizer step holds parameters, gradients, state (momentum: 1 buffer, Adam: 2) and the
//   temporaries of PyTorch's foreach implementation (weight decay: a copy of the gradients for
//   SGD and Adam; Adam's sqrt of the second moment);
// - CUDA library workspaces PyTorch allocates once through its allocator: a cuBLAS workspace of
//   32 MiB (PyTorch's default CUBLAS_WORKSPACE_CONFIG on Hopper, :4096:8) and a cuBLASLt
//   workspace of 1 MiB, for each of the two threads that run kernels in training (the forward
//   on the main thread, backward on autograd's device thread).
// Left out: the allocator's block splitting and caching (fragmentation), cuDNN's per-call
// convolution workspaces, and the CUDA context itself (never counted by memory_allocated).

import { add, mul, product, sub, type Int } from '../int.js';
import { sameSection, type Padding, type Trace } from '../types.js';
import { CachingAllocator, type Allocation } from './allocator.js';
import { memoryOf, operandsOf, type MemoryTraits } from './kinds.js';

/** Activation dtypes: float32, or 16-bit autocast with fp32 master weights. */
export const DTYPES = ['float32', 'bfloat16', 'float16'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw'] as const;
export const MEMORY_MODES = ['train', 'infer'] as const;
export type Dtype = (typeof DTYPES)[number];
export type Optimizer = (typeof OPTIMIZERS)[number];
export type MemoryMode = (typeof MEMORY_MODES)[number];

export interface MemoryOptions {
  readonly dtype: Dtype;
  readonly optimizer: Optimizer;
  readonly weightDecay: number;
}

export const DEFAULT_MEMORY_OPTIONS: MemoryOptions = { dtype: 'float32', optimizer: 'momentum', weightDecay: 0 };

const MiB = 1024 * 1024;
export const CUBLAS_WORKSPACE = 32 * MiB;
export const CUBLASLT_WORKSPACE = 1 * MiB;
/** Threads that run kernels in a training step: the forward's and autograd's backward thread. */
export const TRAINING_THREADS = 2;

/**
 * A tensor kept for backward, as what its bytes are made of: row `of`'s output (-1: the network
 * input) at `elementSize` bytes an element, a row's padded input, or bytes that do not depend on
 * the input's sides.
 */
export type KeptTensor =
  | { readonly of: number; readonly elementSize: number }
  /** row `padded`'s input, padded by `by` before and after each axis of its map */
  | { readonly padded: number; readonly by: Padding; readonly elementSize: number }
  | { readonly bytes: Int };

export interface MemoryReport {
  /** Bytes of activations each row keeps for backward (a tensor kept by several rows counts at the first). */
  readonly rows: readonly Int[];
  /**
   * With `account`: each row's kept tensors, and what `activations` adds to them (the output, the
   * loss's); null otherwise (a trace of 10^6 rows does not build them).
   */
  readonly kept: readonly (readonly KeptTensor[])[] | null;
  readonly afterKept: readonly KeptTensor[] | null;
  /** Parameters and buffers (BatchNorm running statistics and counters). */
  readonly params: Int;
  readonly gradients: Int;
  readonly optimizerState: Int;
  /** The input batch and the class targets (training). */
  readonly input: Int;
  /** The input batch alone (inference). */
  readonly inputOnly: Int;
  /** Kept for backward after the forward pass, plus the output and the loss. */
  readonly activations: Int;
  /** Temporaries of the foreach optimizer step. */
  readonly optimizerTemporaries: Int;
  /** cuBLAS and cuBLASLt workspaces, allocated once. */
  readonly cudaWorkspaces: Int;
  /** Allocated before a training step: params, optimizer state, input, workspaces. */
  readonly beforeStep: Int;
  /** Peak bytes allocated during one training step, everything included. */
  readonly trainingPeak: Int;
  /** Which phase of the step reaches the peak. */
  readonly trainingPeakPhase: 'forward' | 'backward' | 'optimizer';
  /** Peak bytes of activations alive during a no-grad forward (params and input excluded). */
  readonly inferencePeak: Int;
  /**
   * What the CUDA caching allocator hands out beyond the 512-byte rounding for the tensors alive
   * after the forward: blocks it does not split when too little would remain (allocator.ts).
   */
  readonly allocatorSlack: Int;
}

/** PyTorch's CUDA caching allocator: multiples of 512 bytes, at least 512. */
export function allocation(bytes: Int): Int {
  if (bytes === 0 || bytes === 0n) return 0;
  if (typeof bytes === 'number') return Math.ceil(bytes / 512) * 512;
  return ((bytes + 511n) / 512n) * 512n;
}

function bytesOf(shape: readonly number[], elementSize: number): Int {
  // dimensions are whole numbers ≥ 0: a float product that is a safe integer is exact (as in
  // int.ts's product), so the common case needs no exact arithmetic
  let bytes = elementSize;
  for (let i = 0; i < shape.length; i++) bytes *= shape[i]!;
  if (Number.isSafeInteger(bytes)) return allocation(bytes);
  return allocation(mul(product(shape), elementSize));
}

const DTYPE_BYTES: Record<Dtype, number> = { float32: 4, bfloat16: 2, float16: 2 };

/** A running byte counter that remembers its peak. */
class Live {
  now: Int;
  peak: Int;
  constructor(start: Int) {
    this.now = start;
    this.peak = start;
  }
  alloc(b: Int): void {
    this.now = add(this.now, b);
    if (this.now > this.peak) this.peak = this.now;
  }
  free(b: Int): void {
    this.now = sub(this.now, b);
  }
}

/** With `account`, the report also says what each kept tensor is made of (`kept`, `afterKept`). */
export function estimateMemory(trace: Trace, options: MemoryOptions = DEFAULT_MEMORY_OPTIONS, account = false): MemoryReport {
  const { layers } = trace;
  const n = layers.length;
  const act = DTYPE_BYTES[options.dtype];
  const autocast = options.dtype !== 'float32';
  const batch = trace.input[0] ?? 1;
  const classes = trace.config.classes;

  // Bytes of each row's output and of its parameters (fp32), computed once; the storage of each
  // row's output (in-place and view rows write into what they read).
  const outputBytes: Int[] = new Array(n);
  const paramBytes: Int[] = new Array(n);
  const storage = new Int32Array(n);
  const storageBytes: Int[] = new Array(n).fill(0);
  // each row's memory traits and operands, looked up once
  const traits: MemoryTraits[] = new Array(n);
  const operands: (readonly number[])[] = new Array(n);
  // Each row's output element size: under autocast, 2 for the kinds it runs in 16 bits, 4 for those
  // CUDA's autocast runs in fp32, and for the others their inputs' widest (PyTorch's type promotion;
  // an in-place or view row its input's); the network input is fp32.
  const elem = new Uint8Array(n);
  const elemOf = (i: number): number => (i < 0 ? 4 : elem[i]!);
  for (let i = 0; i < n; i++) {
    const layer = layers[i]!;
    const { spec } = layer;
    traits[i] = memoryOf(spec);
    operands[i] = operandsOf(spec);
    const t = traits[i]!;
    if (!autocast) elem[i] = act;
    else if (t.aliases) elem[i] = elemOf(spec.from);
    else if (t.autocast) elem[i] = 2;
    else if (t.fp32) elem[i] = 4;
    else {
      let e = elemOf(spec.from);
      for (const o of operands[i]!) e = Math.max(e, elemOf(o));
      elem[i] = e;
    }
    // in-place and view rows share their input's shape array, and so its byte count
    outputBytes[i] = spec.from >= 0 && layer.output === layer.input && elem[i] === elem[spec.from] ? outputBytes[spec.from]! : bytesOf(layer.output, elem[i]!);
    paramBytes[i] = layer.weight ? add(bytesOf(layer.weight, 4), layer.bias ? bytesOf(layer.bias, 4) : 0) : 0;
    if (traits[i]!.aliases) storage[i] = spec.from < 0 ? -1 : storage[spec.from]!;
    else {
      storage[i] = i;
      storageBytes[i] = outputBytes[i]!;
    }
  }
  const storageOfInput = (i: number): number => {
    const from = layers[i]!.spec.from;
    return from < 0 ? -1 : storage[from]!;
  };

  // What each row keeps for backward: shared storages, and tensors of its own (extras).
  // saver[s]: the first row (in forward order) that keeps storage s, or -1. Backward runs in
  // reverse, so that row is also the last to need it.
  const saver = new Int32Array(n).fill(-1);
  const extras: Int[] = new Array(n).fill(0);
  const keep = (s: number, i: number) => {
    // the network input (-1) is counted as input
    if (s >= 0 && saver[s]! < 0) saver[s] = i;
  };
  // autocast casts the weights of the kinds it runs in 16 bits (conv, linear; not BatchNorm),
  // and caches the copies
  const weightCopies: Int[] = new Array(n).fill(0);
  // what each row's own tensors are made of (symbolic.ts writes them as formulas)
  const own: KeptTensor[][] | null = account ? Array.from({ length: n }, () => []) : null;
  for (let i = 0; i < n; i++) {
    const layer = layers[i]!;
    const traitsOf = traits[i]!;
    if (autocast && traitsOf.autocast && layer.weight) weightCopies[i] = bytesOf(layer.weight, 2);
    if (traitsOf.saves === 'input' || traitsOf.saves === 'input-and-output') {
      // under autocast a kind that casts its input (to 16 bits, or to fp32) keeps the copy; the
      // network input itself is counted as input
      const from = layer.spec.from;
      const cast = autocast && traitsOf.autocast && elemOf(from) === 4 ? 2 : autocast && traitsOf.fp32 && elemOf(from) === 2 ? 4 : 0;
      if (cast !== 0) {
        extras[i] = bytesOf(layer.input, cast);
        own?.[i]!.push({ of: from, elementSize: cast });
      } else if (from >= 0) keep(storageOfInput(i), i);
      if (traitsOf.saves === 'input-and-output') keep(storage[i]!, i);
    } else if (traitsOf.saves === 'output') keep(storage[i]!, i);
    else if (traitsOf.saves === 'operands') {
      if (layer.spec.from >= 0) keep(storageOfInput(i), i);
      const others = operands[i]!;
      for (let k = 0; k < others.length; k++) if (others[k]! >= 0) keep(storage[others[k]!]!, i);
    }
    if (traitsOf.ownSaved && own) {
      // a tensor of the row's output's size (max-pool indices, a dropout mask), or fixed bytes (BN's statistics)
      let size = 0;
      const saved = traitsOf.ownSaved(
        layer,
        (shape, elementSize) => {
          if (shape === layer.output) size = elementSize;
          return bytesOf(shape, elementSize);
        },
        act,
      );
      extras[i] = add(extras[i]!, saved);
      own[i]!.push(size !== 0 && saved === bytesOf(layer.output, size) ? { of: i, elementSize: size } : { bytes: saved });
    } else if (traitsOf.ownSaved) extras[i] = add(extras[i]!, traitsOf.ownSaved(layer, bytesOf, act));
    if (traitsOf.paddedInput) {
      // a padded copy of its input, which its conv keeps
      const p = traitsOf.paddedInput(layer.spec);
      // a kind autocast runs in 16 bits casts its input first and pads the cast (a 'same' conv)
      const e = autocast && traitsOf.autocast ? 2 : elemOf(layer.spec.from);
      extras[i] = add(extras[i]!, bytesOf(layer.input.map((d, j) => (j < 2 ? d : d + p[j - 2]![0] + p[j - 2]![1])), e));
      own?.[i]!.push({ padded: i, by: p, elementSize: e });
    }
    if (autocast && traitsOf.castBuffer) {
      const copy = bytesOf(traitsOf.castBuffer(layer.spec), 2);
      extras[i] = add(extras[i]!, copy);
      own?.[i]!.push({ bytes: copy });
    }
    if (weightCopies[i] !== 0) {
      extras[i] = add(extras[i]!, weightCopies[i]!);
      own?.[i]!.push({ bytes: weightCopies[i]! });
    }
  }
  const rows: Int[] = extras.slice();
  for (let s = 0; s < n; s++)
    if (saver[s]! >= 0) {
      rows[saver[s]!] = add(rows[saver[s]!]!, storageBytes[s]!);
      own?.[saver[s]!]!.push({ of: s, elementSize: elem[s]! });
    }
  const kept = rows.reduce<Int>((a, b) => add(a, b), 0);

  // Output, loss and what the loss keeps.
  const out = n > 0 ? storage[n - 1]! : -1;
  const outBytes = out >= 0 ? storageBytes[out]! : 0;
  const outSaved = out >= 0 && saver[out]! >= 0;
  const lossKept = classes > 0 ? add(bytesOf([batch, classes], 4), 512 * 2) : 0; // log-softmax result, total weight, loss
  const activations = add(add(kept, outSaved ? 0 : outBytes), lossKept);
  const afterKept: KeptTensor[] | null = own && [...(out >= 0 && !outSaved ? [{ of: out, elementSize: elem[out]! }] : []), ...(classes > 0 ? [{ bytes: lossKept }] : [])];

  // Parameters, gradients, optimizer state, workspaces.
  let params: Int = 0;
  let buffers: Int = 0;
  for (let i = 0; i < n; i++) {
    params = add(params, paramBytes[i]!);
    // running mean and variance (fp32, one per channel each), and the int64 batch counter
    const stats = layers[i]!.runningStats;
    if (stats > 0) buffers = add(buffers, add(mul(2, bytesOf([stats / 2], 4)), 512));
  }
  const gradients = params;
  const stateCopies = { sgd: 0, momentum: 1, adam: 2, adamw: 2 }[options.optimizer];
  const optimizerState = mul(stateCopies, gradients);
  const decayCopy = options.weightDecay !== 0 && options.optimizer !== 'adamw' ? 1 : 0;
  const sqrtCopy = options.optimizer === 'adam' || options.optimizer === 'adamw' ? 1 : 0;
  const optimizerTemporaries = mul(decayCopy + sqrtCopy, gradients);
  const inputOnly = bytesOf(trace.input, 4);
  const input = add(inputOnly, classes > 0 ? bytesOf([batch], 8) : 0);
  const cudaWorkspaces = TRAINING_THREADS * (CUBLAS_WORKSPACE + CUBLASLT_WORKSPACE);
  const allParams = add(params, buffers);
  const beforeStep = add(add(add(allParams, optimizerState), input), cudaWorkspaces);

  // Forward (training): kept storages stay, the others live until their last use.
  const lastUse = lastUses(trace, storage, operands);
  const forward = new Live(beforeStep);
  const inference = new Live(0);
  for (let i = 0; i < n; i++) {
    const s = storage[i]!;
    if (s === i) {
      forward.alloc(storageBytes[i]!);
      inference.alloc(storageBytes[i]!);
    }
    forward.alloc(extras[i]!);
    // inference: autocast's weight copies stay cached until the forward ends; a cast input
    // copy and max-pool indices (computed on CUDA, then dropped) are transient
    const copy = weightCopies[i]!;
    const transient = traits[i]!.ownInInference ? sub(extras[i]!, copy) : 0;
    inference.alloc(add(copy, transient));
    inference.free(transient);
    for (let t = lastUse.head[i]!; t >= 0; t = lastUse.next[t]!) {
      if (saver[t]! < 0) forward.free(storageBytes[t]!);
      if (t !== out) inference.free(storageBytes[t]!);
    }
  }
  if (classes > 0) forward.alloc(lossKept);
  const allocatorSlack = forwardSlack({ n, storage, storageBytes, extras, saver, lastUse, lossKept });

  const backwardPeak = simulateBackward(trace, {
    start: add(add(beforeStep, activations), allocatorSlack),
    traits,
    operands,
    outputBytes,
    paramBytes,
    storageBytes,
    extras,
    saver,
    autocast,
    lossBytes: classes > 0 ? add(512, mul(2, bytesOf([batch, classes], 4))) : 0,
  });

  // Optimizer step: params, gradients, state, temporaries, input, workspaces, output and loss.
  const step = add(add(add(add(beforeStep, gradients), optimizerTemporaries), outBytes), classes > 0 ? 512 : 0);
  const peaks: [MemoryReport['trainingPeakPhase'], Int][] = [
    ['forward', add(forward.peak, allocatorSlack)],
    ['backward', backwardPeak],
    ['optimizer', step],
  ];
  let [phase, trainingPeak] = peaks[0]!;
  for (const [p, v] of peaks) if (v > trainingPeak) [phase, trainingPeak] = [p, v];

  return {
    rows,
    kept: own,
    afterKept,
    params: allParams,
    gradients,
    optimizerState,
    input,
    inputOnly,
    activations,
    optimizerTemporaries,
    cudaWorkspaces,
    beforeStep,
    trainingPeak,
    trainingPeakPhase: phase,
    inferencePeak: inference.peak,
    allocatorSlack,
  };
}

/** Rows above which the allocator is not simulated (a slack of 0 is reported). */
const SIMULATED_ROWS = 100_000;
/** Tensors above which it is not simulated either (its block arithmetic is in doubles). */
const SIMULATED_BYTES = 2 ** 48;

/**
 * The training forward's requests, in order, through the caching allocator: each new storage
 * when its row runs, then the row's own kept tensors, then the storages nothing needs any more;
 * the loss's at the end. Returns the slack of the blocks still held: those kept for backward,
 * the output and the loss.
 */
function forwardSlack(f: {
  n: number;
  storage: Int32Array;
  storageBytes: readonly Int[];
  extras: readonly Int[];
  saver: Int32Array;
  lastUse: Buckets;
  lossKept: Int;
}): Int {
  const { n, storage, storageBytes, extras, saver, lastUse } = f;
  if (n > SIMULATED_ROWS || !(typeof f.lossKept === 'number' && f.lossKept <= SIMULATED_BYTES)) return 0;
  for (let i = 0; i < n; i++) {
    const a = storageBytes[i]!;
    const b = extras[i]!;
    if (!(typeof a === 'number' && a <= SIMULATED_BYTES && typeof b === 'number' && b <= SIMULATED_BYTES)) return 0;
  }
  const allocator = new CachingAllocator();
  const held: (Allocation | undefined)[] = new Array(n);
  let slack = 0;
  const outputStorage = storage[n - 1];
  for (let i = 0; i < n; i++) {
    if (storage[i] === i && (storageBytes[i] as number) > 0) held[i] = allocator.malloc(storageBytes[i] as number);
    const own = extras[i] as number;
    if (own > 0) slack += allocator.malloc(own).size - own;
    for (let t = lastUse.head[i]!; t >= 0; t = lastUse.next[t]!) {
      const a = held[t];
      // the output's storage stays: it is held after the forward
      if (a && saver[t]! < 0 && outputStorage !== t) {
        allocator.free(a);
        held[t] = undefined;
      }
    }
  }
  for (let s = 0; s < n; s++) if (held[s]) slack += held[s]!.size - (storageBytes[s] as number);
  const loss = f.lossKept as number;
  if (loss > 0) slack += allocator.malloc(loss).size - loss;
  return slack;
}

interface BackwardInput {
  /** Bytes allocated when backward starts: everything before the step, and the activations. */
  readonly start: Int;
  readonly traits: readonly MemoryTraits[];
  /** Each row's operands besides `from` (operandsOf). */
  readonly operands: readonly (readonly number[])[];
  readonly outputBytes: readonly Int[];
  readonly paramBytes: readonly Int[];
  readonly storageBytes: readonly Int[];
  /** Tensors a row keeps of its own. */
  readonly extras: readonly Int[];
  /** First row keeping each storage, or -1. */
  readonly saver: Int32Array;
  readonly autocast: boolean;
  /** Gradients of the loss and of log-softmax's input (0 without a classifier). */
  readonly lossBytes: Int;
}

/**
 * Backward in reverse order: each row allocates the gradient of its input and of its
 * parameters, then frees the gradient of its output and what only it kept. Returns the peak.
 */
function simulateBackward(trace: Trace, b: BackwardInput): Int {
  const { layers } = trace;
  const n = layers.length;
  const { traits, outputBytes, paramBytes, storageBytes, extras, saver, autocast } = b;
  const backward = new Live(b.start);
  // storages released when the row that kept them first is done (backward runs in reverse)
  const released = buckets(saver);
  const pending: (Grad | undefined)[] = new Array(n);
  if (n > 0) {
    // the loss's backward: grads of the loss and of log-softmax's input (fp32), then of the output
    const g = outputBytes[n - 1]!;
    backward.alloc(b.lossBytes);
    backward.alloc(g);
    backward.free(b.lossBytes);
    pending[n - 1] = { bytes: g, refs: 1 };
  }
  for (let i = n - 1; i >= 0; i--) {
    const layer = layers[i]!;
    const { spec } = layer;
    const gOut = pending[i];
    pending[i] = undefined;
    // the add, identity and flatten hand their output's gradient on; the others make a new one
    const own = traits[i]!;
    const passThrough = own.passesGradient;
    const gIn: Int = passThrough || spec.from < 0 ? 0 : outputBytes[spec.from]!;
    const gParams = paramBytes[i]!;
    backward.alloc(gIn);
    // a 16-bit weight gradient is computed, then cast to the fp32 leaf's gradient
    const castGrad = autocast && own.autocast && layer.weight ? bytesOf(layer.weight, 2) : 0;
    backward.alloc(add(gParams, castGrad));
    backward.free(castGrad);
    // free what only this row kept, and the gradient of its output
    backward.free(extras[i]!);
    for (let s = released.head[i]!; s >= 0; s = released.next[s]!) backward.free(storageBytes[s]!);
    const operands = b.operands[i]!;
    if (passThrough && operands.length > 0) {
      // the same gradient flows to every operand (the residual add)
      const shared = { bytes: gOut?.bytes ?? 0, refs: 1 + operands.length };
      deliver(pending, spec.from, shared, backward);
      for (let k = 0; k < operands.length; k++) deliver(pending, operands[k]!, shared, backward);
    } else if (passThrough) {
      deliver(pending, spec.from, gOut ?? { bytes: 0, refs: 1 }, backward);
    } else {
      // a product's other factors get gradients of their own: each made at the output's size,
      // then summed down to the factor's (a broadcast gate's [N, C, 1, 1])
      for (let k = 0; k < operands.length; k++) {
        const o = operands[k]!;
        if (o < 0) continue;
        backward.alloc(outputBytes[i]!);
        backward.alloc(outputBytes[o]!);
        backward.free(outputBytes[i]!);
      }
      release(gOut, backward);
      deliver(pending, spec.from, { bytes: gIn, refs: 1 }, backward);
      for (let k = 0; k < operands.length; k++) {
        const o = operands[k]!;
        if (o >= 0) deliver(pending, o, { bytes: outputBytes[o]!, refs: 1 }, backward);
      }
    }
  }
  return backward.peak;
}

/** A gradient tensor and how many consumers still hold it. */
type Grad = { bytes: Int; refs: number };

function release(g: Grad | undefined, live: Live): void {
  if (!g) return;
  g.refs -= 1;
  if (g.refs <= 0) live.free(g.bytes);
}

/** Hands a gradient to the row that produced the tensor; a second one is summed into a new tensor. */
function deliver(pending: (Grad | undefined)[], row: number, g: Grad, live: Live): void {
  if (row < 0) return release(g, live);
  const have = pending[row];
  if (!have) {
    pending[row] = g;
    return;
  }
  live.alloc(g.bytes);
  release(have, live);
  release(g, live);
  pending[row] = { bytes: g.bytes, refs: 1 };
}

/** Items 0..n-1 grouped by a row key (-1: none), as linked lists in typed arrays. */
interface Buckets {
  /** First item of each row's list, or -1. */
  readonly head: Int32Array;
  /** The item after each item in its list, or -1. */
  readonly next: Int32Array;
}

/** Items 0..n-1 by `keys[item]`, a row (-1: the item is in no list). */
function buckets(keys: Int32Array): Buckets {
  const n = keys.length;
  const head = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  for (let item = 0; item < n; item++) {
    const key = keys[item]!;
    if (key < 0) continue;
    next[item] = head[key]!;
    head[key] = item;
  }
  return { head, next };
}

/**
 * For each row, the storages whose last use it is. A block's input stays alive until the
 * block returns (Python holds it), so its last use is the block's last row.
 */
function lastUses(trace: Trace, storage: Int32Array, operands: readonly (readonly number[])[]): Buckets {
  const { layers } = trace;
  const n = layers.length;
  // rows run in order, so a storage's last use is the last row that reads it: each read sets it
  const last = new Int32Array(n).fill(-1);
  /** Row `i` uses the storage of row `row` (-1, the network input, is not tracked). */
  const use = (row: number, i: number) => {
    const s = row < 0 ? -1 : storage[row]!;
    if (s >= 0) last[s] = i;
  };
  let blockStart = 0;
  for (let i = 0; i < n; i++) {
    const spec = layers[i]!.spec;
    // it reads `from` and its operands, and writes its own storage
    use(spec.from, i);
    const others = operands[i]!;
    for (let k = 0; k < others.length; k++) use(others[k]!, i);
    use(i, i);
    // block inputs: alive to the end of their block
    const section = spec.section;
    if (section.kind !== 'block') continue;
    if (!sameSection(layers[i - 1]?.spec.section, section)) blockStart = i;
    if (!sameSection(layers[i + 1]?.spec.section, section)) use(layers[blockStart]!.spec.from, i);
  }
  for (let s = 0; s < n; s++) if (storage[s] !== s) last[s] = -1;
  return buckets(last);
}
