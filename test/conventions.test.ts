// Figures in each user's convention: Keras' summary() lines for Keras presets, units that scale
// with the figure, the zero-padding shortcut named as such, a hint for channels-last inputs, and
// memory sizes that name their unit.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metric } from '../src/format/common.js';
import { cli } from './helpers/cli.js';
import { REFERENCE } from './helpers/model.js';

describe("a Keras preset's table footer is Keras' model.summary()", () => {
  const published = JSON.parse(readFileSync(join(REFERENCE, 'published.json'), 'utf8')).keras_resnet50 as { total: number; trainable: number; non_trainable: number };
  const group = (n: number) => n.toLocaleString('en-US');
  it("keras_resnet50: Keras' total, trainable and non-trainable lines, PyTorch's total beside them", async () => {
    const r = await cli(['--arch', 'keras_resnet50', '--format', 'table']);
    expect(r.stdout).toContain(`Total params: ${group(published.total)} (Keras; PyTorch ${group(published.trainable)}, `);
    expect(r.stdout).toContain(`\nTrainable params: ${group(published.trainable)}\n`);
    expect(r.stdout).toContain(`\nNon-trainable params: ${group(published.non_trainable)} `);
  });
  it("keras_resnet50v2: Keras' total 25,613,800 of which 45,440 non-trainable (its applications' summary)", async () => {
    const r = await cli(['--arch', 'keras_resnet50v2', '--format', 'table']);
    expect(r.stdout).toContain('Total params: 25,613,800 (Keras; PyTorch 25,568,360, ');
    expect(r.stdout).toContain('\nNon-trainable params: 45,440 ');
  });
  it("a torchvision preset keeps PyTorch's lines", async () => {
    const r = await cli(['--arch', 'resnet50', '--format', 'table']);
    expect(r.stdout).toContain('\nTotal params: 25,557,032\nTrainable params: 25,557,032\nBN running stats: 53,120 ');
  });
});

describe('units scale with the figure', () => {
  it('three decimals in the unit the figure reaches', () => {
    // 40,551,040 = 40.551040·10^6; 4,089,184,256 = 4.089·10^9; 1,000 G on is T
    expect(metric(40_551_040)).toBe('40.551 M');
    expect(metric(4_089_184_256)).toBe('4.089 G');
    expect(metric(999_999_999)).toBe('1,000.000 M');
    expect(metric(1_000_000_000)).toBe('1.000 G');
    expect(metric(11_514_000_000_000)).toBe('11.514 T');
    expect(metric(136_660_695_449_600_000n)).toBe('136.661 P');
    expect(metric(40_551)).toBe('40.551 K');
  });
  it("a CIFAR network's table says 40.551 M, and the log keeps the notes' G", async () => {
    // resnet20_cifar: 40,551,040 mult-adds at 1×3×32×32 (test/fixtures/counts, from PyTorch)
    expect((await cli(['--arch', 'resnet20_cifar', '--format', 'table'])).stdout).toContain('Total mult-adds: 40.551 M (conv and linear');
    expect((await cli(['--arch', 'resnet20_cifar'])).stdout).toContain('mult-adds: 0.041 G (FLOPs = 2 × mult-adds)');
    expect((await cli(['--list'])).stdout).toMatch(/^resnet20_cifar +269,722 +40\.551 M /m);
  });
});

describe('the zero-padding shortcut is named as such', () => {
  it('option A blocks are headed "zero-padding shortcut", 1×1 projections "projection shortcut"', async () => {
    const cifar = (await cli(['--arch', 'resnet20_cifar', '--format', 'table'])).stdout;
    expect(cifar).toContain('layer2.0 · basic · zero-padding shortcut');
    expect(cifar).not.toContain('projection shortcut');
    expect((await cli(['--arch', 'resnet18', '--format', 'table'])).stdout).toContain('layer2.0 · basic · projection shortcut');
  });
});

describe('inputs and sizes say how to write them', () => {
  it('channels last: the hint names N,C,H,W and the input in that order', async () => {
    const r = await cli(['--input', '2,224,160,3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: conv1: expected 3 input channels, found 224 (input [2, 224, 160, 3], model resnet50; shapes are N,C,H,W: did you mean 2,3,224,160?)\n');
    // a wrong channel count that is not channels-last gets no hint
    expect((await cli(['--input', '1,4,224,224'])).stderr).not.toContain('N,C,H,W');
  });
  it('--fit without a unit is refused with the forms it could mean', async () => {
    const r = await cli(['--fit', '24']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: option '--fit <size>' argument '24' is invalid. '24' has no unit: write 24GiB (24·2^30 bytes) or 24GB (24·10^9), or 24B for bytes\n");
    expect((await cli(['--fit', '24GiB', '--format', 'table'])).code).toBe(0);
    expect((await cli(['--fit', '512B', '--format', 'table'])).code).toBe(0);
  });
});
