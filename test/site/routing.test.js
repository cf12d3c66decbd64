// Orders across lines (docs/site.md "Orders across lines", npm run test:site): both lines take the
// whole order, each dispatch places its own work centers' operations, and line B's 0020 starts
// only once the site database reports good output of line A's 0010; unknown or unreachable, held.
const assert = require('node:assert/strict');
const { SiteForwarder, SiteProgress, migrateSite, orderAcrossLines } = require('../../dist/lib/site');
const { startPostgres } = require('../support/postgres');
const { createDispatch, plantConfig, refusedWith } = require('../support/dispatch');
const { validOrder } = require('../support/orders');
const site = require('../support/site');

function linePlant(line) {
  const plant = plantConfig();
  return { ...plant, workstations: plant.workstations.filter((ws) => ws.line === line) };
}

const ORDER = validOrder({
  components: [],
  // No checks and any workstation of the work center: precedence alone decides.
  operations: validOrder().operations.map((op) => ({ ...op, qualityChecks: [], allowedWorkstations: undefined })),
});

describe('orders across lines (two lines, one site database)', function () {
  this.timeout(60000);
  let pg;
  let pool;
  const stores = [];
  before(async () => {
    pg = await startPostgres();
    pool = pg.pool({ database: (await pg.createDatabase('site_routing')).database });
    await migrateSite(pool);
  });
  after(async () => {
    for (const s of stores) s.close();
    await pool?.end();
    pg?.destroy();
  });

  it('each line places its own operations; B\'s 0020 waits for A\'s 0010 through the site, held while the site is unknown or down', async () => {
    const storeA = site.openLine();
    const storeB = site.openLine();
    stores.push(storeA, storeB);
    const progress = new SiteProgress();
    const a = createDispatch(storeA, { plant: linePlant('L1') });
    const b = createDispatch(storeB, { plant: linePlant('L2'), remoteGoodQuantity: (o, k) => progress.goodQuantity(o, k) });
    const forwardA = new SiteForwarder(storeA, pool, { site: 'PLANT-1010', area: 'MACHINING', line: 'L1' });
    const forwardB = new SiteForwarder(storeB, pool, { site: 'PLANT-1010', area: 'ASSEMBLY', line: 'L2' });
    const forward = async () => {
      while (await forwardA.forwardBatch() > 0);
      while (await forwardB.forwardBatch() > 0);
    };

    // Both intakes accept the whole order; each dispatch places only its own work centers' operation.
    await a.submit(ORDER);
    await b.submit(ORDER);
    const placedA = await a.release();
    const placedB = await b.release();
    assert.deepEqual(placedA.unplaced.map((u) => [u.operationKey, u.unknownWorkCenter]), [['0020', true]]);
    assert.deepEqual(placedB.unplaced.map((u) => [u.operationKey, u.unknownWorkCenter]), [['0010', true]]);
    assert.equal(b.snapshot('WS-A1').queue[0].ready, false);

    // Unknown at the site: held.
    await b.run('sign-on', { workstation: 'WS-A1', operator: 'op-carl' });
    await refusedWith(b.run('start', { operationKey: '0020', workstation: 'WS-A1', operator: 'op-carl' }), 'precedence');

    // Line A runs 0010 but has delivered nothing good yet: still held.
    await a.run('sign-on');
    await a.run('start');
    await forward();
    await progress.refresh(pool, ['PO-1000']);
    assert.equal(progress.goodQuantity('PO-1000', '0010'), 0);
    await refusedWith(b.run('start', { operationKey: '0020', workstation: 'WS-A1', operator: 'op-carl' }), 'precedence');

    // Good output on line A, but the site is down when line B looks: the last figures stay, held.
    await a.run('report', { goodQuantity: 10 });
    pg.stop('immediate');
    try {
      await assert.rejects(progress.refresh(pool, ['PO-1000']));
      assert.equal(progress.status.ok, false);
      await refusedWith(b.run('start', { operationKey: '0020', workstation: 'WS-A1', operator: 'op-carl' }), 'precedence');
    } finally {
      pg.start();
    }

    // The site back: A's 10 good reach it, B reads them and 0020 starts, with A's output as its input.
    await forward();
    await progress.refresh(pool, ['PO-1000']);
    assert.equal(progress.goodQuantity('PO-1000', '0010'), 10);
    assert.equal(b.snapshot('WS-A1').queue[0].ready, true);
    await b.run('start', { operationKey: '0020', workstation: 'WS-A1', operator: 'op-carl' });
    assert.equal(b.snapshot('WS-A1').current[0].inputQuantity, 10);
    await forward();
    const status = await orderAcrossLines(pool, 'PO-1000');
    assert.deepEqual(status.operations.map((o) => [o.operationKey, o.line, o.state, o.goodQuantity]), [['0010', 'L1', 'running', 10], ['0020', 'L2', 'running', 0]]);
  });
});
