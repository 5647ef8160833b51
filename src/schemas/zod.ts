// The part of zod (zod/mini) the schemas use, in one place: the CLI bundles it on its own
// (dist/zod.cjs, see scripts/build.mjs) and loads it when a file is first read, while the schemas
// themselves share the CLI bundle's core (its kinds, presets and limits) instead of a copy of it.
// Using another zod function means exporting it here; the compiler says so.

export {
  array,
  boolean,
  config,
  enum,
  globalRegistry,
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
