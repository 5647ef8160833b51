// Test helpers: build a model the way the CLI does, without spawning it.

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, type ConfigInput } from '../../src/network/config.js';
import { checkConfig } from '../../src/schemas/config.js';
import { expandResNet } from '../../src/network/expand.js';
import { presetConfig } from '../../src/network/presets.js';
import { traceShapes } from '../../src/analysis/trace.js';
import type { ModelConfig, Shape, Trace } from '../../src/types.js';

export const ROOT = join(import.meta.dirname, '..', '..');
/**
 * The project's reference data, as committed here so a fresh clone tests without ../shared;
 * test/reference.test.ts keeps it equal to SHARED_REFERENCE where that folder is present.
 */
export const REFERENCE = join(ROOT, 'test', 'fixtures', 'reference');
/** The shared reference folder beside the repository (absent on a plain clone). */
export const SHARED_REFERENCE = join(ROOT, '..', 'shared', 'reference');

export function preset(name: string, overrides: Partial<ConfigInput> = {}): ModelConfig {
  const input = presetConfig(name);
  if (!input) throw new Error(`no preset ${name}`);
  const config = resolveConfig({ ...input, ...overrides }, name);
  const issues = checkConfig(config);
  if (issues.length > 0) throw new Error(JSON.stringify(issues));
  return config;
}

export function trace(config: ModelConfig, input: Shape, symbolicBatch = false): Trace {
  const result = traceShapes(config, expandResNet(config), input, { symbolicBatch });
  if (!result.ok) throw new Error(JSON.stringify(result.issue));
  return result.trace;
}

export interface PyTorchRow {
  name: string;
  type: string;
  input: number[];
  output: number[];
  params: Record<string, number[]>;
  buffers: Record<string, number[]>;
  macs: number;
}

export interface PyTorchRecord {
  model: string;
  input: number[];
  output: number[];
  num_classes: number;
  total_params: number;
  trainable_params: number;
  bn_running_stats: number;
  macs: number;
  conv2d_count: number;
  /** Convs of any rank (records of #31 on). */
  conv_count?: number;
  layers: PyTorchRow[];
  case?: { id: string; arch: string; classes: number; input?: number[]; v1?: boolean; dilation?: boolean[]; stem?: number; preset?: string; widths?: number[]; dropout?: number; se?: boolean; timm?: boolean };
}

/** A recorded input the network refuses: the module PyTorch raised in, and its message. */
export interface PyTorchRefusal {
  model: string;
  input: number[];
  num_classes: number;
  refused_at: string;
  error: string;
  case: NonNullable<PyTorchRecord['case']>;
}

export interface Fixture {
  file: string;
  record: PyTorchRecord;
  config: ModelConfig;
}

/** A recorded case as the config resnet-shapes should trace for it. */
export function configFor(record: Pick<PyTorchRecord, 'model' | 'num_classes' | 'case'>): ModelConfig {
  const c = record.case;
  const classes = record.num_classes;
  if (!c) return preset(record.model, { classes });
  // timm-structured cases are recorded under the preset's own name (plus _osN when dilated)
  const base = c.preset ?? (c.stem ? c.id.replace(/_os\d+$/, '') : c.arch);
  // the input's channels: a signal network's records have 1 and 3 (its preset 1)
  const input = 'input' in record && Array.isArray(record.input) ? (record.input as number[]) : c.input;
  const channels = input ? { inChannels: input[1]! } : {};
  const config = preset(base, { classes, ...channels, strideIn1x1: c.v1 ?? false, ...(c.widths ? { widths: c.widths } : {}), ...(c.dropout ? { dropout: c.dropout } : {}) });
  return c.dilation
    ? { ...config, replaceStrideWithDilation: c.dilation }
    : config;
}

function readRecords(): { file: string; record: PyTorchRecord | PyTorchRefusal }[] {
  const dirs = [join(REFERENCE, 'pytorch'), join(ROOT, 'test', 'fixtures', 'pytorch')];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => ({
        file: `${dir === join(REFERENCE, 'pytorch') ? 'reference' : 'fixtures'}/${f}`,
        record: JSON.parse(readFileSync(join(dir, f), 'utf8')) as PyTorchRecord | PyTorchRefusal,
      })),
  );
}

/** The recorded cases PyTorch ran. */
export function loadFixtures(): Fixture[] {
  return readRecords()
    .filter((r): r is { file: string; record: PyTorchRecord } => !('refused_at' in r.record))
    .map(({ file, record }) => ({ file, record, config: configFor(record) }));
}

/** The recorded inputs PyTorch refused. */
export function loadRefusals(): { file: string; record: PyTorchRefusal; config: ModelConfig }[] {
  return readRecords()
    .filter((r): r is { file: string; record: PyTorchRefusal } => 'refused_at' in r.record)
    .map(({ file, record }) => ({ file, record, config: configFor(record) }));
}


/** One recorded case by its file (`reference/…` or `fixtures/…`), or by a predicate. */
export function fixture(which: string | ((f: Fixture) => boolean)): Fixture {
  const found = loadFixtures().find(typeof which === 'string' ? (f) => f.file === which : which);
  if (!found) throw new Error(`no PyTorch fixture ${String(which)}`);
  return found;
}
