#!/usr/bin/env node
// `npm run bench [name...]`: runs every bench/*.bench.js (or those named), one after another so
// that they do not compete for the two cores, and prints each one's figures. Benchmarks print
// numbers side by side with a baseline measured in the same run; they never assert times.
// It runs them in-process, with the Node.js flags of `npm start` (scripts/runtime-flags.js): the
// runtime is measured as it is shipped. `node bench/<name>.bench.js` runs one without them.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const runtimeFlags = require('../scripts/runtime-flags');

async function main() {
  if (!runtimeFlags.every((flag) => process.execArgv.includes(flag))) {
    const run = spawnSync(process.execPath, [...runtimeFlags, ...process.execArgv, __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
    process.exit(run.status ?? 1);
  }
  const wanted = process.argv.slice(2);
  const files = fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (files.length === 0) {
    console.error(`no benchmark matches ${wanted.join(', ')}`);
    process.exit(2);
  }
  console.log(`node ${process.version} ${process.execArgv.join(' ')}, ${require('node:os').cpus().length} cores, ${new Date().toISOString()}`);
  for (const file of files) {
    console.log(`\n=== ${file} ===`);
    await require(path.join(__dirname, file)).run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
