// The copy of ../shared/reference in test/fixtures/reference is the original, byte for byte.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE, SHARED_REFERENCE } from './helpers/model.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe.skipIf(!existsSync(SHARED_REFERENCE))('reference copy', () => {
  it('holds every file of ../shared/reference unchanged', () => {
    const original = files(SHARED_REFERENCE).map((f) => relative(SHARED_REFERENCE, f)).sort();
    expect(files(REFERENCE).map((f) => relative(REFERENCE, f)).sort()).toEqual(original);
    for (const f of original) expect(readFileSync(join(REFERENCE, f)).equals(readFileSync(join(SHARED_REFERENCE, f))), f).toBe(true);
  });
});
