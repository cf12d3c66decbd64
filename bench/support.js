// Shared measuring helpers for the benchmarks.

/** p-th percentile (0..100) of an unsorted list of numbers. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

function formatRate(n) {
  return `${Math.round(n).toLocaleString('en-US')}/s`;
}

function ms(n) {
  return `${n.toFixed(2)} ms`;
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

module.exports = { percentile, formatRate, ms, mb };
