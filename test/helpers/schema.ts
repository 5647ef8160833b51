// One way to validate against the JSON Schemas the tool prints: Ajv for draft 2020-12.

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { cli } from './cli.js';

/** A validator for the JSON Schema `resnet-shapes schema <name>` prints. */
export async function validatorOf(name: 'config' | 'check' | 'trace'): Promise<ValidateFunction> {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  return ajv.compile(JSON.parse((await cli(['schema', name])).stdout));
}
