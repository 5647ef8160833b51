// The JSON Schemas of the documents, generated from their zod schemas: what configs/schemas/
// holds (the schema command prints those committed files; a test keeps them equal to these).
// Apart from index.ts so the CLI's bundle does not carry zod's generator.

import * as z from 'zod/mini';
import { SCHEMAS, type SchemaName } from './index.js';

/** JSON Schema (draft 2020-12) of one of the documents, generated from its zod schema. */
export function jsonSchemaOf(name: SchemaName): Record<string, unknown> {
  const { schema, title } = SCHEMAS[name];
  const generated = z.toJSONSchema(schema(), { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' });
  // the rule zod states as a refinement: extend a preset, or name block and layers
  const ownArchitecture = name === 'trace' ? {} : { anyOf: [{ required: ['extends'] }, { required: ['block', 'layers'] }] };
  return { title, ...generated, ...ownArchitecture };
}

