/**
 * The quantity flow through a routing, shared by dispatch (which enforces it) and the order
 * progress report (which shows it), so both count the same way.
 *
 * An operation's input is what the operation before it (by sequence, cancelled ones skipped)
 * has delivered good; the first operation's input is its planned quantity, the quantity the
 * order releases to the floor. Good and scrap both consume input; rework does not (a reworked
 * unit is one of the good or scrapped ones).
 */
export interface FlowOperation {
  state: string;
  planned_quantity: number;
  good_quantity: number;
  scrap_quantity: number;
}

export interface OperationFlow {
  /** Units delivered to the operation so far. */
  inputQuantity: number;
  /** Units at the operation not yet reported good or scrap: its WIP; 0 once it is completed or cancelled. */
  wip: number;
}

export function inputQuantity(operation: FlowOperation, previous: FlowOperation | undefined): number {
  return previous ? previous.good_quantity : operation.planned_quantity;
}

function isClosed(operation: FlowOperation): boolean {
  return operation.state === 'completed' || operation.state === 'cancelled';
}

/** Input and WIP of each operation of one order; `operations` in routing sequence. */
export function routingFlow(operations: FlowOperation[]): OperationFlow[] {
  let previous: FlowOperation | undefined;
  return operations.map((op) => {
    const input = inputQuantity(op, previous);
    if (op.state !== 'cancelled') previous = op;
    return { inputQuantity: input, wip: isClosed(op) ? 0 : Math.max(0, input - op.good_quantity - op.scrap_quantity) };
  });
}
