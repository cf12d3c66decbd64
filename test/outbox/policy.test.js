const assert = require('node:assert/strict');
const { classify, parseRetryAfter, retryDelay, parseOutboxCommand } = require('../../dist/lib/outbox');

const NOW = Date.parse('2026-11-25T10:00:00Z');

describe('outbox delivery policy', () => {
  it('acknowledges 2xx, retries 408 / 429 / 5xx / connection errors, quarantines other answers', () => {
    for (const status of [200, 201, 202, 204]) assert.equal(classify(status, {}, NOW).kind, 'delivered', String(status));
    for (const status of [408, 429, 500, 502, 503, 504, '503']) assert.equal(classify(status, {}, NOW).kind, 'retry', String(status));
    for (const code of ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', undefined]) assert.deepEqual(classify(code, {}, NOW), { kind: 'retry', reason: 'unreachable' });
    for (const status of [400, 401, 403, 404, 409, 422, 301]) assert.equal(classify(status, {}, NOW).kind, 'quarantine', String(status));
  });

  it('reads Retry-After as seconds or an HTTP date, in any header case', () => {
    assert.equal(classify(429, { 'retry-after': '120' }, NOW).retryAfterMs, 120000);
    assert.equal(classify(503, { 'Retry-After': 'Wed, 25 Nov 2026 10:00:30 GMT' }, NOW).retryAfterMs, 30000);
    assert.equal(parseRetryAfter('soon', NOW), undefined);
    assert.equal(parseRetryAfter('9999999', NOW), 24 * 3600 * 1000);
  });

  it('backs off exponentially with jitter, capped, never sooner than Retry-After', () => {
    const policy = { baseMs: 1000, maxMs: 60000 };
    assert.equal(retryDelay(1, policy, () => 0), 500);
    assert.equal(retryDelay(1, policy, () => 1), 1000);
    assert.equal(retryDelay(4, policy, () => 1), 8000);
    assert.equal(retryDelay(20, policy, () => 1), 60000);
    assert.equal(retryDelay(1, policy, () => 0, 30000), 30000);
  });
});

describe('outbox commands', () => {
  it('accept retry by event, order or all, each with an actor', () => {
    assert.deepEqual(parseOutboxCommand('retry', { all: true, actor: 'planner-1' }), { command: 'retry', all: true, actor: 'planner-1' });
    assert.deepEqual(parseOutboxCommand('retry', { orderId: 'PO-1', actor: 'planner-1' }), { command: 'retry', orderId: 'PO-1', actor: 'planner-1' });
    assert.deepEqual(parseOutboxCommand('metrics'), { command: 'metrics' });
  });

  it('refuse a missing actor, a missing reason, an unknown field and an unknown topic, naming field and rule', () => {
    const fields = (topic, payload) => {
      try {
        parseOutboxCommand(topic, payload);
      } catch (err) {
        return err.errors.map((e) => `${e.field}:${e.rule}`);
      }
      return [];
    };
    assert.deepEqual(fields('retry', { all: true }), ['actor:required']);
    assert.deepEqual(fields('discard', { eventId: '00000000-0000-4000-8000-000000000001', actor: 'a' }), ['reason:required']);
    assert.ok(fields('pause', { actor: 'a', force: true }).includes('force:additionalProperties'));
    assert.deepEqual(fields('flush', {}), ['topic:enum']);
  });
});
