#!/usr/bin/env node
// Signing accounts of a MES store (docs/compliance.md "Electronic signatures"):
//   npm run accounts -- <store.db> add <userId> "<printed name>" <role,role>
//   npm run accounts -- <store.db> password <userId>
//   npm run accounts -- <store.db> list
// The password comes from MES_ACCOUNT_PASSWORD or stdin, never from the command line (argv is visible to others).
const { MesStore } = require('../dist/lib/store');
const { ALL_COMPONENTS } = require('../dist/lib');
const { addAccount, setPassword, listAccounts } = require('../dist/lib/compliance');

async function readPassword() {
  if (process.env.MES_ACCOUNT_PASSWORD) return process.env.MES_ACCOUNT_PASSWORD;
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function main() {
  const [file, command, userId, printedName, roles] = process.argv.slice(2);
  if (!file || !['add', 'password', 'list'].includes(command)) {
    throw new Error('usage: npm run accounts -- <store.db> add <userId> "<printed name>" <roles> | password <userId> | list');
  }
  const store = MesStore.open(file, { components: ALL_COMPONENTS });
  try {
    if (command === 'list') {
      for (const a of listAccounts(store)) console.log([a.userId, a.printedName, a.roles.join(','), a.lockedUntil ? `locked until ${a.lockedUntil}` : ''].join('\t'));
    } else if (command === 'add') {
      await addAccount(store, { userId, printedName, roles: (roles ?? '').split(',').filter(Boolean), password: await readPassword() });
      console.log(`added ${userId}`);
    } else {
      await setPassword(store, userId, await readPassword());
      console.log(`password set for ${userId}`);
    }
  } finally {
    store.close();
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exitCode = 1;
});
