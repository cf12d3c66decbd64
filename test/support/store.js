// A fresh on-disk MES store in a temporary directory, closed after the test.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { MesStore } = require('../../dist/lib/store');
const { ALL_COMPONENTS } = require('../../dist/lib');

function tempDbFile() {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mes-store-')), 'mes.db');
}

function openTempStore(options = {}) {
  return MesStore.open(options.file || tempDbFile(), { components: ALL_COMPONENTS, ...options });
}

/**
 * Holds every fsync (the store's WAL sync) until the test opens it: `pending` counts the held
 * ones, `openNext()` lets the oldest run, `restore()` puts the real fsync back and lets all run.
 */
function holdFsyncs() {
  const realFsync = fs.fsync;
  const held = [];
  fs.fsync = (fd, callback) => held.push(() => realFsync(fd, callback));
  return {
    realFsync,
    get pending() { return held.length; },
    openNext() { held.shift()(); },
    restore() {
      fs.fsync = realFsync;
      while (held.length > 0) held.shift()();
    },
  };
}

module.exports = { openTempStore, tempDbFile, holdFsyncs };
