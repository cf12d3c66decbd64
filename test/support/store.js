// A fresh on-disk MES store in a temporary directory, closed after the test.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MesStore, ALL_COMPONENTS } = require('../../dist/lib/store');

function tempDbFile() {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-store-')), 'mes.db');
}

function openTempStore(options = {}) {
  return MesStore.open(options.file || tempDbFile(), { components: ALL_COMPONENTS, ...options });
}

module.exports = { openTempStore, tempDbFile };
