import { namedSchema } from '../schema-names';

export const FIELD_ERROR_SCHEMA = namedSchema('FieldError', {
  type: 'object',
  required: ['field', 'rule', 'message'],
  properties: {
    field: { type: 'string', description: 'Path of the offending field (e.g. `operations[1].plannedQuantity.value`, `Authorization`, `from`); empty for the whole input.' },
    rule: { type: 'string', description: 'The broken rule, e.g. `required`, `pattern`, `enum`, `bearerToken`.' },
    message: { type: 'string' },
  },
});

/** The shared error body of every refusal of every route: `{error, errors: [{field, rule, message}]}`. */
export const ERROR_SCHEMA = namedSchema('Error', {
  type: 'object',
  required: ['error', 'errors'],
  properties: {
    error: { type: 'string', description: 'Kind of refusal: invalidRequest, unauthorized, forbidden, notFound, conflict, payloadTooLarge, lengthRequired, notConfigured, internalError.' },
    errors: { type: 'array', items: FIELD_ERROR_SCHEMA },
    errorId: { type: 'string', description: 'On a 500: the id the MES log line carries.' },
    message: { type: 'string' },
    conflicts: { type: 'array', items: FIELD_ERROR_SCHEMA },
  },
});
