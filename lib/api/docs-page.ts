import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The API reference page: Swagger UI from the installed swagger-ui-dist package (the plant may be
 * offline, so no CDN). The page is a static shell with no MES data: it asks for a bearer token,
 * keeps it in memory only (not in the URL, not in storage), loads the document with it and hands
 * it to Swagger UI's Authorize, so every "Try it out" call carries it too. No inline script, so
 * the page works under a strict Content-Security-Policy.
 */

const INIT_SCRIPT = `'use strict';
(function () {
  var form = document.getElementById('mes-token-form');
  var message = document.getElementById('mes-token-message');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var token = document.getElementById('mes-token').value.trim();
    message.textContent = 'Loading…';
    // Relative to the page at /mes/v1/docs: /mes/v1/openapi.json.
    fetch('openapi.json', { headers: { Authorization: 'Bearer ' + token }, cache: 'no-store' })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status === 401 || response.status === 403 ? 'The token was refused.' : 'The document could not be loaded (' + response.status + ').');
        return response.json();
      })
      .then(function (spec) {
        form.hidden = true;
        message.textContent = '';
        var ui = SwaggerUIBundle({ spec: spec, dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false });
        ui.preauthorizeApiKey('bearerAuth', token);
      })
      .catch(function (err) { message.textContent = err.message; });
  });
})();
`;

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>MES API reference</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <form id="mes-token-form" style="font-family: sans-serif; margin: 2em;">
    <h1>MES API reference</h1>
    <p>The reference is shown to holders of an API token (operator, supervisor or integration). The token stays in this page's memory and is sent only in the Authorization header.</p>
    <label>Bearer token <input id="mes-token" type="password" autocomplete="off" required size="50"></label>
    <button type="submit">Show the reference</button>
    <p id="mes-token-message" role="status"></p>
  </form>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/mes-docs.js"></script>
</body>
</html>
`;

interface Asset { type: string; file?: string; text?: string }

/** The only files served under /mes/v1/docs/{asset}: a fixed list, so no path ever reaches the file system from a request. */
export const DOCS_ASSETS: Readonly<Record<string, Asset>> = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: 'application/javascript; charset=utf-8', file: 'swagger-ui-bundle.js' },
  'favicon-32x32.png': { type: 'image/png', file: 'favicon-32x32.png' },
  'favicon-16x16.png': { type: 'image/png', file: 'favicon-16x16.png' },
  'mes-docs.js': { type: 'application/javascript; charset=utf-8', text: INIT_SCRIPT },
};

/** Headers of the page and its files: no framing, scripts only from here, nothing cached that a token could reach. */
export const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

let distDir: string | undefined;
const cache = new Map<string, Buffer>();

/** The content of one asset, read once from swagger-ui-dist; undefined for a name not in the list. */
export function docsAsset(name: string): { type: string; body: Buffer } | undefined {
  if (!Object.prototype.hasOwnProperty.call(DOCS_ASSETS, name)) return undefined;
  const asset = DOCS_ASSETS[name];
  let body = cache.get(name);
  if (!body) {
    if (asset.text !== undefined) body = Buffer.from(asset.text, 'utf8');
    else {
      distDir ??= dirname(require.resolve('swagger-ui-dist/package.json'));
      body = readFileSync(join(distDir, asset.file as string));
    }
    cache.set(name, body);
  }
  return { type: asset.type, body };
}

export function docsPage(): string {
  return PAGE;
}
