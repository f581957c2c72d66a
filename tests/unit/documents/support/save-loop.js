// Child process of the crash-safety test: saves the versions in turn, forever, until killed.
// Usage: node save-loop.js TARGET
'use strict';
const path = require('node:path');
require(path.resolve(__dirname, '../../../../scripts/register-ts.js'));
const { writePalette } = require('../../../../main/documents');
const { crashVersion, VERSION_COUNT } = require('./crash-versions.ts');

const target = process.argv[2];
const versions = Array.from({ length: VERSION_COUNT }, (_, k) => crashVersion(k));

async function main() {
  process.stdout.write('ready\n');
  for (let i = 0; ; i++) {
    await writePalette(target, versions[i % VERSION_COUNT]);
    process.stdout.write(`saved ${i % VERSION_COUNT}\n`);
  }
}
main().catch((e) => {
  process.stderr.write(`${e.stack}\n`);
  process.exit(1);
});
