// The zod schema of a model's fields, built from the field table (src/network/fields.ts) when
// first asked for, and the library's full check of a config built in code: each field by that
// schema, then the rules across fields.

import type { ZodMiniOptional } from 'zod/mini';
import { array, boolean, enum as enumOf, int, literal, lt, maxLength, maximum, minLength, minimum, number, optional, strictObject, tuple, union } from './zod-runtime.js';
import { checkRules } from '../network/config.js';
import { FIELD_NAMES, FIELDS, type FieldName, type Z } from '../network/fields.js';
import type { ModelConfig, ShapeIssue } from '../types.js';
import { fieldPath } from './path.js';
import { described, once } from './zod.js';

type Schemas = { [K in FieldName]: ReturnType<(typeof FIELDS)[K]['schema']> };

/** The zod the field schemas are made with, named one by one (a namespace passed whole would bundle all of zod). */
const z: Z = { array, boolean, enum: enumOf, int, literal, lt, maxLength, maximum, minLength, minimum, number, optional, strictObject, tuple, union };

/** Each field's schema, with its description. */
export const modelFields = once(() => Object.fromEntries(FIELD_NAMES.map((k) => [k, FIELDS[k].schema(z, described)])) as Schemas);

/** The model's schema: every field optional (a file may extend a preset), none unknown. */
const modelSchema = once(() => {
  const f = modelFields();
  return z.strictObject(Object.fromEntries(FIELD_NAMES.map((k) => [k, z.optional(f[k])])) as { [K in FieldName]: ZodMiniOptional<Schemas[K]> });
});

/** A value as a problem's `found`, short whatever it is (it never reads more than it shows). */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return String(value);
}

/** What an exception says, whatever was thrown (a value with a throwing getter, without a prototype, a Proxy). */
export function thrownText(e: unknown): string {
  try {
    const message = (e as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message.length > 200 ? `${message.slice(0, 200)}…` : message;
  } catch {
    // its message cannot be read either
  }
  return 'an exception';
}

const problem = (path: string, expected: string, found: string): ShapeIssue => ({ code: 'config', path, expected, found });

export type CheckedConfig = { readonly ok: true; readonly config: ModelConfig } | { readonly ok: false; readonly issues: readonly ShapeIssue[] };

/**
 * A config built in code, as the schema reads it: a fresh copy (each field read once, sharing
 * nothing with the value given) that keeps its rules, or its issues: each field by the schema a
 * file is checked with, then the rules across fields. Never throws, whatever the value.
 */
export function checkedConfig(value: unknown): CheckedConfig {
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, issues: [problem('config', 'a config object', shown(value))] };
    const { name, ...fields } = value as Record<string, unknown>;
    if (typeof name !== 'string') return { ok: false, issues: [problem('name', "a string (the model's name, for display)", shown(name))] };
    const parsed = modelSchema().safeParse(fields, { reportInput: true });
    if (!parsed.success) {
      // an unknown field by its name (zod's own words for it are "Invalid input"): a preset file's
      // `$schema`, say, handed over without resolveConfig
      return {
        ok: false,
        issues: parsed.error.issues.map((i) =>
          i.code === 'unrecognized_keys'
            ? problem(fieldPath([...i.path, i.keys[0]!]), 'no such field (resolveConfig reads a preset file or a config file into a config)', 'an unknown field')
            : problem(fieldPath(i.path), i.message.replace(/^expected /, ''), shown(i.input)),
        ),
      };
    }
    const config = { name, ...parsed.data } as ModelConfig;
    const rules = checkRules(config);
    return rules.length > 0 ? { ok: false, issues: rules } : { ok: true, config };
  } catch (e) {
    return { ok: false, issues: [problem('config', 'a config whose fields can be read', `a value that throws when read (${thrownText(e)})`)] };
  }
}

/**
 * Rules a resolved config must keep (the library's check of a config built in code): each field
 * by the schema a file is checked with, then the rules across fields. An empty list means the
 * config can be expanded. Never throws.
 */
export function checkConfig(config: ModelConfig): ShapeIssue[] {
  const checked = checkedConfig(config);
  return checked.ok ? [] : [...checked.issues];
}
