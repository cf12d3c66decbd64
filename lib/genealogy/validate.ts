import commandSchema from '../../schemas/genealogy-command.schema.json';
import { createAjv, validateOrThrow } from '../util/json-schema';
import type { GenealogyInput } from './types';
import type { MaterialConversion } from './units';

const ajv = createAjv();
const validateCommand = ajv.compile(commandSchema);
const validateConversions = ajv.compile({
  type: 'array',
  maxItems: 10000,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['material', 'from', 'to', 'factor'],
    properties: {
      material: commandSchema.definitions.identifier,
      from: commandSchema.definitions.unit,
      to: commandSchema.definitions.unit,
      factor: commandSchema.definitions.positiveNumber,
    },
  },
});

/** A genealogy command or query from msg.payload, or a ValidationError naming every broken rule. */
export function parseGenealogyInput(input: unknown): GenealogyInput {
  return validateOrThrow<GenealogyInput>(validateCommand, input, 'genealogy command');
}

/** Material unit conversions from the node's configuration. */
export function parseConversions(input: unknown): MaterialConversion[] {
  return validateOrThrow<MaterialConversion[]>(validateConversions, input, 'unit conversions');
}
