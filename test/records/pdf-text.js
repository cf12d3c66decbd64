// Reads the text back out of a PDF that pdfkit wrote with its standard fonts (no pdftotext on the
// machine): inflate each content stream, decode the hex strings of its TJ arrays (WinAnsi codes),
// one text object (BT … ET) per cell or line.
const zlib = require('node:zlib');

function pdfPages(buffer) {
  const text = buffer.toString('latin1');
  const pages = [];
  const stream = /stream\r?\n([\s\S]*?)\r?\nendstream/g;
  let match;
  while ((match = stream.exec(text))) {
    let content;
    try {
      content = zlib.inflateSync(Buffer.from(match[1], 'latin1')).toString('latin1');
    } catch {
      continue; // not a Flate stream (fonts are not embedded; images none)
    }
    if (!/\bBT\b/.test(content)) continue;
    const lines = [];
    for (const block of content.split(/\bBT\b/).slice(1)) {
      const pieces = [...block.matchAll(/<([0-9a-fA-F]*)>/g)].map((m) => Buffer.from(m[1], 'hex').toString('latin1'));
      if (pieces.length > 0) lines.push(pieces.join(''));
    }
    pages.push(lines);
  }
  return pages;
}

module.exports = { pdfPages };
