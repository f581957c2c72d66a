// Child process of tests/fuzz: loads one handler module (TypeScript) and answers each message
// with its result. Usage (through ChildRunner): fork child-entry.js MODULE
'use strict';
const path = require('node:path');
require(path.resolve(__dirname, '../../../scripts/register-ts.js'));
const { handle } = require(process.argv[2]);

process.on('message', async ({ id, payload }) => {
  try {
    process.send({ id, value: await handle(payload) });
  } catch (e) {
    // a handler throwing is itself a finding (the handlers catch what they expect)
    process.send({ id, thrown: `${e && e.stack ? e.stack : e}` });
  }
});
process.send({ ready: true });
