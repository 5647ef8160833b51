// The nearest name: folded names are the same name, a longer name that begins with what was
// typed comes next, then a typo of up to a quarter of the name; nothing when nothing is close.

import { describe, expect, it } from 'vitest';
import { fold, nearest } from '../src/nearest.js';
import { PRESET_NAMES } from '../src/network/presets.js';

describe('nearest', () => {
  it('folds case and separators', () => {
    expect(fold('ResNet-50')).toBe('resnet50');
    expect(nearest('ResNet-50', PRESET_NAMES)).toBe('resnet50');
    expect(nearest('SE_ResNeXt50-32x4d', PRESET_NAMES)).toBe('seresnext50_32x4d');
  });
  it('prefers a name that begins with what was typed, the shortest', () => {
    expect(nearest('resnet56', PRESET_NAMES)).toBe('resnet56_cifar');
    expect(nearest('resnet18', PRESET_NAMES)).toBe('resnet18');
    expect(nearest('dif', ['check', 'diff', 'schema', 'web'])).toBe('diff');
  });
  it('takes a typo of up to a quarter of the name (one edit at least), transpositions counted once', () => {
    expect(nearest('chek', ['check', 'diff'])).toBe('check');
    expect(nearest('expcet', ['input', 'expect', 'training'])).toBe('expect');
    expect(nearest('resnxt50_32x4d', PRESET_NAMES)).toBe('resnext50_32x4d');
    expect(nearest('width', ['widths', 'layers'])).toBe('widths');
  });
  it('says nothing when nothing is close', () => {
    expect(nearest('resnet9000', PRESET_NAMES)).toBeNull();
    expect(nearest('xyz', ['check', 'diff', 'schema', 'web'])).toBeNull();
    expect(nearest('', PRESET_NAMES)).toBeNull();
  });
});
