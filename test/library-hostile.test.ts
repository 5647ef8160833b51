// The library's promises hold for any JavaScript value a caller can pass: parseConfig never
// throws, checkConfig returns issues, analyze returns `{ ok: false, issue }` rather than throwing,
// and what they return shares nothing mutable with the preset table.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, checkConfig, parseConfig, presetConfig, resolveConfig } from '../src/index.js';

const throwing = (what: unknown) =>
  new Proxy(
    {},
    {
      get() {
        throw what;
      },
      ownKeys() {
        throw what;
      },
      getOwnPropertyDescriptor() {
        throw what;
      },
      has() {
        throw what;
      },
    },
  );
// things thrown that have no usable message: no prototype, a throwing message getter, a Proxy
const nasty = [
  Object.create(null),
  Object.defineProperty({}, 'message', { get: () => { throw new Error('again'); } }),
  throwing(1),
  Symbol('s'),
];
// made inside each run (fast-check itself reads what it generates, and a throwing Proxy would throw at it)
const HOSTILE: readonly (() => unknown)[] = [
  ...nasty.map((e) => () => throwing(e)),
  () => Object.defineProperty({ name: 'x', block: 'basic' }, 'layers', { get: () => { throw Object.create(null); }, enumerable: true }),
  () => Object.assign(Object.create(null), { name: 'x', block: 'basic', layers: [2, 2] }),
  // a sparse array: a hole is not a stage depth
  // eslint-disable-next-line no-sparse-arrays
  () => ({ name: 'x', block: 'basic', layers: [2, , 2] }),
  () => ({ name: 7, block: 'basic', layers: [2] }),
  () => [1, 2, 3],
  () => () => 1,
];
type Made = { readonly make: () => unknown };
const anyValue: fc.Arbitrary<Made> = fc.oneof(
  fc.anything().map((v) => ({ make: () => v })),
  fc.integer({ min: 0, max: HOSTILE.length - 1 }).map((i) => ({ make: HOSTILE[i]! })),
  fc.constantFrom(null, undefined).map((v) => ({ make: () => v })),
);

describe('the library under hostile values', () => {
  it('parseConfig never throws, and checkConfig returns issues', () => {
    fc.assert(
      fc.property(anyValue, ({ make }) => {
        const v = make();
        const r = parseConfig(v);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) for (const i of r.issues) expect(typeof i.message).toBe('string');
        const issues = checkConfig(v as never);
        expect(Array.isArray(issues)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('analyze returns an issue, never throws, for a hostile config, input or options', () => {
    const good = resolveConfig(presetConfig('resnet18')!, 'resnet18');
    const options = fc.oneof(
      anyValue,
      fc.record({ count: fc.oneof(fc.string(), fc.constant('fvcore')) }).map((v) => ({ make: () => v })),
      fc.record({ memory: fc.record({ dtype: fc.string(), optimizer: fc.constant('adam'), weightDecay: fc.double() }) }).map((v) => ({ make: () => v })),
      fc.record({ fit: fc.record({ budgetBytes: fc.oneof(fc.integer(), fc.string()), mode: fc.string() }) }).map((v) => ({ make: () => v })),
    );
    fc.assert(
      fc.property(anyValue, anyValue, options, (config, input, opts) => {
        for (const [c, i, o] of [
          [config.make(), [1, 3, 64, 64], undefined],
          [good, input.make(), undefined],
          [good, [1, 3, 64, 64], opts.make()],
        ] as const) {
          const r = analyze(c as never, i as never, o as never);
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(typeof r.issue.path).toBe('string');
        }
      }),
      { numRuns: 200 },
    );
  });

  it('named cases: null, unknown count and dtype, a non-string name, a sparse array', () => {
    const good = resolveConfig(presetConfig('resnet18')!, 'resnet18');
    expect(analyze(null as never, [1, 3, 224, 224])).toMatchObject({ ok: false, issue: { path: 'config' } });
    expect(analyze(good, [1, 3, 224, 224], { count: 'nope' as never })).toMatchObject({ ok: false, issue: { path: 'options.count' } });
    expect(analyze(good, [1, 3, 224, 224], { memory: { dtype: 'float64' as never, optimizer: 'sgd', weightDecay: 0 } })).toMatchObject({ ok: false, issue: { path: 'options.memory.dtype' } });
    expect(analyze({ ...good, name: 7 as never }, [1, 3, 224, 224])).toMatchObject({ ok: false, issue: { path: 'name' } });
    // eslint-disable-next-line no-sparse-arrays
    expect(checkConfig({ ...good, layers: [2, , 2, 2] as never })[0]).toMatchObject({ path: 'layers[1]' });
    // an element String() cannot write (an object without a prototype), in a short input and in a 4-d one
    expect(analyze(good, [Object.create(null)] as never)).toMatchObject({ ok: false, issue: { path: 'input' } });
    expect(analyze(good, [1, 3, Object.create(null), 4] as never)).toMatchObject({ ok: false, issue: { path: 'input[2]' } });
    expect(analyze(good, [1, 3, 224, 224])).toMatchObject({ ok: true });
    // a preset file as it is, not resolved: its unknown field by name, not zod's "Invalid input"
    expect(analyze({ ...presetConfig('resnet50')!, name: 'resnet50' } as never, [1, 3, 224, 224])).toMatchObject({
      ok: false,
      issue: { path: '$schema', expected: 'no such field (resolveConfig reads a preset file or a config file into a config)', found: 'an unknown field' },
    });
    // a signal's length and a clip's frames named as the CLI names them
    const signal = resolveConfig(presetConfig('tsc_resnet')!, 'tsc_resnet');
    expect(analyze(signal, [1, 1, 0])).toMatchObject({ ok: false, issue: { path: 'input[2]', expected: 'a whole number ≥ 1 for the length' } });
    expect(analyze(resolveConfig(presetConfig('r3d_18')!, 'r3d_18'), [1, 3, 0, 112, 112])).toMatchObject({ ok: false, issue: { path: 'input[2]', expected: 'a whole number ≥ 1 for the frames' } });
  });

  it('a parsed config shares nothing with the preset table', () => {
    const first = parseConfig({ extends: 'resnet18_cifar' });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    (first.config.input as unknown as number[])[2] = 999;
    (first.config.layers as number[])[0] = 99;
    const again = parseConfig({ extends: 'resnet18_cifar' });
    expect(again.ok && again.config.input).toEqual([1, 3, 32, 32]);
    expect(again.ok && again.config.layers).toEqual([2, 2, 2, 2]);
    expect(presetConfig('resnet18_cifar')!.input).toEqual([1, 3, 32, 32]);
  });
});
