/** One broken rule of an input, named so that an engineer can find and fix the field. */
export interface FieldError {
  /** Path of the offending field, e.g. `operations[1].plannedQuantity.value`; empty for the whole input. */
  field: string;
  /** The rule that was broken, e.g. `required`, `exclusiveMinimum`, `unknownUnit`. */
  rule: string;
  message: string;
}

/** Bad input: carries every broken rule; nothing was changed. */
export class ValidationError extends Error {
  readonly errors: FieldError[];
  constructor(errors: FieldError[], subject = 'input') {
    super(`invalid ${subject}: ${errors.slice(0, 5).map((e) => `${e.field || '(root)'}: ${e.message}`).join('; ')}${errors.length > 5 ? `; and ${errors.length - 5} more` : ''}`);
    this.name = 'ValidationError';
    this.errors = errors;
  }
}

/** A valid command that contradicts the recorded state (actuals, status); nothing was changed. */
export class ConflictError extends Error {
  readonly conflicts: FieldError[];
  constructor(conflicts: FieldError[]) {
    super(`conflict: ${conflicts.map((c) => `${c.field || '(root)'}: ${c.message}`).join('; ')}`);
    this.name = 'ConflictError';
    this.conflicts = conflicts;
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
