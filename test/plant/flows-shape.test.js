// The shipped flows as a person reads them in the editor: logic in nodes, not in function nodes;
// no state passed between tabs through global context; nothing overlapping; every tab says what
// it does; and no script that writes them.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { repoRoot } = require('../support/runtime');

const FUNCTION_LINE_BUDGET = 60;
const flows = JSON.parse(fs.readFileSync(path.join(repoRoot, 'flows', 'flows.json'), 'utf8'));
const tabs = flows.filter((n) => n.type === 'tab');
const onTabs = flows.filter((n) => n.z && n.x !== undefined);

/** The box the editor draws for a node: 100 px wide at least, wider for a long label; 30 px per 2 ports. */
function box(n) {
  const label = n.name || n.label || n.type;
  const width = Math.max(100, label.length * 7.5 + 50);
  const ports = Array.isArray(n.wires) ? n.wires.length : 1;
  const height = Math.max(30, ports * 13 + 4);
  return { left: n.x - width / 2, right: n.x + width / 2, top: n.y - height / 2, bottom: n.y + height / 2 };
}

function overlaps(a, b) {
  const p = box(a);
  const q = box(b);
  return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
}

describe('the shipped flows, as the editor shows them', () => {
  it('are not written by a generator', () => {
    assert.equal(fs.existsSync(path.join(repoRoot, 'scripts', 'plant-flows.js')), false);
  });

  it(`hold at most ${FUNCTION_LINE_BUDGET} lines of JavaScript in function nodes`, () => {
    const lines = flows.filter((n) => n.type === 'function')
      .map((n) => ({ name: n.name, lines: [n.func, n.initialize, n.finalize].join('\n').split('\n').filter((l) => l.trim() !== '').length }));
    const total = lines.reduce((sum, f) => sum + f.lines, 0);
    assert.ok(total <= FUNCTION_LINE_BUDGET, `${total} lines: ${JSON.stringify(lines)}`);
  });

  it('share no state between tabs through global or flow context', () => {
    const code = flows.filter((n) => n.type === 'function' || n.type === 'change')
      .map((n) => `${n.func || ''}${n.initialize || ''}${JSON.stringify(n.rules || [])}`).join('\n');
    assert.doesNotMatch(code, /\bglobal\.(get|set|keys)\b|"pt":"global"|"tot":"global"/);
    assert.doesNotMatch(code, /\bflow\.(get|set|keys)\b|"pt":"flow"|"tot":"flow"/);
  });

  it('have no two nodes of a tab on top of each other', () => {
    const clashes = [];
    for (let i = 0; i < onTabs.length; i++) {
      for (let j = i + 1; j < onTabs.length; j++) {
        if (onTabs[i].z === onTabs[j].z && overlaps(onTabs[i], onTabs[j])) clashes.push(`${onTabs[i].name || onTabs[i].id} / ${onTabs[j].name || onTabs[j].id}`);
      }
    }
    assert.deepEqual(clashes, []);
  });

  it('say on every tab what it does and what a plant changes there', () => {
    for (const tab of tabs) {
      assert.ok(tab.info && tab.info.length > 40, `tab "${tab.label}" has no description`);
      assert.ok(flows.some((n) => n.z === tab.id && n.type === 'comment'), `tab "${tab.label}" has no comment node`);
    }
  });

  it('would catch the faults they check for', () => {
    // The checks above, shown to fail on flows that break them.
    const a = { id: 'a', z: 't', type: 'debug', name: 'log', x: 200, y: 100, wires: [] };
    assert.ok(overlaps(a, { ...a, id: 'b', x: 230 }));
    assert.ok(!overlaps(a, { ...a, id: 'b', y: 160 }));
    assert.match("global.get('signedOn')", /\bglobal\.(get|set|keys)\b/);
  });

  it('take every workstation from the plant model: no workstation id outside it', () => {
    const plant = flows.find((n) => n.type === 'mes-plant');
    const ids = plant.workstations.map((w) => w.id);
    const elsewhere = flows.filter((n) => n !== plant).map((n) => JSON.stringify(n)).filter((text) => ids.some((id) => text.includes(`"${id}"`) || text.includes(`${id}/`)));
    assert.deepEqual(elsewhere, []);
  });
});
