const assert = require('node:assert/strict');
const { openTempStore } = require('../support/store');
const { validOrder } = require('../support/orders');
const g = require('../../dist/lib/genealogy');
const { twoLevelOrders, submitOrders, run, eventCount, op } = require('./fixtures');

const T = (h) => `2026-11-25T${String(h).padStart(2, '0')}:00:00.000Z`;

async function rejects(promise, rule) {
  await assert.rejects(promise, (err) => {
    const errors = err.errors || err.conflicts || [];
    assert.ok(errors.some((e) => e.rule === rule), `expected rule ${rule}, got ${err.message}`);
    assert.match(err.message, new RegExp(`\\[${rule}\\]`));
    return true;
  });
}

describe('genealogy rules', function () {
  let store;
  beforeEach(async function () {
    store = openTempStore();
    await submitOrders(store, twoLevelOrders());
    await run(store, { action: 'receive', lot: 'RM-L1', material: 'RM-BAR', quantity: 50, unit: 'KG', supplier: 'ACME', eventTime: T(5) });
  });
  afterEach(function () { store.close(); });

  const consumeRm = (extra = {}) => ({ action: 'consume', orderId: 'PO-SUB', operationKey: '0010', lot: 'RM-L1', quantity: 10, unit: 'KG', workstation: 'WS-1', actor: 'op:ann', eventTime: T(6), ...extra });

  it('consumes from a lot: event with the lot, stock lowered, in the same commit', async function () {
    const out = await run(store, consumeRm());
    assert.equal(out.events.length, 1);
    const event = out.events[0];
    assert.equal(event.type, 'material.consumed');
    assert.deepEqual(event.payload, { material: 'RM-BAR', lot: 'RM-L1', quantity: 10, unit: 'KG', backflush: false });
    assert.equal(event.orderId, 'PO-SUB');
    assert.equal(event.operationKey, '0010');
    assert.equal(event.workstation, 'WS-1');
    assert.equal(event.actor, 'op:ann');
    assert.equal(event.eventTime, T(6));
    assert.equal(g.findLot(store, 'RM-L1').onHand, 40);
  });

  it('converts units: 2500 G from a KG lot is 2.5 KG', async function () {
    const out = await run(store, consumeRm({ quantity: 2500, unit: 'G' }));
    assert.equal(out.events[0].payload.quantity, 2.5);
    assert.equal(out.events[0].payload.unit, 'KG');
    assert.equal(g.findLot(store, 'RM-L1').onHand, 47.5);
  });

  it('refuses a unit with no conversion, and accepts it once the material defines one', async function () {
    const before = eventCount(store);
    await rejects(run(store, consumeRm({ quantity: 2, unit: 'PCE' })), 'unitNotConvertible');
    assert.equal(eventCount(store), before);
    const out = await run(store, consumeRm({ quantity: 2, unit: 'PCE' }), { conversions: [{ material: 'RM-BAR', from: 'PCE', to: 'KG', factor: 2.5 }] });
    assert.equal(out.events[0].payload.quantity, 5);
    assert.equal(g.findLot(store, 'RM-L1').onHand, 45);
  });

  it('refuses the wrong material: a lot of another material, a material that is no component, a component of another operation', async function () {
    await run(store, { action: 'receive', lot: 'OTHER-1', material: 'PAINT', quantity: 5, unit: 'L' });
    await rejects(run(store, consumeRm({ lot: 'OTHER-1', quantity: 1, unit: 'L' })), 'wrongMaterial');
    await rejects(run(store, consumeRm({ lot: 'OTHER-1', material: 'RM-BAR', quantity: 1, unit: 'L' })), 'wrongMaterial');
    await rejects(run(store, consumeRm({ operationKey: '0020' })), 'wrongOperation');
    assert.equal(g.findLot(store, 'RM-L1').onHand, 50);
  });

  it('requires a lot for a lot-controlled component, not for others', async function () {
    await rejects(run(store, consumeRm({ lot: undefined, material: 'RM-BAR' })), 'lotRequired');
    const out = await run(store, { action: 'consume', orderId: 'PO-SUB', operationKey: '0020', material: 'SCREW-M4', quantity: 8, unit: 'PCE' });
    assert.deepEqual(out.events[0].payload, { material: 'SCREW-M4', quantity: 8, unit: 'PCE', backflush: false });
  });

  it('refuses an unknown lot, order or operation', async function () {
    await rejects(run(store, consumeRm({ lot: 'NOPE' })), 'unknownLot');
    await rejects(run(store, consumeRm({ orderId: 'PO-NONE' })), 'unknownOrder');
    await rejects(run(store, consumeRm({ operationKey: '9999' })), 'unknownOperation');
  });

  it('refuses more than the lot holds, and changes nothing', async function () {
    const before = eventCount(store);
    await rejects(run(store, consumeRm({ quantity: 50.001 })), 'exceedsLotQuantity');
    assert.equal(eventCount(store), before);
    assert.equal(g.findLot(store, 'RM-L1').onHand, 50);
    await run(store, consumeRm({ quantity: 50 }));
    assert.equal(g.findLot(store, 'RM-L1').onHand, 0);
  });

  it('blocks a lot with who and why; a blocked lot cannot be used until released', async function () {
    const blocked = await run(store, { action: 'block', lot: 'RM-L1', reason: 'porosity found', actor: 'qa:bob', eventTime: T(7) });
    assert.equal(blocked.events[0].type, 'lot.blocked');
    assert.deepEqual(blocked.events[0].payload, { lot: 'RM-L1', material: 'RM-BAR', reason: 'porosity found' });
    const lot = g.findLot(store, 'RM-L1');
    assert.equal(lot.status, 'blocked');
    assert.equal(lot.blockedBy, 'qa:bob');
    assert.equal(lot.blockReason, 'porosity found');
    assert.equal(lot.blockedAt, T(7));
    await rejects(run(store, consumeRm()), 'lotBlocked');
    await rejects(run(store, { action: 'split', lot: 'RM-L1', parts: [{ quantity: 1 }] }), 'lotBlocked');
    const again = await run(store, { action: 'block', lot: 'RM-L1', reason: 'again', actor: 'qa:bob' });
    assert.equal(again.status, 'unchanged');
    const released = await run(store, { action: 'release', lot: 'RM-L1', reason: 'X-ray passed', actor: 'qa:eve' });
    assert.equal(released.events[0].type, 'lot.released');
    assert.equal(g.findLot(store, 'RM-L1').status, 'released');
    await run(store, consumeRm());
  });

  it('refuses a consumption into a closed order', async function () {
    await store.transact((s) => s.db.prepare("UPDATE orders SET status = 'completed' WHERE order_id = 'PO-SUB'").run());
    await rejects(run(store, consumeRm()), 'orderClosed');
  });

  it('produces lots numbered by the configured rule, and tops up a lot of the same order', async function () {
    const a = await run(store, { action: 'produce', orderId: 'PO-SUB', operationKey: '0020', quantity: 10, eventTime: T(8) });
    assert.equal(a.lots[0].lot, 'SUB-100-20261125-0001');
    assert.deepEqual(a.events[0].payload, { material: 'SUB-100', lot: 'SUB-100-20261125-0001', quantity: 10, unit: 'PCE' });
    const b = await run(store, { action: 'produce', orderId: 'PO-SUB', operationKey: '0020', quantity: 5, eventTime: T(9) });
    assert.equal(b.lots[0].lot, 'SUB-100-20261125-0002');
    const c = await run(store, { action: 'produce', orderId: 'PO-SUB', operationKey: '0020', quantity: 5 }, { lotPattern: 'L{order}-{operation}-{seq:3}' });
    assert.equal(c.lots[0].lot, 'LPO-SUB-0020-001');
    const topUp = await run(store, { action: 'produce', orderId: 'PO-SUB', operationKey: '0020', lot: 'LPO-SUB-0020-001', quantity: 7 });
    assert.equal(topUp.lots[0].quantity, 12);
    assert.equal(topUp.lots[0].onHand, 12);
    await rejects(run(store, { action: 'produce', orderId: 'PO-FG', operationKey: '0010', lot: 'LPO-SUB-0020-001', quantity: 1 }), 'lotExists');
    await rejects(run(store, { action: 'receive', lot: 'RM-L1', material: 'RM-BAR', quantity: 1, unit: 'KG' }), 'lotExists');
  });

  it('produces serials, numbered or given, and refuses a serial produced twice', async function () {
    const numbered = await run(store, { action: 'produce', orderId: 'PO-FG', operationKey: '0010', serialCount: 2 }, { serialPattern: 'SN{yy}{seq:5}' });
    assert.deepEqual(numbered.lots.map((l) => l.lot), ['SN2600001', 'SN2600002']);
    assert.deepEqual(numbered.events[0].payload, { material: 'FG-100', serials: ['SN2600001', 'SN2600002'], quantity: 2, unit: 'PCE' });
    const before = eventCount(store);
    await rejects(run(store, { action: 'produce', orderId: 'PO-FG', operationKey: '0010', serials: ['X-1', 'SN2600002'] }), 'serialProducedTwice');
    await rejects(run(store, { action: 'produce', orderId: 'PO-FG', operationKey: '0010', serials: ['X-1', 'X-1'] }), 'duplicateSerial');
    await rejects(run(store, { action: 'produce', orderId: 'PO-FG', operationKey: '0010', lot: 'SN2600001', quantity: 1 }), 'serialProducedTwice');
    assert.equal(eventCount(store), before);
    assert.equal(g.findLot(store, 'X-1'), undefined);
  });

  it('refuses a cycle: a lot consumed by the order that made it, or by one of its descendants', async function () {
    await submitOrders(store, [validOrder({
      orderId: 'PO-REWORK', material: 'FG-100', operations: [op('0010')],
      components: [{ material: 'FG-100', quantity: { value: 100, unit: 'PCE' }, operationKey: '0010', lotControlled: true }],
    })]);
    await run(store, { action: 'produce', orderId: 'PO-REWORK', operationKey: '0010', lot: 'RW-1', quantity: 10 });
    const before = eventCount(store);
    await rejects(run(store, { action: 'consume', orderId: 'PO-REWORK', operationKey: '0010', lot: 'RW-1', quantity: 1, unit: 'PCE' }), 'cycle');
    await run(store, { action: 'split', lot: 'RW-1', parts: [{ lot: 'RW-1A', quantity: 4 }] });
    await rejects(run(store, { action: 'consume', orderId: 'PO-REWORK', operationKey: '0010', lot: 'RW-1A', quantity: 1, unit: 'PCE' }), 'cycle');
    await rejects(run(store, { action: 'merge', sources: [{ lot: 'RW-1A' }], into: 'RW-1' }), 'cycle');
    assert.equal(eventCount(store), before + 1);
  });

  it('splits and merges lots, keeping quantities', async function () {
    const split = await run(store, { action: 'split', lot: 'RM-L1', parts: [{ lot: 'RM-L1A', quantity: 20000 }, { quantity: 10000 }], unit: 'G', eventTime: T(8) });
    assert.deepEqual(split.lots.map((l) => [l.lot, l.onHand, l.unit]), [['RM-L1', 20, 'KG'], ['RM-L1A', 20, 'KG'], ['RM-BAR-20261125-0001', 10, 'KG']]);
    assert.deepEqual(split.events[0].payload.parts, [{ lot: 'RM-L1A', quantity: 20 }, { lot: 'RM-BAR-20261125-0001', quantity: 10 }]);
    await rejects(run(store, { action: 'split', lot: 'RM-L1', parts: [{ quantity: 21 }] }), 'exceedsLotQuantity');
    await run(store, { action: 'receive', lot: 'RM-L2', material: 'RM-BAR', quantity: 5, unit: 'KG' });
    const merged = await run(store, { action: 'merge', sources: [{ lot: 'RM-L1' }, { lot: 'RM-L2', quantity: 3 }], into: undefined, eventTime: T(9) });
    assert.equal(merged.events[0].type, 'lot.merged');
    const target = merged.lots[0];
    assert.equal(target.origin, 'merged');
    assert.equal(target.onHand, 23);
    assert.equal(g.findLot(store, 'RM-L1').onHand, 0);
    assert.equal(g.findLot(store, 'RM-L2').onHand, 2);
    await run(store, { action: 'receive', lot: 'PAINT-1', material: 'PAINT', quantity: 5, unit: 'L' });
    await rejects(run(store, { action: 'merge', sources: [{ lot: 'RM-L2' }, { lot: 'PAINT-1' }] }), 'wrongMaterial');
  });

  it('validates command shapes with named rules', function () {
    assert.throws(() => g.parseGenealogyInput({ action: 'consume', orderId: 'PO-1' }), (err) => err.errors.some((e) => e.field === 'operationKey' && e.rule === 'required'));
    assert.throws(() => g.parseGenealogyInput({ action: 'explode' }), (err) => err.errors.some((e) => e.rule === 'enum'));
    assert.throws(() => g.parseGenealogyInput({ action: 'block', lot: 'L', reason: 'x' }), (err) => err.errors.some((e) => e.field === 'actor'));
    assert.throws(() => g.parseConversions([{ material: 'X', from: 'BOX', to: 'PCE', factor: 0 }]), (err) => err.errors.some((e) => e.rule === 'exclusiveMinimum'));
  });

  it('checks numbering patterns', function () {
    assert.equal(g.patternProblem('{material}-{seq:4}'), undefined);
    assert.match(g.patternProblem('{material}'), /\{seq\}/);
    assert.match(g.patternProblem('{material}-{seq}-{bogus}'), /unknown/);
    assert.match(g.patternProblem('{material} {seq}'), /letters/);
  });
});
