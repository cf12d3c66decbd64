#!/usr/bin/env node
// `npm run bench [name...]`: runs every bench/*.bench.js (or those named), one after another so
// that they do not compete for the two cores, and prints each one's figures. Benchmarks print
// numbers side by side with a baseline measured in the same run; they never assert times.
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const wanted = process.argv.slice(2);
  const files = fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  if (files.length === 0) {
    console.error(`no benchmark matches ${wanted.join(', ')}`);
    process.exit(2);
  }
  console.log(`node ${process.version}, ${require('node:os').cpus().length} cores, ${new Date().toISOString()}`);
  for (const file of files) {
    console.log(`\n=== ${file} ===`);
    await require(path.join(__dirname, file)).run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
