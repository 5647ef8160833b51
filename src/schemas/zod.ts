// The part of zod (zod/mini) the schemas use, in one place: the CLI bundles it on its own
// (dist/zod.cjs) and calls it through a stand-in whose functions load that bundle on their first
// call (scripts/build.mjs), so the schemas stay in the CLI bundle, sharing its core, and zod
// loads only when a file is read. The stand-in forwards functions, so everything here is one.
// Using another zod function means exporting it here; the compiler says so.

import { config, globalRegistry, type ZodMiniType } from 'zod/mini';

export {
  array,
  boolean,
  enum,
  int,
  literal,
  looseObject,
  maximum,
  maxLength,
  minimum,
  minLength,
  null,
  number,
  optional,
  regex,
  strictObject,
  string,
  superRefine,
  tuple,
  union,
} from 'zod/mini';
export type { core, output, ZodMiniOptional, ZodMiniType } from 'zod/mini';

// A process parses one or a few files: compiling zod's fast paths with `new Function` costs more
// than it saves (and a page with a strict content security policy forbids it).
config({ jitless: true });

/**
 * The schema with a description (shown by editors and in the JSON Schema), put in zod's registry
 * where the JSON Schema generator reads it. It marks the very schema it is given, so each use
 * takes a schema of its own (`schema.check(z.describe(...))` would copy it, with a no-op check:
 * twice the schemas to build at start-up, and a check to run on every value).
 */
export function described<T extends ZodMiniType>(schema: T, description: string): T {
  globalRegistry.add(schema, { ...globalRegistry.get(schema), description });
  return schema;
}
