// The few helpers every schema uses, over zod/mini (its schemas are plain data with checks, so
// they load and build quickly and bundle small: the web page ships them).

import type { ZodMiniType } from 'zod/mini';
import { config, globalRegistry } from './zod-runtime.js';

// A process parses one or a few files: compiling zod's fast paths with `new Function` costs more
// than it saves (and a page with a strict content security policy forbids it).
config({ jitless: true });

/**
 * The schema with a description (shown by editors and in the JSON Schema), put in zod's registry
 * where the JSON Schema generator reads it. It marks the very schema it is given, so each use
 * takes a schema of its own.
 */
export function described<T extends ZodMiniType>(schema: T, description: string): T {
  globalRegistry.add(schema, { ...globalRegistry.get(schema), description });
  return schema;
}

/** The value `build` makes, made on first use and kept. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

