// onnxruntime-node returns typed arrays from the host realm; Jest's sandbox has its own
// constructors, so `instanceof Float32Array` checks inside the addon's JS wrapper fail.
// Share the host's constructors with the sandbox (see ../shared/TOOLCHAIN.md).
const NodeEnvironment = require('jest-environment-node').TestEnvironment;

const SHARED = [
  'ArrayBuffer', 'SharedArrayBuffer', 'DataView',
  'Float32Array', 'Float64Array', 'Int8Array', 'Int16Array', 'Int32Array',
  'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array',
  'BigInt64Array', 'BigUint64Array',
];

class OnnxNodeEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = OnnxNodeEnvironment;
