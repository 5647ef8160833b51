// The copy of ../shared/reference in test/fixtures/reference is the original, byte for byte.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED, SHARED_ORIGINAL } from './helpers/model.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe.skipIf(!existsSync(SHARED_ORIGINAL))('reference copy', () => {
  it('holds every file of ../shared/reference unchanged', () => {
    const original = files(SHARED_ORIGINAL).map((f) => relative(SHARED_ORIGINAL, f)).sort();
    expect(files(SHARED).map((f) => relative(SHARED, f)).sort()).toEqual(original);
    for (const f of original) expect(readFileSync(join(SHARED, f)).equals(readFileSync(join(SHARED_ORIGINAL, f))), f).toBe(true);
  });
});
