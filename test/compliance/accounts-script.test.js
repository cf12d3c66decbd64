const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { tempDbFile } = require('../support/store');

const script = path.join(__dirname, '../../scripts/accounts.js');
const run = (args, options = {}) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', ...options });

describe('npm run accounts', () => {
  it('adds a signing user with the password from the environment, sets one from stdin, lists users', () => {
    const file = tempDbFile();
    const added = run([file, 'add', 'sup-bo', 'Bo Supervisor', 'supervisor'], { env: { ...process.env, MES_ACCOUNT_PASSWORD: 'long password' } });
    assert.equal(added.status, 0, added.stderr);
    const set = run([file, 'password', 'sup-bo'], { input: 'another password\n', env: { ...process.env, MES_ACCOUNT_PASSWORD: '' } });
    assert.equal(set.status, 0, set.stderr);
    assert.match(run([file, 'list']).stdout, /^sup-bo\tBo Supervisor\tsupervisor\t/);
    const short = run([file, 'password', 'sup-bo'], { input: 'short\n', env: { ...process.env, MES_ACCOUNT_PASSWORD: '' } });
    assert.equal(short.status, 1);
    assert.match(short.stderr, /password: a signing password has 8 to 200 characters/);
  });
});
