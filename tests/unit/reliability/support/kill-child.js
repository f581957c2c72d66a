// Child of the kill -9 test: saves (or autosaves) the given versions in turn, forever, until killed.
// Usage: node kill-child.js save TARGET VERSION.palette... | node kill-child.js autosave DIR VERSION.palette...
'use strict';
const fs = require('node:fs');
const path = require('node:path');
require(path.resolve(__dirname, '../../../../scripts/register-ts.js'));

const [mode, where, ...files] = process.argv.slice(2);
const versions = files.map((f) => new Uint8Array(fs.readFileSync(f)));

async function main() {
  if (mode === 'save') {
    // exactly what writePalette does with the encoded bytes: atomic replace keeping a .bak
    const { writeFileAtomic } = require('../../../../main/documents/atomic-write.ts');
    process.stdout.write('ready\n');
    for (let i = 0; ; i++) {
      await writeFileAtomic(where, versions[i % versions.length], { backup: true });
      process.stdout.write(`saved ${i % versions.length}\n`);
    }
  }
  const { AutosaveFolder } = require('../../../../main/app/autosave.ts');
  const { decodePalette } = require('../../../../main/documents/palette-decode.ts');
  const docs = versions.map((v) => decodePalette(v));
  const folder = new AutosaveFolder(where);
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) {
    await folder.write({ id: 'crash-test-1', originalPath: null, savedAt: i }, docs[i % docs.length]);
    process.stdout.write(`saved ${i % docs.length}\n`);
  }
}
main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
