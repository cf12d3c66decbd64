// The Node.js flags `npm start` runs Node-RED with, read from package.json's start script, so the
// tests and benchmarks that start the runtime themselves run it the same way.
//
// --max-semi-space-size=64 (MB): a young generation that may grow to 64 MB instead of 16. An OEE
// node with finish signals 'durable' holds each signal's message until its commit; at hundreds of
// thousands of signals a second, every young-generation collection copies those messages, and a
// larger young generation collects a quarter as often (docs/oee.md, "High signal rates").
const { scripts } = require('../package.json');

module.exports = scripts.start.split(/\s+/).filter((arg) => arg.startsWith('--'));
