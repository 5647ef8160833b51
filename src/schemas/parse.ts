// A config as data, checked the way the CLI checks a file: the library's way in.

import { resolveConfig } from '../network/config.js';
import { checkConfig, thrownText } from './config.js';
import { mergeExtends } from '../network/presets.js';
import type { ModelConfig } from '../types.js';
import { configSchema, fieldPath, formatZodIssue } from './index.js';

export interface ConfigProblem {
  /** The field path, as the CLI names it (`layers[1]`); '' for the whole value. */
  readonly path: string;
  readonly message: string;
}

export type ParsedConfig = { readonly ok: true; readonly config: ModelConfig } | { readonly ok: false; readonly issues: readonly ConfigProblem[] };

/**
 * A config from any value (parsed JSON, an object built in code): validated by the CLI's schema,
 * merged over the preset it extends, resolved and checked across fields. Never throws.
 */
export function parseConfig(raw: unknown, name = 'config'): ParsedConfig {
  try {
    const schema = configSchema();
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      return {
        ok: false,
        issues: parsed.error.issues.map((issue) => {
          const path = fieldPath(issue.path);
          const sentence = formatZodIssue(issue, [], schema);
          return { path, message: path !== '' && sentence.startsWith(`${path}: `) ? sentence.slice(path.length + 2) : sentence };
        }),
      };
    }
    if (parsed.data.extends !== undefined && /\.json$/i.test(parsed.data.extends)) {
      return { ok: false, issues: [{ path: 'extends', message: `names a file (${parsed.data.extends}): parseConfig reads no files; pass the merged fields, or a preset name` }] };
    }
    const config = resolveConfig(mergeExtends(parsed.data), name);
    const problems = checkConfig(config);
    if (problems.length > 0) return { ok: false, issues: problems.map((p) => ({ path: p.path, message: `expected ${p.expected}, found ${p.found}` })) };
    return { ok: true, config };
  } catch (e) {
    return { ok: false, issues: [{ path: '', message: `not a config: ${thrownText(e)}` }] };
  }
}
