// The committed JSON Schemas (configs/schemas/), printed by `resnet-shapes schema`. They are
// generated from the zod schemas in index.ts; test/check.test.ts keeps them equal, so printing
// them needs no zod at run time.

import check from '../../configs/schemas/check.schema.json' with { type: 'json' };
import config from '../../configs/schemas/config.schema.json' with { type: 'json' };
import trace from '../../configs/schemas/trace.schema.json' with { type: 'json' };

export const DOCUMENTS = { config, check, trace } as const;
