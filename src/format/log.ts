// The notes' per-layer trace: what the Paddle ResNet prints, line for line.
//
//   [10, 3, 224, 224]
//   conv2d_0 [10, 64, 112, 112] [64, 3, 7, 7] [ 64 ]
//   conv_bn_layer_0 [10, 64, 112, 112]
//   maxpool2d: [10, 64, 56, 56]
//   ======start bottleneckBlock:
//   -----print bottleneckBlock: 0
//   ...
//   end block: [10, 256, 56, 56]
//   ======end bottleneckBlock:
//   adaptive_avg_pool2d_0 [10, 2048, 1, 1]
//   y.shape= [10, 2048]
//   linear_0 [10, 1] [2048, 1] [1]

import { sameSection, type Trace, type TracedLayer } from '../types.js';
import { count, giga, perSample, PLAIN, shapeText, type Highlighter } from './common.js';

function paddleName(layer: TracedLayer): string {
  return layer.spec.paddleName ?? layer.spec.name;
}

/** `bottleneckBlock` as the notes say it; `seBottleneckBlock`, `preActBasicBlock` for the variants. */
function blockKindName(trace: Trace, block: string): string {
  const prefix = `${trace.config.order === 'pre' ? 'preAct' : ''}${trace.config.se ? 'Se' : ''}`;
  if (prefix === '') return `${block}Block`;
  const head = `${prefix[0]!.toLowerCase()}${prefix.slice(1)}`;
  return `${head}${block[0]!.toUpperCase()}${block.slice(1)}Block`;
}

/** The lines of the notes' trace, then a short totals footer; one string per line. */
/**
 * The notes' lines; `outputOf` writes row i's output (-1: the input) where it is not the traced
 * shape (formulas of H and W), and `totals` false leaves the totals to the caller.
 */
export function* logLines(trace: Trace, hl: Highlighter = PLAIN, footer: readonly string[] = [], outputOf?: (i: number) => string, totals = true): Generator<string> {
  const sym = trace.symbolicBatch;
  const shape = (s: readonly number[]): string => hl.shape(shapeText(s, sym));
  let row = -1;
  const output = (layer: { readonly output: readonly number[] }): string => (outputOf ? outputOf(row) : shape(layer.output));
  yield outputOf ? outputOf(-1) : shape(trace.input);
  let stemUnits = 0;
  let openKind: string | null = null;
  const layers = trace.layers;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    row = i;
    const { spec } = layer;
    const section = spec.section;
    if (section.kind === 'block') {
      const kind = blockKindName(trace, section.block);
      if (openKind === null) {
        openKind = kind;
        yield hl.heading(`======start ${kind}:`);
      }
      if (!sameSection(layers[i - 1]?.spec.section, section)) yield hl.heading(`-----print ${kind}: ${section.serial}`);
    } else if (openKind !== null) {
      yield hl.heading(`======end ${openKind}:`);
      openKind = null;
    }
    switch (spec.kind) {
      case 'conv2d':
        yield `${hl.name(paddleName(layer))} ${output(layer)} ${hl.shape(shapeText(layer.weight!))} [ ${layer.weight![0]} ]`;
        break;
      case 'relu':
      case 'prelu':
        if (section.kind === 'stem') yield `${hl.name(`conv_bn_layer_${stemUnits++}`)} ${output(layer)}`;
        break;
      case 'maxpool2d':
        // the stem's pool (a shortcut's 1×1 subsampling pool is not the notes')
        if (section.kind === 'stem') yield `${hl.name('maxpool2d:')} ${output(layer)}`;
        break;
      case 'adaptiveavgpool2d':
      case 'widthpool2d':
        // the head's pool (a squeeze-and-excitation's squeeze is not the notes')
        if (section.kind === 'head') yield `${hl.name(paddleName(layer))} ${output(layer)}`;
        break;
      case 'flatten':
        yield `y.shape= ${output(layer)}`;
        break;
      case 'mul':
        // the excitation: the block's output scaled channel by channel
        yield `${hl.name('se_scale')} ${output(layer)}`;
        break;
      case 'linear':
        // Paddle keeps a linear weight as [in, out].
        yield `${hl.name(paddleName(layer))} ${output(layer)} ${hl.shape(`[${spec.inFeatures}, ${spec.outFeatures}]`)} ${hl.shape(`[${spec.outFeatures}]`)}`;
        break;
      case 'batchnorm2d':
      case 'avgpool2d':
      case 'channelpad':
      case 'identity':
      case 'add':
      case 'mean':
      case 'sigmoid':
      case 'dropout':
      case 'batchnorm1d':
      case 'groupnorm':
      case 'channelconv':
      case 'blurpool2d':
      case 'slice':
      case 'concat':
      case 'constantpad2d':
      case 'radixsum':
      case 'radixsoftmax':
        break;
      default: {
        const never: never = spec;
        throw new Error(`unhandled layer kind ${(never as { kind: string }).kind}`);
      }
    }
    if (section.kind === 'block' && !sameSection(layers[i + 1]?.spec.section, section)) yield `end block: ${output(layer)}`;
  }
  if (openKind !== null) yield hl.heading(`======end ${openKind}:`);
  if (!totals) return;
  const t = trace.totals;
  yield '';
  yield hl.dim(
    `total params: ${count(t.params)} · BN running stats: ${count(t.bnRunningStats)} · ` +
      `mult-adds: ${giga(t.macs)}${perSample(trace)} (FLOPs = 2 × mult-adds)`,
  );
  for (const line of footer) yield hl.dim(line);
}

export function formatLog(trace: Trace, hl: Highlighter = PLAIN): string {
  let out = '';
  for (const line of logLines(trace, hl)) out += `${line}\n`;
  return out;
}
