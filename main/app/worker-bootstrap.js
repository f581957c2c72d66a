'use strict';
// Runs a TypeScript worker entry from source (tests, `ts` dev runs): worker_threads needs a
// runnable JS file, and Jest's swc transform lives only in Jest's module registry, not in the
// worker's. So this file registers a tiny require hook for `.ts` that compiles with
// @swc/core's transformSync (already a dev dependency; no extra register package), then
// requires the entry named after `--palette-ts-entry`. Production never comes here: the
// compiled dist/ has worker.js next to the host (see start-worker.ts).
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const flag = process.argv.indexOf('--palette-ts-entry');
const entry = flag >= 0 ? process.argv[flag + 1] : undefined;
if (!entry) throw new Error('worker-bootstrap: missing --palette-ts-entry <file.ts>');

if (!Module._extensions['.ts']) {
  Module._extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { code } = transformSync(source, {
      filename,
      sourceMaps: 'inline',
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
    });
    module._compile(code, filename);
  };
}

require(entry);
