// The zod schema of a model's fields, built from the field table (src/network/fields.ts) when
// first asked for, and the library's full check of a config built in code: each field by that
// schema, then the rules across fields.

import type { ZodMiniOptional } from 'zod/mini';
import { array, boolean, enum as enumOf, int, literal, maxLength, maximum, minLength, minimum, optional, strictObject, tuple, union } from 'zod/mini';
import { checkRules } from '../network/config.js';
import { FIELD_NAMES, FIELDS, type FieldName, type Z } from '../network/fields.js';
import type { ModelConfig, ShapeIssue } from '../types.js';
import { fieldPath } from './path.js';
import { described, once } from './zod.js';

type Schemas = { [K in FieldName]: ReturnType<(typeof FIELDS)[K]['schema']> };

/** The zod the field schemas are made with, named one by one (a namespace passed whole would bundle all of zod). */
const z: Z = { array, boolean, enum: enumOf, int, literal, maxLength, maximum, minLength, minimum, optional, strictObject, tuple, union };

/** Each field's schema, with its description. */
export const modelFields = once(() => Object.fromEntries(FIELD_NAMES.map((k) => [k, FIELDS[k].schema(z, described)])) as Schemas);

/** The model's schema: every field optional (a file may extend a preset), none unknown. */
const modelSchema = once(() => {
  const f = modelFields();
  return z.strictObject(Object.fromEntries(FIELD_NAMES.map((k) => [k, z.optional(f[k])])) as { [K in FieldName]: ZodMiniOptional<Schemas[K]> });
});

/** A zod issue's value as a config problem's `found`. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${Array.from(value, shown).join(', ')}]`;
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * Rules a resolved config must keep (the library's check of a config built in code): each field
 * by the schema a file is checked with, then the rules across fields. An empty list means the
 * config can be expanded.
 */
export function checkConfig(config: ModelConfig): ShapeIssue[] {
  if (typeof config !== 'object' || config === null) return [{ code: 'config', path: 'config', expected: 'a config object', found: config === null ? 'null' : typeof config }];
  const { name: _name, ...fields } = config as ModelConfig & Record<string, unknown>;
  const parsed = modelSchema().safeParse(fields, { reportInput: true });
  if (parsed.success) return checkRules(config);
  return parsed.error.issues.map((i) => ({ code: 'config', path: fieldPath(i.path), expected: i.message.replace(/^expected /, ''), found: shown(i.input) }));
}
