// The schemas the CLI parses files with are fitted to each file (built for the fields it has);
// the whole schema is the documented one. In a file of its own: it re-imports the schemas from a
// fresh module registry (vi.resetModules), and every later dynamic import in the same file would
// get fresh copies of the modules too, their error classes not the CLI's.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkSchema, configSchema } from '../src/schemas/index.js';
import type * as z from '../src/schemas/zod.js';
import { ROOT } from './helpers/model.js';

describe('fitted schemas', () => {
  it('a schema fitted to a value finds in it what the whole schema finds, issue for issue', async () => {
    // the CLI parses with schemas holding only the fields a file has (built on first use); the
    // whole schema is the documented one: they must agree on every value, in any order
    const parsed = (path: string): unknown[] => {
      try {
        return [JSON.parse(readFileSync(path, 'utf8'))];
      } catch {
        return []; // a fixture of broken JSON
      }
    };
    const jsonIn = (...parts: string[]): unknown[] => {
      const dir = join(ROOT, ...parts);
      return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? jsonIn(...parts, e.name) : e.name.endsWith('.json') ? parsed(join(dir, e.name)) : [],
      );
    };
    const files = [...jsonIn('configs'), ...jsonIn('test', 'fixtures', 'configs'), ...jsonIn('test', 'fixtures', 'checks'), ...jsonIn('test', 'fixtures', 'variant-checks')];
    const check = JSON.parse(readFileSync(join(ROOT, 'configs', 'checks', 'resnet50-counts.json'), 'utf8')) as Record<string, unknown>;
    const odd: unknown[] = [
      null,
      [],
      'resnet50',
      7,
      {},
      { ...check, input: undefined },
      { ...check, expect: undefined },
      { ...check, expect: [] },
      { ...check, expect: { counts: { thop: 1, thoop: 2 }, maxTrainingMemory: '24 GiB', surprise: 1 } },
      { ...check, training: { dtype: 'float8' }, stem: { convs: [{ kernel: 3, channels: 0 }] } },
      JSON.parse('{"extends": "resnet50", "__proto__": 1, "constructor": 2, "toString": 3}'),
      { extends: 'resnet50', se: { reduction: 0 }, headPool: 'x', input: [1, 3, 'N', 224] },
      { block: 'bottleneck' },
    ];
    const agree = (whole: z.ZodMiniType, fitted: (value: unknown) => z.ZodMiniType, values: unknown[]) => {
      for (const value of values) {
        const a = whole.safeParse(value, { reportInput: true });
        const b = fitted(value).safeParse(value, { reportInput: true });
        expect(b, JSON.stringify(value)).toEqual(a);
      }
    };
    const all = [...odd, ...files];
    expect(all.filter((v) => configSchema().safeParse(v).success).length).toBeGreaterThan(10);
    expect(all.filter((v) => checkSchema().safeParse(v).success).length).toBeGreaterThan(5);
    for (const values of [all, [...all].reverse()]) {
      // a fitted schema grows with the values it has seen: each order starts from none
      vi.resetModules();
      const schemas = await import('../src/schemas/index.js');
      agree(schemas.configSchema(), schemas.configSchemaFor, values);
      agree(schemas.checkSchema(), schemas.checkSchemaFor, values);
    }
  });
});
