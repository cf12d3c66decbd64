import type { CanonicalActual, Dialect, ErpRequest, MappingContext } from './types';

/** Whitelisted ERPNext method behind the Job Card's start / complete buttons. */
export const ERPNEXT_TIME_LOG_PATH = '/api/method/erpnext.manufacturing.doctype.job_card.job_card.make_time_log';
export const ERPNEXT_STOCK_ENTRY_PATH = '/api/resource/Stock%20Entry';

/** Frappe datetimes are naive `YYYY-MM-DD HH:mm:ss`; the MES sends UTC (run the ERPNext site in UTC or convert there). */
export function frappeDateTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

function timeLog(args: Record<string, unknown>): ErpRequest {
  // ERPNext 15 names the parameter `args`, 16 `kwargs`; Frappe drops the one a version does not declare.
  return { method: 'POST', path: ERPNEXT_TIME_LOG_PATH, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: { args, kwargs: args } };
}

function stockItem(actual: CanonicalActual, finished: boolean, context: MappingContext): Record<string, unknown> {
  const item: Record<string, unknown> = {
    item_code: actual.material,
    qty: actual.quantity ?? 0,
    uom: actual.materialUnit,
    batch_no: actual.lot,
    serial_no: actual.serials && actual.serials.length > 0 ? actual.serials.join('\n') : undefined,
    // Batch and serial numbers given as plain fields rather than a Serial and Batch Bundle (ERPNext 15+).
    use_serial_batch_fields: actual.lot || actual.serials ? 1 : undefined,
  };
  if (finished) {
    item.t_warehouse = context.options.targetWarehouse || undefined;
    item.is_finished_item = 1;
  } else {
    item.s_warehouse = context.options.sourceWarehouse || undefined;
  }
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined));
}

/**
 * ERPNext (Frappe REST). A started operation opens a Job Card time log; its completion closes the
 * log with the operation's completed quantity (the MES operation key is the Job Card name). A
 * produced lot posts a submitted Stock Entry of purpose Manufacture whose raw-material rows are the
 * goods issues recorded for the order since the previous receipt, each with its batch. Yield
 * increments, goods issues on their own, order completion and cancellation are not posted.
 */
export const erpnextDialect: Dialect = {
  name: 'erpnext',
  map(actual: CanonicalActual, context: MappingContext) {
    switch (actual.kind) {
      case 'activity-start':
        return timeLog({ job_card_id: actual.operationKey, start_time: frappeDateTime(actual.eventTime), status: 'Work In Progress' });
      case 'operation-confirmation':
        return timeLog({
          job_card_id: actual.operationKey,
          complete_time: frappeDateTime(actual.eventTime),
          completed_qty: actual.goodQuantity ?? 0,
          status: actual.final ? 'Complete' : 'Pause',
        });
      case 'goods-receipt': {
        const issues = context.goodsIssuesBefore(actual);
        return {
          method: 'POST', path: ERPNEXT_STOCK_ENTRY_PATH, headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: {
            doctype: 'Stock Entry',
            stock_entry_type: 'Manufacture',
            purpose: 'Manufacture',
            work_order: actual.erpReference ?? actual.orderId,
            fg_completed_qty: actual.quantity ?? 0,
            set_posting_time: 1,
            posting_date: frappeDateTime(actual.eventTime).slice(0, 10),
            posting_time: frappeDateTime(actual.eventTime).slice(11),
            remarks: `MES actual ${actual.actualId}`,
            docstatus: 1,
            items: [...issues.map((issue) => stockItem(issue, false, context)), stockItem(actual, true, context)],
          },
        };
      }
      default:
        return null;
    }
  },
};
