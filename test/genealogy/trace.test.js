const assert = require('node:assert/strict');
const fs = require('node:fs');
const { openTempStore, tempDbFile } = require('../support/store');
const g = require('../../dist/lib/genealogy');
const { twoLevelOrders, submitOrders, run, buildTwoLevelGenealogy, T } = require('./fixtures');

const lotsOf = (result) => result.lots.map((l) => l.lot).sort();
const linkOf = (result, from, to) => result.links.find((l) => l.from.id === from && l.to.id === to);

describe('genealogy traces', function () {
  let store;
  beforeEach(async function () {
    store = openTempStore();
    await buildTwoLevelGenealogy(store);
  });
  afterEach(function () { store.close(); });

  it('traces backward through merge, split and two orders, with who, where, when and how much', function () {
    const result = g.trace(store, 'FG-1', 'backward');
    assert.equal(result.lot.lot, 'FG-1');
    assert.deepEqual(lotsOf(result), ['RM-L1', 'RM-L2', 'SUB-100-20261125-0001', 'SUB-A', 'SUB-A1', 'SUB-A2', 'SUB-X']);
    assert.deepEqual(result.orders, ['PO-FG', 'PO-SUB']);
    const rm1 = linkOf(result, 'RM-L1', 'PO-SUB');
    assert.deepEqual({ ...rm1, eventSeq: undefined }, {
      level: 3, relation: 'consumed', from: { kind: 'lot', id: 'RM-L1', material: 'RM-BAR' }, to: { kind: 'order', id: 'PO-SUB', material: null },
      quantity: 10, unit: 'KG', orderId: 'PO-SUB', operationKey: '0010', workstation: 'WS-1', actor: 'op:ann', eventTime: T(6), backflush: false, eventSeq: undefined,
    });
    assert.equal(linkOf(result, 'PO-FG', 'FG-1').level, 1);
    assert.equal(linkOf(result, 'SUB-A1', 'PO-FG').level, 1);
    assert.equal(linkOf(result, 'SUB-A', 'SUB-A1').relation, 'split');
    assert.equal(linkOf(result, 'SUB-A', 'SUB-A1').level, 2);
    assert.equal(linkOf(result, 'SUB-X', 'SUB-100-20261125-0001').relation, 'merged');
    assert.equal(linkOf(result, 'SUB-A2', 'SUB-100-20261125-0001').quantity, 40);
    assert.equal(linkOf(result, 'PO-SUB', 'SUB-A').level, 3);
    assert.deepEqual(result.links.map((l) => l.level), [...result.links.map((l) => l.level)].sort((a, b) => a - b));
  });

  it('traces forward from a raw lot up to the finished lot, and a bought lot reaches only what it went into', function () {
    const fromRaw = g.trace(store, 'RM-L1', 'forward');
    assert.deepEqual(lotsOf(fromRaw), ['FG-1', 'SUB-100-20261125-0001', 'SUB-A', 'SUB-A1', 'SUB-A2']);
    assert.deepEqual(fromRaw.orders, ['PO-FG', 'PO-SUB']);
    const fromBought = g.trace(store, 'SUB-X', 'forward');
    assert.deepEqual(lotsOf(fromBought), ['FG-1', 'SUB-100-20261125-0001']);
    assert.deepEqual(fromBought.orders, ['PO-FG']);
    assert.deepEqual(g.trace(store, 'FG-1', 'forward').links, []);
  });

  it('reports a recall: finished lots and orders affected by a component lot', function () {
    const report = g.recall(store, 'RM-L2');
    assert.deepEqual(report.finished.map((l) => l.lot), ['FG-1']);
    assert.deepEqual(report.inStock.map((l) => [l.lot, l.onHand]), [['FG-1', 120]]);
    assert.deepEqual(report.affected.map((l) => l.lot).sort(), ['FG-1', 'SUB-100-20261125-0001', 'SUB-A', 'SUB-A1', 'SUB-A2']);
    assert.deepEqual(report.orders.map((o) => [o.orderId, o.material, o.status]), [['PO-FG', 'FG-100', 'released'], ['PO-SUB', 'SUB-100', 'released']]);
    const csv = g.recallCsv(report).trim().split('\r\n');
    assert.equal(csv[0], 'role,kind,lot,material,quantity,on_hand,unit,status,order_id,operation_key,workstation,event_time');
    assert.ok(csv.some((line) => line.startsWith('finished,lot,FG-1,FG-100,120,120,PCE')));
  });

  it('links an input to one serial when the consumption names it (serial genealogy)', async function () {
    await run(store, { action: 'produce', orderId: 'PO-FG', operationKey: '0010', serials: ['SN-1', 'SN-2'], eventTime: T(13) });
    await run(store, { action: 'receive', lot: 'SUB-Y', material: 'SUB-100', quantity: 2, unit: 'PCE', eventTime: T(13) });
    await run(store, { action: 'consume', orderId: 'PO-FG', operationKey: '0010', lot: 'SUB-Y', quantity: 1, unit: 'PCE', into: 'SN-1', eventTime: T(14) });
    assert.equal(linkOf(g.trace(store, 'SN-1', 'backward'), 'SUB-Y', 'SN-1').relation, 'consumed');
    assert.equal(linkOf(g.trace(store, 'SN-2', 'backward'), 'SUB-Y', 'SN-2'), undefined);
    assert.deepEqual(lotsOf(g.trace(store, 'SUB-Y', 'forward')), ['SN-1']);
    await assert.rejects(run(store, { action: 'consume', orderId: 'PO-FG', operationKey: '0010', lot: 'SUB-Y', quantity: 1, unit: 'PCE', into: 'SUB-A' }), /intoOtherOrder/);
  });

  it('exports a trace as CSV, one row per link', function () {
    const result = g.trace(store, 'FG-1', 'backward');
    const lines = g.traceCsv(result).trim().split('\r\n');
    assert.equal(lines[0], 'level,relation,from_kind,from,from_material,to_kind,to,to_material,quantity,unit,order_id,operation_key,workstation,actor,event_time,backflush');
    assert.equal(lines.length, result.links.length + 1);
    assert.ok(lines.includes(`3,consumed,lot,RM-L1,RM-BAR,order,PO-SUB,,10,KG,PO-SUB,0010,WS-1,op:ann,${T(6)},false`));
  });

  it('answers an unknown lot with NotFoundError naming the rule', function () {
    assert.throws(() => g.trace(store, 'NOPE', 'backward'), (err) => err.name === 'NotFoundError' && /unknownLot/.test(err.message));
  });
});

describe('backflush cursor', function () {
  it('backflushes each quantity report once, durably, with its source event', async function () {
    const file = tempDbFile();
    let store = openTempStore({ file });
    await submitOrders(store, twoLevelOrders());
    const report = (good, key = '0020') => store.transact((s) => s.appendEvent({
      type: 'quantity.reported', eventTime: T(9), orderId: 'PO-SUB', operationKey: key, workstation: 'WS-3', actor: 'op:cy',
      payload: { commandId: `c-${good}-${key}`, shift: 'A', unit: 'PCE', goodQuantity: good, scrapQuantity: 0, reworkQuantity: 0 },
    }));
    const first = await report(10);
    await report(0);
    await report(5, '0010');
    const events = await g.runBackflush(store);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'material.consumed');
    assert.deepEqual(events[0].payload, { material: 'SCREW-M4', quantity: 40, unit: 'PCE', backflush: true, sourceEventId: first.eventId });
    assert.equal(events[0].orderId, 'PO-SUB');
    assert.equal(events[0].operationKey, '0020');
    assert.equal(events[0].workstation, 'WS-3');
    assert.equal(events[0].eventTime, T(9));
    assert.deepEqual(await g.runBackflush(store), []);
    store.close();

    store = openTempStore({ file });
    try {
      assert.deepEqual(await g.runBackflush(store), [], 'the cursor survived the restart');
      await report(2.5);
      const more = await g.runBackflush(store, 1);
      assert.deepEqual(more.map((e) => e.payload.quantity), [10]);
      await run(store, { action: 'produce', orderId: 'PO-SUB', operationKey: '0020', lot: 'SUB-B', quantity: 12.5 });
      const screws = g.trace(store, 'SUB-B', 'backward').links.filter((l) => l.from.id === 'SCREW-M4');
      assert.deepEqual(screws.map((l) => [l.from.kind, l.quantity, l.backflush]), [['material', 40, true], ['material', 10, true]]);
      assert.equal(store.readEvents(0, 1000, ['material.consumed']).length, 2);
    } finally {
      store.close();
      fs.rmSync(require('node:path').dirname(file), { recursive: true, force: true });
    }
  });

  it('rolls the cursor back with the consumptions when the batch fails', async function () {
    const store = openTempStore();
    try {
      await submitOrders(store, twoLevelOrders());
      await store.transact((s) => s.appendEvent({ type: 'quantity.reported', orderId: 'PO-SUB', operationKey: '0020', payload: { unit: 'PCE', goodQuantity: 1 } }));
      await assert.rejects(store.transact((s) => { g.backflushBatch(s); throw new Error('crash before commit'); }));
      assert.equal(store.readEvents(0, 100, ['material.consumed']).length, 0);
      assert.equal((await g.runBackflush(store)).length, 1);
    } finally {
      store.close();
    }
  });
});
