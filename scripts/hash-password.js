#!/usr/bin/env node
// `npm run hash-password -- '<password>'` (or the password on stdin) prints the bcrypt hash to put
// into MES_DASHBOARD_USERS (user:hash) or MES_ADMIN_PASSWORD_HASH; plain-text passwords are refused there.
const path = require('node:path');
// bcryptjs as Node-RED's editor API has it, the copy flows/settings.js checks logins with.
const bcrypt = require(require.resolve('bcryptjs', { paths: [path.dirname(require.resolve('@node-red/editor-api/package.json'))] }));

async function main() {
  let password = process.argv[2];
  if (password === undefined) {
    const chunks = [];
    for await (const chunk of process.stdin) chunks.push(chunk);
    password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  if (!password) {
    console.error("usage: npm run hash-password -- '<password>'   (or: echo '<password>' | npm run --silent hash-password)");
    process.exit(2);
  }
  console.log(await bcrypt.hash(password, 10));
}

main();
