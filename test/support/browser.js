// The browser of the dashboard tests. MES_TEST_CHROMIUM names a Chromium (or Chrome) binary to
// use, e.g. /usr/bin/chromium; without it, the headless Chromium that the devDependency
// @sparticuz/chromium carries inside its npm package, so `npm install` is all a machine needs.
// The package unpacks it once into the OS temp directory (/tmp/chromium, about 200 MB).
const fs = require('node:fs');

// The network is closed in CI: nothing may phone home or wait for it.
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function chromiumExecutable() {
  const named = process.env.MES_TEST_CHROMIUM;
  if (named) {
    if (!fs.existsSync(named)) throw new Error(`MES_TEST_CHROMIUM=${named} does not exist`);
    return named;
  }
  return require('@sparticuz/chromium').executablePath();
}

/** @returns {Promise<import('playwright-core').Browser>} */
async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({ executablePath: await chromiumExecutable(), args: CHROMIUM_ARGS });
}

module.exports = { launchChromium };
