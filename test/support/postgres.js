// A throwaway PostgreSQL cluster for the site tests (npm run test:site): initdb in a temporary
// directory, started on a free port, stopped and removed after. Binaries: $MES_TEST_PG_BIN, else
// `pg_config --bindir`, else /usr/lib/postgresql/*/bin, else /usr/local/bin. PostgreSQL refuses to
// run as root: as root the cluster runs as the `postgres` OS user if there is one, else `nobody`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const { Pool } = require('pg');
const { freePort } = require('./runtime');

function findBinDir() {
  const candidates = [];
  if (process.env.MES_TEST_PG_BIN) candidates.push(process.env.MES_TEST_PG_BIN);
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    // no pg_config on PATH
  }
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`), '/usr/local/bin');
  const found = candidates.find((dir) => dir && fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl')));
  if (!found) {
    throw new Error(`no PostgreSQL binaries (initdb, pg_ctl) found in ${candidates.join(', ')}: install PostgreSQL (apt-get install postgresql) or set MES_TEST_PG_BIN`);
  }
  return found;
}

/** As root, the OS user the cluster runs as, with its uid and gid. */
function clusterUser() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  for (const name of ['postgres', 'nobody']) {
    const id = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (id.status === 0) {
      const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
      return { name, uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  throw new Error('running as root, and neither a postgres nor a nobody OS user exists to run PostgreSQL as');
}


/**
 * @param {object} [extra]
 * @param {string} [extra.options] more server options, e.g. `-c ssl=on`
 * @param {(dataDir: string, own: (file: string) => void) => void} [extra.beforeStart] e.g. to put a certificate in the
 *   data directory; `own` gives a file to the cluster's OS user (PostgreSQL refuses a key it does not own)
 */
async function startPostgres(extra = {}) {
  const bin = findBinDir();
  const user = clusterUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mes-site-pg-'));
  const data = path.join(dir, 'data');
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const run = (tool, args) => {
    const [command, argv] = user ? ['runuser', ['-u', user.name, '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    const result = spawnSync(command, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-N', '-E', 'UTF8']);
  const port = await freePort();
  // fsync off: a test cluster needs no durability against power loss, and the tests run faster.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50${extra.options ? ` ${extra.options}` : ''}`;
  extra.beforeStart?.(data, (file) => { if (user) fs.chownSync(file, user.uid, user.gid); });
  const cluster = {
    bin, dir, port, user: user ? user.name : os.userInfo().username,
    connection: { host: '127.0.0.1', port, user: 'postgres', database: 'postgres' },
    running: false,
    start() {
      run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', 'start']);
      cluster.running = true;
    },
    /** `immediate`: as a crash of the site server (no shutdown checkpoint); connections drop at once. */
    stop(mode = 'fast') {
      if (!cluster.running) return;
      run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      cluster.running = false;
    },
    pool(extra = {}) {
      const pool = new Pool({ ...cluster.connection, max: 4, connectionTimeoutMillis: 2000, ...extra });
      // Idle connections report the server going away here; without a listener that would crash the test run.
      pool.on('error', () => undefined);
      return pool;
    },
    /** A fresh database of this cluster, for one test's site. */
    async createDatabase(name) {
      const admin = new Pool({ ...cluster.connection, max: 1 });
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return { ...cluster.connection, database: name };
    },
    destroy() {
      cluster.stop('immediate');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}

/** Polls `check` until it returns a truthy value (returned), or fails after `timeoutMs` with `what`. */
async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

module.exports = { startPostgres, waitFor, findBinDir };
