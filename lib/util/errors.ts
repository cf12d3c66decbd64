/** One broken rule of an input, named so that an engineer can find and fix the field. */
export interface FieldError {
  /** Path of the offending field, e.g. `operations[1].plannedQuantity.value`; empty for the whole input. */
  field: string;
  /** The rule that was broken, e.g. `required`, `exclusiveMinimum`, `unknownUnit`. */
  rule: string;
  message: string;
}

/** Longest field name or message text an error answer or log line echoes from the input. */
const MAX_ECHO = 200;

/** Cuts a text that goes into an error answer or a log line to `max` characters. */
export function bounded(text: string, max = MAX_ECHO): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** The same error with its field and message bounded, so that a huge key or value is never echoed whole. */
export function boundedFieldError(error: FieldError): FieldError {
  return { field: bounded(error.field), rule: bounded(error.rule), message: bounded(error.message) };
}

/**
 * The text Catch nodes see: the first few broken rules by field, then the rule names, so that a
 * flow can tell `exceedsInput` from `operatorNotSignedOn` from the message alone.
 */
function describeAll(errors: FieldError[]): string {
  const shown = errors.slice(0, 5).map((e) => `${e.field || '(root)'}: ${e.message}`).join('; ');
  const more = errors.length > 5 ? `; and ${errors.length - 5} more` : '';
  const rules = [...new Set(errors.map((e) => e.rule))].join(', ');
  return `${shown}${more}${rules ? ` [rule: ${rules}]` : ''}`;
}

/** Bad input: carries every broken rule; nothing was changed. */
export class ValidationError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[], subject = 'input') {
    const shown = errors.map(boundedFieldError);
    super(`invalid ${subject}: ${describeAll(shown)}`);
    this.name = 'ValidationError';
    this.errors = shown;
  }
}

/** A valid command that contradicts the recorded state (actuals, status); nothing was changed. */
export class ConflictError extends Error {
  readonly conflicts: FieldError[];
  constructor(conflicts: FieldError[]) {
    const shown = conflicts.map(boundedFieldError);
    super(`conflict: ${describeAll(shown)}`);
    this.name = 'ConflictError';
    this.conflicts = shown;
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
