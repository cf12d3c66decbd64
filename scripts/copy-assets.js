// Copies what tsc does not emit (editor HTML, locale files) next to the compiled node files,
// where Node-RED looks for them.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
function copyTree(from, to) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
    }
  }
}
copyTree(path.join(root, 'nodes'), path.join(root, 'dist', 'nodes'));
