// Waiting for messages at helper nodes of node-red-node-test-helper.

/** Resolves with the first msg at a helper node that satisfies `predicate`. */
const until = (node, predicate) => new Promise((resolve) => {
  const listener = (msg) => {
    if (!predicate(msg)) return;
    node.removeListener('input', listener);
    resolve(msg);
  };
  node.on('input', listener);
});

module.exports = { until };
