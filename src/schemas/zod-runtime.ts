// What the schemas take from zod/mini, and all they take: the CLI bundles this module as a leaf of
// its own (dist/zod.cjs, scripts/build.mjs), loaded when a file is read, so a command that reads
// none does not even compile zod. A name the schemas need and this module lacks is a type error.

export {
  array,
  boolean,
  config,
  enum,
  globalRegistry,
  int,
  literal,
  looseObject,
  lt,
  maxLength,
  maximum,
  minLength,
  minimum,
  null,
  number,
  optional,
  record,
  regex,
  strictObject,
  string,
  superRefine,
  tuple,
  union,
  unknown,
} from 'zod/mini';
export type { core, output, ZodMiniNull, ZodMiniOptional, ZodMiniType, ZodMiniUnion } from 'zod/mini';
