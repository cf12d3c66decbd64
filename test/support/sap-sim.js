// SAP S/4HANA's API_PROD_ORDER_CONFIRMATION_2_SRV as far as the MES's requests reach it: the
// Gateway refuses a payload that does not fit the service's $metadata (unknown property, wrong
// type or format, too long, too many decimals) with 400 and the OData V2 error
// { error: { code, message: { lang, value } } }; an accepted confirmation without goods
// movements and without APIConfHasNoGoodsMovements makes SAP book its own goods movements
// (backflush of the components flagged for it, automatic goods receipt), which is counted.
const { sapRequestProblems } = require('./erp-conformance');

class SapSystem {
  constructor() {
    this.confirmations = [];
    /** Confirmations on which SAP would determine goods movements itself. */
    this.automaticGoodsMovements = [];
    /** Orders SAP refuses confirmations for (e.g. technically completed), id → message. */
    this.refusedOrders = new Map();
  }

  handle(method, path, body) {
    const problems = sapRequestProblems({ method, path, body });
    if (problems.length > 0) {
      const first = problems[0];
      return odataError(400, first.rule === 'unknownProperty' ? '/IWBEP/CM_MGW_RT/020' : '/IWBEP/CM_MGW_RT/022', first.message);
    }
    const refusal = this.refusedOrders.get(body.OrderID);
    if (refusal) return odataError(400, 'CO/055', refusal);
    const items = body.to_ProdnOrdConfMatlDocItm?.results ?? [];
    const quantity = Number(body.ConfirmationYieldQuantity ?? 0) + Number(body.ConfirmationScrapQuantity ?? 0);
    if (items.length === 0 && quantity > 0 && body.APIConfHasNoGoodsMovements !== true) this.automaticGoodsMovements.push(body);
    const confirmation = { ...body, ConfirmationGroup: String(this.confirmations.length + 1).padStart(10, '0'), ConfirmationCount: '00000001' };
    this.confirmations.push(confirmation);
    return { status: 201, body: { d: confirmation } };
  }

  /** Goods movements SAP posted from the MES's items: movement type → material → total (numbers). */
  postedMovements() {
    const totals = {};
    for (const c of this.confirmations) {
      for (const item of c.to_ProdnOrdConfMatlDocItm?.results ?? []) {
        totals[item.GoodsMovementType] ??= {};
        totals[item.GoodsMovementType][item.Material] = (totals[item.GoodsMovementType][item.Material] ?? 0) + Number(item.QuantityInEntryUnit);
      }
    }
    return totals;
  }
}

function odataError(status, code, value) {
  return { status, body: { error: { code, message: { lang: 'en', value } } } };
}

module.exports = { SapSystem };
