// Role-bearing tokens of the shop-floor API: read from the environment, compared in constant
// time, and accepted by the front door before a body is read.
const assert = require('node:assert/strict');
const { tokensFromEnv, authenticate, authorize, acceptedBodyLimit } = require('../../dist/lib/api');
const { refuseBeforeBody } = require('../../dist/lib/orders');

const bearer = (token) => ({ authorization: `Bearer ${token}` });

describe('shop-floor API tokens', () => {
  it('reads one token per role and role:subject:secret entries from the environment', () => {
    const tokens = tokensFromEnv({
      MES_API_TOKEN: 'erp-secret', MES_SUPERVISOR_TOKEN: 'sup-secret', MES_OPERATOR_TOKEN: 'op-secret',
      MES_API_TOKENS: 'operator:scanner-3:scanner-secret-0123456789, integration:bi:bi-secret:with-colon-0123',
    });
    assert.deepEqual(tokens.map((t) => [t.role, t.subject]), [
      ['integration', 'erp'], ['supervisor', 'supervisor'], ['operator', 'operator'], ['operator', 'scanner-3'], ['integration', 'bi'],
    ]);
    assert.deepEqual(authenticate(bearer('bi-secret:with-colon-0123'), tokens), { role: 'integration', subject: 'bi' });
  });

  it('refuses a malformed MES_API_TOKENS entry by its index and rule, never echoing the secret', () => {
    for (const [spec, rule] of [['admin:x:0123456789abcdef', 'enum'], ['operator:-bad:0123456789abcdef', 'pattern'], ['operator:ok:short', 'minLength']]) {
      assert.throws(() => tokensFromEnv({ MES_API_TOKENS: `operator:fine:0123456789abcdef,${spec}` }), (err) => {
        assert.deepEqual([err.errors[0].field, err.errors[0].rule], ['MES_API_TOKENS[1]', rule]);
        assert.doesNotMatch(err.message, /0123456789abcdef|short/);
        return true;
      });
    }
  });

  it('answers no token and a wrong token with 401 and a challenge, a wrong role with 403 naming the rule', () => {
    const tokens = tokensFromEnv({ MES_OPERATOR_TOKEN: 'op-secret' });
    for (const headers of [{}, bearer('guess'), { authorization: 'Basic b3A6c2VjcmV0' }]) {
      const refusal = authenticate(headers, tokens);
      assert.equal(refusal.response.statusCode, 401);
      assert.match(refusal.response.headers['WWW-Authenticate'], /^Bearer realm=/);
    }
    assert.equal(authenticate(bearer('op-secret'), []).response.statusCode, 503, 'no token configured');
    const principal = authenticate(bearer('op-secret'), tokens);
    assert.equal(authorize(principal, ['operator', 'supervisor'], 'x'), undefined);
    const forbidden = authorize(principal, ['supervisor'], 'the hold command');
    assert.equal(forbidden.response.statusCode, 403);
    assert.deepEqual([forbidden.response.body.errors[0].field, forbidden.response.body.errors[0].rule], ['Authorization', 'role']);
  });

  it('lets an operator token through the front door of /mes/*, with the shop-floor API body limit', () => {
    const orderApi = { token: 'erp', supervisorToken: 'sup', maxBodyBytes: 1024 };
    const gate = { tokens: tokensFromEnv({ MES_OPERATOR_TOKEN: 'op-secret' }), maxBodyBytes: 2048 };
    const head = (headers) => ({ method: 'POST', headers: { 'content-length': '10', ...headers } });
    const limit = (headers) => acceptedBodyLimit(headers, [gate]);
    const op = head(bearer('op-secret'));
    assert.equal(refuseBeforeBody(op, [orderApi], limit(op.headers)), undefined);
    const big = head({ ...bearer('op-secret'), 'content-length': '4096' });
    assert.equal(refuseBeforeBody(big, [orderApi], limit(big.headers)).statusCode, 413);
    const guess = head(bearer('guess'));
    assert.equal(refuseBeforeBody(guess, [orderApi], limit(guess.headers)).statusCode, 401);
  });
});
