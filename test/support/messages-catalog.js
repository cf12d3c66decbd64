// node-red-node-test-helper gives nodes an RED._ that returns the key: wrapping a node module with
// `translated` gives it our en-US message catalogs instead, so tests see the texts users see.
const fs = require('node:fs');
const path = require('node:path');

const NODES = path.join(__dirname, '..', '..', 'dist', 'nodes');

function loadCatalog() {
  const catalog = {};
  for (const dir of fs.readdirSync(NODES)) {
    const locales = path.join(NODES, dir, 'locales', 'en-US');
    if (!fs.existsSync(locales)) continue;
    for (const file of fs.readdirSync(locales).filter((f) => f.endsWith('.json'))) Object.assign(catalog, JSON.parse(fs.readFileSync(path.join(locales, file), 'utf8')));
  }
  return catalog;
}

const catalog = loadCatalog();

function translate(key, substitutions = {}) {
  const text = key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), catalog);
  if (typeof text !== 'string') return key;
  return text.replace(/__(\w+)__/g, (_, name) => (name in substitutions ? String(substitutions[name]) : `__${name}__`));
}

/** The node module `register`, with RED._ translating through the catalogs. */
function translated(register) {
  return (RED) => {
    RED._ = translate;
    return register(RED);
  };
}

module.exports = { translated, translate };
