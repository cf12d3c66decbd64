// An ERPNext site as far as the MES's requests reach it: Work Orders with their operations, Job
// Cards and Manufacture stock entries, replaying what ERPNext's server code does with each request
// (sources in test/fixtures/erp-definitions/erpnext-doctypes.json). It answers like Frappe:
// the exception's HTTP status and { exc_type, exception, _server_messages }.
const { ERPNEXT, erpnextRequestProblems } = require('./erp-conformance');

const MAKE_TIME_LOG = '/api/method/erpnext.manufacturing.doctype.job_card.job_card.make_time_log';

class FrappeError extends Error {
  constructor(excType, message, status = ERPNEXT.errors[excType] ?? 417, module = 'frappe.exceptions') {
    super(message);
    this.excType = excType;
    this.status = status;
    this.module = module;
  }
}

/** Frappe's flt(x, 3): the precision ERPNext rounds quantities to (System Settings float precision 3). */
function flt(value, precision = 3) {
  const n = Number(value) || 0;
  return Math.round(n * 10 ** precision) / 10 ** precision;
}

function minutesBetween(from, to) {
  return (Date.parse(`${to.replace(' ', 'T')}Z`) - Date.parse(`${from.replace(' ', 'T')}Z`)) / 60000;
}

class ErpNextSite {
  /** @param {{ company?: string, enforceTimeLogs?: boolean, overproductionPercent?: number }} [settings] */
  constructor(settings = {}) {
    this.company = settings.company ?? 'MES Demo';
    this.enforceTimeLogs = settings.enforceTimeLogs ?? false;
    this.overproductionPercent = settings.overproductionPercent ?? 0;
    this.workOrders = new Map();
    this.jobCards = new Map();
    this.stockEntries = [];
  }

  /**
   * A submitted Work Order with one Job Card per operation (Manufacturing Settings: Job Cards
   * created on Work Order submission, material transferred against the Work Order).
   * @param {{ name: string, qty: number, operations: { jobCard: string, operation: string, forQuantity?: number }[] }} wo
   */
  addWorkOrder(wo) {
    const operations = wo.operations.map((op, i) => ({ name: `${wo.name}-op-${i + 1}`, idx: i + 1, operation: op.operation, completed_qty: 0, process_loss_qty: 0 }));
    this.workOrders.set(wo.name, { name: wo.name, qty: wo.qty, produced_qty: 0, operations });
    wo.operations.forEach((op, i) => this.jobCards.set(op.jobCard, {
      name: op.jobCard, work_order: wo.name, operation: op.operation, operation_id: operations[i].name, for_quantity: op.forQuantity ?? wo.qty,
      docstatus: 0, time_logs: [], total_completed_qty: 0, total_time_in_mins: 0, process_loss_qty: 0, status: 'Open',
    }));
    return this;
  }

  /** Answers one request: { status, body }. */
  handle(method, path, body) {
    try {
      return { status: 200, body: this.route(method, path, body) };
    } catch (err) {
      if (!(err instanceof FrappeError)) throw err;
      return {
        status: err.status,
        body: {
          exc_type: err.excType,
          exception: `${err.module}.${err.excType}: ${err.message}`,
          _server_messages: JSON.stringify([JSON.stringify({ message: err.message, title: 'Message', indicator: 'red', raise_exception: 1 })]),
        },
      };
    }
  }

  route(method, path, body) {
    if (method === 'POST' && path === MAKE_TIME_LOG) return this.makeTimeLog(body);
    const problems = erpnextRequestProblems({ method, path, body });
    if (problems.length > 0) {
      const mandatory = problems.filter((p) => p.rule === 'mandatory');
      if (mandatory.length > 0) throw new FrappeError('MandatoryError', `[${decodeURIComponent(path.split('/')[3])}, new]: ${mandatory.map((p) => p.path.split('.').pop()).join(', ')}`);
      const link = problems.find((p) => p.rule === 'link');
      if (link) throw new FrappeError('LinkValidationError', `Could not find ${link.message}`);
      throw new FrappeError('ValidationError', problems.map((p) => p.message).join('; '));
    }
    const [, , , doctype, name] = path.split('/').map(decodeURIComponent);
    if (method === 'PUT' && doctype === 'Job Card') return this.saveJobCard(name, body);
    if (method === 'POST' && doctype === 'Stock Entry') return this.insertStockEntry(body);
    throw new FrappeError('PermissionError', `${method} ${path} is not simulated`, 403);
  }

  jobCard(name) {
    const card = this.jobCards.get(name);
    if (!card) throw new FrappeError('DoesNotExistError', `Job Card ${name} not found`);
    return card;
  }

  /** job_card.py make_time_log → add_time_log (version 16 takes `kwargs`; Frappe drops keys a method does not declare). */
  makeTimeLog(body) {
    const args = body?.kwargs;
    if (!args) throw new FrappeError('TypeError', "make_time_log() missing 1 required positional argument: 'kwargs'", 500, 'builtins');
    const card = this.jobCard(args.job_card_id);
    const logs = card.time_logs;
    if (logs.length > 0 && args.complete_time) {
      const last = logs[logs.length - 1];
      // Every open row is closed; only the last row gets the quantity. No open row: nothing changes.
      for (const row of logs) {
        if (!row.to_time) Object.assign(row, { to_time: args.complete_time, completed_qty: row === last ? Number(args.completed_qty) || 0 : 0 });
      }
    } else if (args.start_time) {
      logs.push({ from_time: args.start_time, completed_qty: 0 });
    }
    this.validateTimeLogs(card);
    return { message: null };
  }

  /** job_card.py validate_time_logs: from ≤ to; totals are the sum of the rows. */
  validateTimeLogs(card) {
    card.total_completed_qty = 0;
    card.total_time_in_mins = 0;
    card.time_logs.forEach((row, i) => {
      if (row.to_time && Date.parse(row.from_time) > Date.parse(row.to_time)) throw new FrappeError('ValidationError', `Row ${i + 1}: From time must be less than to time`);
      if (row.from_time && row.to_time) {
        row.time_in_mins = minutesBetween(row.from_time, row.to_time);
        card.total_time_in_mins += row.time_in_mins;
      }
      card.total_completed_qty += Number(row.completed_qty) || 0;
    });
    card.total_completed_qty = flt(card.total_completed_qty);
  }

  /** frappe/api/v1.py update_doc: doc.update(data); doc.save() — docstatus 0 → 1 submits. */
  saveJobCard(name, data) {
    const card = this.jobCard(name);
    const submitting = card.docstatus === 0 && data.docstatus === 1;
    if (card.docstatus === 2) throw new FrappeError('ValidationError', 'Cannot edit cancelled document');
    if (card.docstatus === 1) {
      const changed = Object.keys(data).filter((k) => k !== 'docstatus' && !ERPNEXT.doctypes['Job Card'].fields[k]?.allowOnSubmit);
      if (changed.length > 0) throw new FrappeError('UpdateAfterSubmitError', `Not allowed to change ${changed.join(', ')} after submission`);
      if (data.docstatus === 0) throw new FrappeError('DocstatusTransitionError', 'Cannot change docstatus from 1 to 0');
    }
    const next = { ...card, ...data, time_logs: (data.time_logs ?? card.time_logs).map((row) => ({ ...row })) };
    this.validateTimeLogs(next);
    // before_save → set_process_loss
    next.process_loss_qty = next.total_completed_qty && next.for_quantity > next.total_completed_qty ? flt(next.for_quantity - next.total_completed_qty) : 0;
    if (submitting) this.validateJobCard(next);
    next.status = next.docstatus === 1 ? 'Completed' : next.time_logs.length > 0 ? 'Work In Progress' : 'Open';
    this.jobCards.set(name, next);
    if (submitting) this.updateWorkOrder(next);
    return { data: next };
  }

  /** job_card.py validate_job_card (on_submit). */
  validateJobCard(card) {
    if (card.time_logs.length === 0) throw new FrappeError('ValidationError', `Time logs are required for Job Card ${card.name}`);
    if (this.enforceTimeLogs) {
      card.time_logs.forEach((row, i) => {
        if (!row.from_time || !row.to_time) throw new FrappeError('ValidationError', `Row #${i + 1}: From Time and To Time fields are required`);
      });
    }
    const total = flt(card.total_completed_qty + card.process_loss_qty);
    if (card.for_quantity && total !== flt(card.for_quantity)) {
      throw new FrappeError('ValidationError', `The Total Completed Qty (${total}) must be equal to Qty to Manufacture (${card.for_quantity})`);
    }
  }

  /** job_card.py update_work_order / get_current_operation_data: only submitted Job Cards count. */
  updateWorkOrder(card) {
    const wo = this.workOrders.get(card.work_order);
    const op = wo.operations.find((o) => o.name === card.operation_id);
    const submitted = [...this.jobCards.values()].filter((c) => c.docstatus === 1 && c.operation_id === card.operation_id);
    op.completed_qty = flt(submitted.reduce((sum, c) => sum + c.total_completed_qty, 0));
    op.process_loss_qty = flt(submitted.reduce((sum, c) => sum + c.process_loss_qty, 0));
  }

  /** frappe/api/v1.py create_doc: new_doc(**data).insert() — docstatus 1 inserts and submits. */
  insertStockEntry(entry) {
    entry.items.forEach((row, i) => {
      if (ERPNEXT.uoms[row.uom] && !Number.isInteger(row.qty)) {
        throw new FrappeError('UOMMustBeIntegerError', `Row ${i + 1}: Quantity (${row.qty}) cannot be a fraction. To allow this, disable 'Must be Whole Number' in UOM ${row.uom}.`, 417, 'erpnext.utilities.transaction_base');
      }
    });
    if (entry.company !== this.company) throw new FrappeError('LinkValidationError', `Could not find Company: ${entry.company}`);
    const fg = entry.from_bom ? Number(entry.fg_completed_qty) || 0 : 0;
    if (entry.purpose === 'Manufacture' && entry.work_order) {
      const wo = this.workOrders.get(entry.work_order);
      if (!wo) throw new FrappeError('LinkValidationError', `Could not find Work Order: ${entry.work_order}`);
      if (!fg) throw new FrappeError('ValidationError', 'For Quantity (Manufactured Qty) is mandatory');
      // stock_entry.py check_if_operations_completed
      for (const op of wo.operations) {
        const total = fg + wo.produced_qty;
        const completed = op.completed_qty + op.process_loss_qty + (this.overproductionPercent / 100) * op.completed_qty;
        if (flt(total) > flt(completed)) {
          const card = [...this.jobCards.values()].find((c) => c.operation_id === op.name);
          throw new FrappeError('OperationsNotCompleteError', `Row #${op.idx}: Operation ${op.operation} is not completed for ${total} qty of finished goods in Work Order ${wo.name}. Please update operation status via Job Card ${card?.name}.`, 417, 'erpnext.stock.doctype.stock_entry.stock_entry');
        }
      }
      if (entry.docstatus === 1) wo.produced_qty = flt(wo.produced_qty + fg);
    }
    const saved = { ...entry, name: `MAT-STE-${String(this.stockEntries.length + 1).padStart(5, '0')}` };
    this.stockEntries.push(saved);
    return { data: saved };
  }
}

module.exports = { ErpNextSite, FrappeError, MAKE_TIME_LOG };
